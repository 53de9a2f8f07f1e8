"""Opaque, tamper-proof cursors over DynamoDB's LastEvaluatedKey, and the page shape of every list.

A cursor is the key to resume from, signed with the project's secret and salted with
the list it belongs to (which includes the tenant), so it cannot be forged, edited, or
replayed against another list or tenant. A bad cursor is a 400, never a 500.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core import signing
from drf_spectacular.utils import inline_serializer
from pynamodb.pagination import ResultIterator
from rest_framework import serializers

from bookstore.errors import ApplicationError, ErrorCode

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PaginationError(ErrorCode):
    INVALID_CURSOR = ("invalid_cursor", 400, "The cursor is invalid or belongs to another list.")


def encode_cursor(position: dict[str, Any] | None, *, scope: str) -> str | None:
    if not position:
        return None
    return signing.dumps(position, salt=f"cursor:{scope}", compress=True)


def decode_cursor(cursor: str | None, *, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        position = signing.loads(cursor, salt=f"cursor:{scope}")
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise ApplicationError(PaginationError.INVALID_CURSOR, details={"cursor": ["Invalid cursor."]}) from exc
    if not isinstance(position, dict):
        raise ApplicationError(PaginationError.INVALID_CURSOR, details={"cursor": ["Invalid cursor."]})
    return position


class PageParams(serializers.Serializer):
    """The query parameters every list accepts: `limit` (1..100, default 20) and `cursor`."""

    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=4096)


@dataclass(frozen=True)
class Page:
    """One page of a list: its items and the position of the next page, if there is one."""

    items: list
    next_position: dict[str, Any] | None = None


def collect_page(results: ResultIterator) -> Page:
    """Read one page from a PynamoDB query started with `limit` (and maybe a filter).

    PynamoDB keeps querying until `limit` items pass the filter or the partition ends, and
    when it stops inside a DynamoDB page it rebuilds the position from the last item it
    returned, so the next page neither skips nor repeats an item.
    """
    items = list(results)
    return Page(items=items, next_position=results.last_evaluated_key)


def page_body(page: Page, results: list, *, scope: str) -> dict:
    """The JSON body of a page: `{"results": [...], "next": cursor-or-null}`."""
    return {"results": results, "next": encode_cursor(page.next_position, scope=scope)}


@cache
def paginated(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The OpenAPI shape of a page of `serializer_class` items."""
    return inline_serializer(
        name=f"Paginated{serializer_class.__name__.removesuffix('Serializer')}",
        fields={"results": serializer_class(many=True), "next": serializers.CharField(allow_null=True)},
    )
