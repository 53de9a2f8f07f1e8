"""Cursor pagination over DynamoDB Queries, with opaque, tamper-proof cursors and a bounded read.

A cursor is the key to resume from, signed with the project's secret and salted with a
scope that names the list (its tenant, owner and filters), so it cannot be forged, edited,
or replayed against another list or tenant. A bad cursor is a 400, never a 500.

One strategy serves every list: `query_page` reads the Query's DynamoDB pages itself,
keeps up to `limit` items, and stops early once it has read `MAX_READ_PER_REQUEST` items,
so a filter that rarely matches cannot make one request cost O(table). The cursor then
resumes where the read stopped, so a page may come back short, or even empty, with a
non-null `next`. Lists that are not Queries (a bounded cart, the categories) need no
cursor. The selector that runs the Query owns its scope.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core import signing
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from pynamodb.indexes import Index
from pynamodb.models import Model
from rest_framework import serializers

from bookstore.errors import ApplicationError, ErrorCode

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# The most items one request may read from one Query (matching a filter or not).
MAX_READ_PER_REQUEST = 1000
# With a FilterExpression DynamoDB's Limit counts items read, not kept: read more per call.
FILTERED_READ_FACTOR = 5


class PaginationError(ErrorCode):
    INVALID_CURSOR = ("invalid_cursor", 400, _("The cursor is invalid or belongs to another list."))


def _invalid_cursor() -> ApplicationError:
    return ApplicationError(PaginationError.INVALID_CURSOR, details={"cursor": [_("Invalid cursor.")]})


def encode_cursor(position: dict[str, Any] | None, *, scope: str) -> str | None:
    if not position:
        return None
    # A Signer, not signing.dumps' TimestampSigner: the same position always gives the same
    # cursor, so a page's body (and its ETag) does not change from one second to the next.
    return signing.Signer(salt=f"cursor:{scope}").sign_object(position, compress=True)


def decode_cursor(cursor: str | None, *, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        position = signing.Signer(salt=f"cursor:{scope}").unsign_object(cursor)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise _invalid_cursor() from exc
    if not isinstance(position, dict):
        raise _invalid_cursor()
    return position


class PageQuerySerializer(serializers.Serializer):
    """The query parameters every list accepts: `limit` (1 to MAX_LIMIT, default DEFAULT_LIMIT) and `cursor`."""

    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=4096)


@dataclass(frozen=True)
class Page:
    """One page of a list: its items and the signed cursor of the next page, if there is one."""

    items: list
    next_cursor: str | None = None


def _key_names(source: type[Model] | Index) -> tuple[str, ...]:
    """The attribute names of a table's or index's keys: what a resume position holds."""
    model = source._model if isinstance(source, Index) else source
    names = [model._hash_key_attribute().attr_name]
    if model._range_key_attribute() is not None:
        names.append(model._range_key_attribute().attr_name)
    if isinstance(source, Index):
        names += [attr.attr_name for attr in source.Meta.attributes.values() if attr.is_hash_key or attr.is_range_key]
    return tuple(dict.fromkeys(names))


def _start_key(position: dict[str, Any] | None, key_names: Iterable[str]) -> dict[str, Any] | None:
    """DynamoDB's ExclusiveStartKey for a decoded position: signed by us, but checked all the same."""
    if position is None:
        return None
    if set(position) != set(key_names):
        raise _invalid_cursor()  # signed for another index design
    for value in position.values():
        if not (isinstance(value, dict) and len(value) == 1 and set(value) <= {"S", "N"}):
            raise _invalid_cursor()
        if not all(isinstance(v, str) for v in value.values()):
            raise _invalid_cursor()
    return position


def query_page(
    source: type[Model] | Index,
    hash_key: Any,
    *,
    limit: int,
    cursor: str | None,
    scope: str,
    filter_condition=None,
    max_read: int = MAX_READ_PER_REQUEST,
    **query_options: Any,
) -> Page:
    """One page of a Query on a table or index, resuming at `cursor`, reading at most `max_read` items.

    It reads until it holds `limit` items and one more match proves there is a next page,
    so a list that ends exactly at a page boundary gets `next: null`. Without a filter each
    DynamoDB call asks for limit + 1 items, so a page is one Query. With a filter, calls ask
    for more and go on until the page is full, the partition ends, or the read cap is
    reached; the cursor then resumes after the last item kept (or, on a short page, after
    the last item read).
    """
    key_names = _key_names(source)
    model = source._model if isinstance(source, Index) else source
    page_size = limit + 1 if filter_condition is None else min(max_read, (limit + 1) * FILTERED_READ_FACTOR)
    results = source.query(
        hash_key,
        filter_condition=filter_condition,
        page_size=page_size,
        last_evaluated_key=_start_key(decode_cursor(cursor, scope=scope), key_names),
        **query_options,
    )
    items, read, last_key = [], 0, None
    for raw_page in results.page_iter:
        read += raw_page.get("ScannedCount", 0)
        for raw in raw_page.get("Items", []):
            if len(items) == limit:  # one match beyond the page: there is a next page
                return Page(items=items, next_cursor=encode_cursor(last_key, scope=scope))
            items.append(model.from_raw_data(raw))
            last_key = {name: raw[name] for name in key_names}
        if raw_page.get("LastEvaluatedKey") is None:
            break
        if read >= max_read:
            resume = last_key if len(items) == limit else raw_page["LastEvaluatedKey"]
            return Page(items=items, next_cursor=encode_cursor(resume, scope=scope))
    return Page(items=items)


@cache
def paginated(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The OpenAPI shape of a page of `serializer_class` items."""
    return inline_serializer(
        name=f"Paginated{serializer_class.__name__.removesuffix('Serializer')}",
        fields={"results": serializer_class(many=True), "next": serializers.CharField(allow_null=True)},
    )
