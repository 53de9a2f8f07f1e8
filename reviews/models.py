"""Reviews and helpful votes (one table, streamed), the verified-buyer counts, and the aggregates' markers."""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection, LocalSecondaryIndex
from pynamodb.models import Model

from bookstore.dynamodb.base import NEW_AND_OLD_IMAGES, BaseModel, TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned

# What a review may hold: input is checked against these, and messages quote them.
SCORE_MIN = 1
SCORE_MAX = 5
SCORES = tuple(range(SCORE_MIN, SCORE_MAX + 1))
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 5000
HIDDEN_REASON_MAX_LENGTH = 500

# A review is listed and counted only while published; pending waits for an admin's approval.
PUBLISHED = "published"
PENDING = "pending"
HIDDEN = "hidden"
STATUSES = (PUBLISHED, PENDING, HIDDEN)

REVIEW_PREFIX = "REVIEW#"
VOTE_PREFIX = "VOTE#"


class ReviewNewestIndex(LocalSecondaryIndex):
    """LSI `newest-index`: a book's published reviews by `published_key` (newest: descending)."""

    class Meta:
        index_name = "newest-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    published_key = UnicodeAttribute(range_key=True)


class ReviewScoreIndex(LocalSecondaryIndex):
    """LSI `score-index`: a book's published reviews by `score_key` (highest, lowest, one score by prefix)."""

    class Meta:
        index_name = "score-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    score_key = UnicodeAttribute(range_key=True)


class ReviewHelpfulIndex(LocalSecondaryIndex):
    """LSI `helpful-index`: a book's reviews by `helpful_count` (most helpful: descending)."""

    class Meta:
        index_name = "helpful-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    helpful_count = NumberAttribute(range_key=True)


class ReviewsByUserIndex(GlobalSecondaryIndex):
    """GSI `user-index`: `{tenant}#{user_id}` → the user's reviews by date, whatever their status."""

    class Meta:
        index_name = "user-index"
        projection = AllProjection()

    user_key = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ReviewsByStatusIndex(GlobalSecondaryIndex):
    """GSI `status-index`: `{tenant}#REVIEWS#{status}` → the tenant's reviews in one status by date (moderation)."""

    class Meta:
        index_name = "status-index"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ReviewIdIndex(GlobalSecondaryIndex):
    """GSI `id-index`: `{tenant}#{review_id}` → the review's key (keys only: the id names a book and an author)."""

    class Meta:
        index_name = "id-index"
        projection = KeysOnlyProjection()

    review_key = UnicodeAttribute(hash_key=True)


@register
class Review(BaseModel):
    """A reader's review of a book: a score, an optional title and body.

    PK `{tenant}#{book_id}`, SK `REVIEW#{user_id}`: the key is the rule "one review per user
    per book", so a second POST fails its `attribute_not_exists` condition and the
    cancellation reason carries the existing review (409 naming it). `review_id` (a UUID) is
    what the API shows; GSI `id-index` (keys only) turns it back into the key for votes and
    moderation.

    Listings are one Query each on the book's partition:
    - LSI `newest-index` on `published_key` (`{published_at}#{user_id}`), newest first;
    - LSI `score-index` on `score_key` (`{score}#{published_at}#{user_id}`): highest first,
      lowest first, or one score with `begins_with`;
    - LSI `helpful-index` on `helpful_count`, most helpful first.
    The first two keys are set only while the review is published, so those indexes are
    sparse: a hidden or pending review leaves them without a filter. `helpful_count` is kept
    by the stream handler on every review, so that listing filters on `status`.
    GSI `user-index` lists a user's own reviews (hidden ones too, with the reason); GSI
    `status-index` lists the tenant's reviews in one status for the admins.

    `revision` grows by one on every change the author or an admin makes (never on the
    handler's own writes): the aggregates' marker names the review and its revision, so a
    change is counted once. `helpful_count`/`unhelpful_count` and `verified_purchase`'s
    clearing are the stream handlers' writes. The table streams NEW_AND_OLD_IMAGES to them.
    """

    TENANCY = TenantOwned(
        pk=PREFIX,
        tenant_id=EXACT,
        user_key=PREFIX,
        status_key=PREFIX,
        review_key=PREFIX,
        without_tenant=("sk", "published_key", "score_key", "helpful_count", "created_at"),
    )

    class Meta(TableMeta):
        table_name = table_name("reviews")
        stream_view_type = NEW_AND_OLD_IMAGES

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenant_id = UnicodeAttribute()
    book_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    review_id = UnicodeAttribute()
    score = NumberAttribute()
    title = UnicodeAttribute(default="")
    body = UnicodeAttribute(default="")
    author_name = UnicodeAttribute(default="")
    verified_purchase = BooleanAttribute(default=False)
    status = UnicodeAttribute()
    hidden_reason = UnicodeAttribute(null=True)
    revision = NumberAttribute(default=1)
    helpful_count = NumberAttribute(default=0)
    unhelpful_count = NumberAttribute(default=0)
    published_at = UTCDateTimeAttribute(null=True)

    published_key = UnicodeAttribute(null=True)
    score_key = UnicodeAttribute(null=True)
    user_key = UnicodeAttribute()
    status_key = UnicodeAttribute()
    review_key = UnicodeAttribute()

    newest_index = ReviewNewestIndex()
    score_index = ReviewScoreIndex()
    helpful_index = ReviewHelpfulIndex()
    by_user = ReviewsByUserIndex()
    by_status = ReviewsByStatusIndex()
    by_id = ReviewIdIndex()

    @staticmethod
    def key(tenant_id: str, book_id: str) -> str:
        return f"{tenant_id}#{book_id}"

    @staticmethod
    def sort_key(user_id: str) -> str:
        return f"{REVIEW_PREFIX}{user_id}"

    @staticmethod
    def user_key_for(tenant_id: str, user_id: str) -> str:
        return f"{tenant_id}#{user_id}"

    @staticmethod
    def status_key_for(tenant_id: str, status: str) -> str:
        return f"{tenant_id}#REVIEWS#{status}"

    @staticmethod
    def review_key_for(tenant_id: str, review_id: str) -> str:
        return f"{tenant_id}#{review_id}"


