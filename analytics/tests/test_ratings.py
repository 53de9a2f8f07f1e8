"""The ratings report: real review changes through the reviews stream into the lake, read back by DuckDB.

Reviews are written, edited, hidden, restored, voted on and deleted through the reviews
services, with the application clock in June and July 2025; `consume_streams` runs the
review events exporter (`analytics.stream_handlers.export_review_events`) on the records.
The report must equal the figures computed here from the final state the test kept.
"""

from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from reviews.services import review_delete, review_hide, review_restore, review_update, vote_cast

RATINGS = "/api/v1/analytics/ratings"
SUMMER = {"from": "2025-06-01", "to": "2025-07-31"}


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=UTC)


def _mean(scores: list[int]) -> str:
    return str((Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture
def reviewed(lake, clock, tenant, other_tenant, book_factory, user_factory, review_factory, consume_streams):
    """Two shops' reviews over June and July; returns {(tenant, user, book): [score, status, month]} as they end."""
    books = [book_factory(tenant, title=f"Book {n}") for n in range(3)]
    readers = [user_factory(tenant) for _ in range(4)]
    state = {}

    def write(user, book, score, day):
        clock.set(_at(day))
        review = review_factory(user, book, score=score)
        state[(user.tenant_id, user.user_id, book.book_id)] = [score, "published", day[:7]]
        return review

    june = [(0, 0, 5), (1, 0, 4), (2, 0, 3), (0, 1, 2)]
    july = [(3, 0, 5), (1, 1, 5), (2, 1, 4), (0, 2, 5)]
    written = {}
    for day, batch in (("2025-06-10", june), ("2025-07-05", july)):
        for reader, book, score in batch:
            written[(reader, book)] = write(readers[reader], books[book], score, day)
    theirs = book_factory(other_tenant, title="Elsewhere")
    for _ in range(3):
        write(user_factory(other_tenant), theirs, 5, "2025-06-15")
    consume_streams("--tables", "reviews")

    clock.set(_at("2025-07-20"))
    key = lambda reader, book: (tenant.tenant_id, readers[reader].user_id, books[book].book_id)  # noqa: E731
    review_update(tenant_id="tenant1", user_id=readers[2].user_id, book_id=books[0].book_id, score=1)
    state[key(2, 0)][0] = 1
    review_hide(tenant_id="tenant1", review_id=written[(0, 1)].review_id, reason="Spoilers")
    state[key(0, 1)][1] = "hidden"
    review_hide(tenant_id="tenant1", review_id=written[(1, 0)].review_id, reason="Checking")
    review_restore(tenant_id="tenant1", review_id=written[(1, 0)].review_id)
    review_delete(tenant_id="tenant1", user_id=readers[3].user_id, book_id=books[0].book_id)
    del state[key(3, 0)]
    vote_cast(tenant_id="tenant1", voter_id=readers[0].user_id, review_id=written[(1, 1)].review_id, helpful=True)
    consume_streams("--tables", "reviews")
    consume_streams("--tables", "reviews")  # the helpful count the aggregates handler wrote back: no event
    return {"state": state, "books": books}


@pytest.fixture
def lake_rows_of_reviews(lake, tmp_path):
    """Every review event row in the `lake` fixture's folder, with the file it came from."""

    def read() -> list[dict]:
        import pyarrow.parquet as pq

        files = sorted((tmp_path / "lake").glob("*/review_events/year=*/month=*/day=*/*.parquet"))
        return [{**row, "_file": str(path)} for path in files for row in pq.read_table(path).to_pylist()]

    return read


def _expected(state, tenant_id, months=("2025-06", "2025-07")):
    by_book, by_month = defaultdict(list), defaultdict(list)
    for (tenant, _, book_id), (score, status, month) in state.items():
        if tenant == tenant_id and status == "published" and month in months:
            by_book[book_id].append(score)
            by_month[month].append(score)
    return by_book, by_month


def test_the_report_matches_the_reviews_as_they_are_now(reviewed, admin_client, lake_rows_of_reviews):
    response = admin_client.get(RATINGS, {**SUMMER, "min_reviews": 2})

    assert response.status_code == 200, response.data
    by_book, by_month = _expected(reviewed["state"], "tenant1")
    listed = sorted(
        (b for b in by_book if len(by_book[b]) >= 2),
        key=lambda b: (-sum(by_book[b]) / len(by_book[b]), -len(by_book[b])),
    )
    titles = {b.book_id: b.title for b in reviewed["books"]}
    assert response.data["best_rated"] == [
        {"book_id": b, "title": titles[b], "mean_score": _mean(by_book[b]), "reviews": len(by_book[b])} for b in listed
    ]
    assert [(r["book_id"], r["mean_score"], r["reviews"]) for r in response.data["best_rated"]] == [
        (reviewed["books"][1].book_id, "4.50", 2),  # its hidden review left out
        (reviewed["books"][0].book_id, "3.33", 3),  # edited to 1, one hidden and restored, one deleted
    ]
    assert response.data["by_month"] == [
        {"month": month, "mean_score": _mean(scores), "reviews": len(scores)}
        for month, scores in sorted(by_month.items())
    ]
    assert (response.data["from"], response.data["to"], response.data["min_reviews"]) == ("2025-06-01", "2025-07-31", 2)
    kinds = sorted(row["event_kind"] for row in lake_rows_of_reviews())
    assert kinds == sorted(["created"] * 11 + ["edited", "hidden", "hidden", "restored", "deleted"])


def test_the_defaults_and_the_range(reviewed, admin_client):
    default = admin_client.get(RATINGS, SUMMER).data  # min_reviews 3
    july = admin_client.get(RATINGS, {"from": "2025-07-01", "to": "2025-07-31", "min_reviews": 1}).data

    assert [(r["title"], r["reviews"]) for r in default["best_rated"]] == [("Book 0", 3)]
    by_book, by_month = _expected(reviewed["state"], "tenant1", months=("2025-07",))
    assert sorted((r["book_id"], r["reviews"]) for r in july["best_rated"]) == sorted(
        (b, len(s)) for b, s in by_book.items()
    )
    assert july["by_month"] == [{"month": "2025-07", "mean_score": _mean(by_month["2025-07"]), "reviews": 3}]


def test_each_tenant_counts_only_its_own_reviews(reviewed, admin_client, other_tenant_admin_client):
    mine = admin_client.get(RATINGS, {**SUMMER, "min_reviews": 1}).data
    theirs = other_tenant_admin_client.get(RATINGS, {**SUMMER, "min_reviews": 1}).data

    assert "Elsewhere" not in {r["title"] for r in mine["best_rated"]}
    assert sum(m["reviews"] for m in mine["by_month"]) == 6
    assert [(r["title"], r["mean_score"], r["reviews"]) for r in theirs["best_rated"]] == [("Elsewhere", "5.00", 3)]
    assert theirs["by_month"] == [{"month": "2025-06", "mean_score": "5.00", "reviews": 3}]


def test_a_batch_delivered_again_changes_nothing(reviewed, admin_client, lake_rows_of_reviews):
    from analytics.review_lake import write_review_rows

    before = admin_client.get(RATINGS, {**SUMMER, "min_reviews": 1}).data
    rows = [{k: v for k, v in row.items() if k != "_file"} for row in lake_rows_of_reviews()]
    write_review_rows(rows, first_record_id="redelivered")

    assert len(lake_rows_of_reviews()) == 2 * len(rows)
    assert admin_client.get(RATINGS, {**SUMMER, "min_reviews": 1}).data == before


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"min_reviews": 0}, "validation_error"),
        ({"min_reviews": "many"}, "validation_error"),
        ({"limit": 101}, "validation_error"),
        ({"from": "2025-07-02", "to": "2025-07-01"}, "range_reversed"),
        ({"from": "2024-01-01", "to": "2025-07-01"}, "range_too_long"),
    ],
)
def test_bad_input_is_a_400(lake, admin_client, params, code):
    response = admin_client.get(RATINGS, params)

    assert response.status_code == 400
    assert response.data["error"]["code"] == code


