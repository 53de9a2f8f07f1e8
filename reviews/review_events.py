"""Which review event a reviews stream record is: created, edited, hidden, restored or deleted.

A review changes by its author (create, edit, delete) or by an admin (hide, restore or
approve), and each such change moves its `revision` on; the stream handlers' own writes
(helpful counts, the verified flag cleared) never do, so they are no event. The analytics
exporter asks `review_event` which records to write to the lake and what each is called,
as it asks `orders.sale_events` about purchases.
"""

from typing import Any, NamedTuple

from reviews.models import HIDDEN, PUBLISHED, REVIEW_PREFIX
from streams.registry import INSERT, MODIFY, REMOVE

CREATED = "created"
EDITED = "edited"
HIDDEN_EVENT = "hidden"
RESTORED = "restored"
DELETED = "deleted"


class ReviewEvent(NamedTuple):
    """A review event: its kind, and the review as it is after it (as it was, for a deletion)."""

    kind: str
    review: dict[str, Any]


def review_event(*, event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> ReviewEvent | None:
    """The event of a reviews-table change, or None for a vote or a change no author or admin made.

    A change of status to hidden is `hidden`, to published (a restore, or a pending review
    approved) `restored`; any other change that moves the revision (the author's edit,
    which in a moderated shop also sends a published review back to pending) is `edited`.
    """
    image = new if new is not None else old
    if not image or not str(image.get("sk", "")).startswith(REVIEW_PREFIX):
        return None
    if event_name == INSERT and new is not None:
        return ReviewEvent(CREATED, new)
    if event_name == REMOVE and old is not None:
        return ReviewEvent(DELETED, old)
    if event_name != MODIFY or new is None or old is None or new.get("revision") == old.get("revision"):
        return None
    status, before = new.get("status"), old.get("status")
    if status != before and status == HIDDEN:
        return ReviewEvent(HIDDEN_EVENT, new)
    if status != before and status == PUBLISHED:
        return ReviewEvent(RESTORED, new)
    return ReviewEvent(EDITED, new)