class ReviewVote(Model):
    """One reader's vote on one review: helpful or not, or taken back.

    PK `{tenant}#{book_id}` (the review's partition), SK `VOTE#{author_id}#{voter_id}`: one
    vote per voter per review by key. A vote is never deleted: taking it back sets
    `helpful` to null and moves `revision` on, so the counting marker (the vote and its
    revision) never repeats. `review_id` names the review voted on, so a vote left over
    from a deleted review never counts towards a new one by the same author. It carries no
    index key, so it is in no index. The table belongs to `Review` (whose TENANCY covers
    `pk` and `tenant_id` here too).
    """

    class Meta(TableMeta):
        table_name = table_name("reviews")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenant_id = UnicodeAttribute()
    book_id = UnicodeAttribute()
    review_id = UnicodeAttribute()
    voter_id = UnicodeAttribute()
    helpful = BooleanAttribute(null=True)
    revision = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def sort_key(author_id: str, voter_id: str) -> str:
        return f"{VOTE_PREFIX}{author_id}#{voter_id}"


@register
class BookOwnership(Model):
    """How many paid, not cancelled purchases of a book a user has: the verified-purchase check.

    PK `{tenant}#{user_id}`, SK `BOOK#{book_id}`: one GetItem when the user writes a review.
    The reviews app's purchases handler ADDs 1 per book when a purchase is paid and takes it
    back when a paid purchase is cancelled, under a `ReviewMarker`, so it counts each once.
    """

    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("sk",))

    class Meta(TableMeta):
        table_name = table_name("book_owners")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    paid_count = NumberAttribute(default=0)

    @staticmethod
    def key(tenant_id: str, user_id: str) -> str:
        return f"{tenant_id}#{user_id}"

    @staticmethod
    def sort_key(book_id: str) -> str:
        return f"BOOK#{book_id}"


@register
class ReviewMarker(Model):
    """Proof that one change was counted: the exactly-once guard of the review aggregates.

    PK `{tenant}#...`: `{tenant}#{review_id}#{revision}` for a review's change,
    `{tenant}#{review_id}#removed` for its deletion, `{tenant}#VOTE#{book}#{sk}#{revision}`
    for a vote, `{tenant}#{purchase_id}#paid|unpaid` for the verified-buyer counts. Put with
    `attribute_not_exists` in the same TransactWriteItems as the counter ADDs; the TTL
    forgets it after SALES_MARKER_TTL_DAYS, well past the stream's 24 h retention.
    """

    TENANCY = TenantOwned(key=PREFIX)

    class Meta(TableMeta):
        table_name = table_name("review_markers")

    key = UnicodeAttribute(hash_key=True)
    expires_at = TTLAttribute()