def test_customers_are_refused_and_a_down_engine_is_a_503(unreachable_lake, admin_client, customer_client):
    assert customer_client.get(RATINGS).status_code == 403
    response = admin_client.get(RATINGS)
    assert response.status_code == 503
    assert response.data["error"]["code"] == "analytics_unavailable"


def test_a_batch_replayed_on_s3_overwrites_its_file_without_deleting(s3_lake, admin_client):
    """On S3 the API role may delete purchase files only: a replayed review batch is a plain overwrite."""
    from analytics.lake_access import tenant_files
    from analytics.review_lake import review_event_row, write_review_rows
    from analytics.tables import REVIEW_EVENTS_TABLE
    from testing.aws_calls import recorded_aws_calls

    review = {"tenant_id": "tenant1", "review_id": "r-1", "revision": 1, "book_id": "b-1", "user_id": "u-1"}
    review |= {"score": 4, "status": "published", "created_at": "2025-07-02T10:00:00+00:00"}
    rows = [review_event_row(review, kind="created", event_time=_at("2025-07-02"))]
    with recorded_aws_calls() as calls:
        write_review_rows(rows, first_record_id="batch-1")
        write_review_rows(rows, first_record_id="batch-1")

    assert not [c for c in calls if c["operation"] in ("DeleteObject", "DeleteObjects")]
    assert len(tenant_files(table=REVIEW_EVENTS_TABLE, tenant_id="tenant1")) == 1
    report = admin_client.get(RATINGS, {"from": "2025-07-01", "to": "2025-07-31", "min_reviews": 1}).data
    assert report["by_month"] == [{"month": "2025-07", "mean_score": "4.00", "reviews": 1}]
