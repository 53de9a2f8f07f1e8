"""Review stream records → one lake row per review change → Parquet files under `{tenant}/review_events/`.

A row is the review as the change leaves it (its score and status; as it was, for a
deletion), with the change's kind (`reviews.review_events`), time and the review's revision.
Rows are partitioned by the review's `created_at` day, so every row of one review is in one
partition and a report over the days reviews were written reads all their changes. The
writer and its replay rule (a batch's files are named after its first record) are the
purchases' (`analytics.lake.write_partitioned`).
"""

from datetime import datetime
from typing import Any

from analytics.lake import parse_time, write_partitioned
from analytics.lake_schema import REVIEW_ROW_KEY, review_event_schema
from analytics.tables import REVIEW_EVENTS_TABLE
from reviews.review_events import CREATED, DELETED, review_event


def review_event_row(review: dict[str, Any], *, kind: str, event_time: datetime) -> dict[str, Any]:
    """The lake row of one review change."""
    return {
        "tenant_id": str(review["tenant_id"]),
        "review_id": str(review["review_id"]),
        "revision": int(review["revision"]),
        "event_kind": kind,
        "event_time": event_time,
        "book_id": str(review["book_id"]),
        "user_id": str(review["user_id"]),
        "score": int(review["score"]),
        "status": str(review["status"]),
        "created_at": parse_time(review["created_at"]),
    }


def review_rows_for_change(
    *, event_name: str, new: dict | None, old: dict | None, approximate_time: datetime
) -> list[dict[str, Any]]:
    """The row a reviews-table change produces (none for a vote or a handler's own write).

    A creation is timed at the review's `created_at`, an edit or a moderation at its
    `updated_at`, a deletion (which leaves no time on any item) at the record's approximate time.
    """
    event = review_event(event_name=event_name, new=new, old=old)
    if event is None:
        return []
    if event.kind == CREATED:
        when = parse_time(event.review["created_at"])
    elif event.kind != DELETED and event.review.get("updated_at"):
        when = parse_time(event.review["updated_at"])
    else:
        when = approximate_time
    return [review_event_row(event.review, kind=event.kind, event_time=when)]


def write_review_rows(rows: list[dict[str, Any]], *, first_record_id: str) -> list[str]:
    """Write review event rows, one file per (tenant, day) partition, named after the batch's first record."""
    return write_partitioned(
        rows,
        table=REVIEW_EVENTS_TABLE,
        schema=review_event_schema(),
        row_key=REVIEW_ROW_KEY,
        first_record_id=first_record_id,
    )
