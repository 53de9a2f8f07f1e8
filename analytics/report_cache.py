"""Read-through cache of report rows in DynamoDB, per (tenant, report, range, arguments).

ANALYTICS_CACHE_SECONDS sets the lifetime; 0 turns the cache off. The cache is an
optimisation: if DynamoDB refuses a read or write of it, the report is computed anyway.
"""

import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from pynamodb.exceptions import PynamoDBException

from analytics.models import ReportCacheEntry
from analytics.runners import Row
from bookstore.dynamodb.clock import now

logger = logging.getLogger(__name__)

_TAGS: dict[str, Callable[[str], Any]] = {
    "decimal": Decimal,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
}


def _encode(value: Any) -> dict[str, str]:
    for tag, kind in (("decimal", Decimal), ("datetime", datetime), ("date", date)):
        if isinstance(value, kind):
            return {"$" + tag: str(value) if kind is Decimal else value.isoformat()}
    raise TypeError(f"Cannot cache a {type(value).__name__}")


def _decode(obj: dict) -> Any:
    if len(obj) == 1:
        ((key, text),) = obj.items()
        if key.startswith("$") and key[1:] in _TAGS:
            return _TAGS[key[1:]](text)
    return obj


def encode_rows(rows: list[Row]) -> str:
    return json.dumps(rows, default=_encode, separators=(",", ":"))


def decode_rows(text: str) -> list[Row]:
    return json.loads(text, object_hook=_decode)


def cached_rows(*, key: str, compute: Callable[[], list[Row]]) -> list[Row]:
    """The cached rows under `key` if still fresh, else `compute()`'s, stored for next time."""
    seconds = settings.ANALYTICS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    current = now()
    try:
        entry = ReportCacheEntry.get(key)
        if entry.expires_at > current:
            return decode_rows(entry.rows)
    except ReportCacheEntry.DoesNotExist:
        pass
    except PynamoDBException:
        logger.warning("Report cache read failed for %s", key, exc_info=True)
    rows = compute()
    try:
        ReportCacheEntry(key=key, rows=encode_rows(rows), expires_at=current + timedelta(seconds=seconds)).save()
    except PynamoDBException:
        logger.warning("Report cache write failed for %s", key, exc_info=True)
    return rows
