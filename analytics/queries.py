"""The report SQL, written once for Athena (Trino) and DuckDB alike, with `?` placeholders.

Every statement starts from the same common table expressions:
- `events`: the tenant's rows in the date range, one per (purchase_id, line, event_type),
  because the lake is written at least once;
- `cancelled`: the purchases with a cancellation in the range (a cancellation row is
  partitioned by its purchase's day, so it is always beside the purchase);
- `sold`: purchased lines whose purchase was not cancelled: the only rows that earn revenue.
The tenant and the partition columns are in the WHERE clause, so Athena's partition
projection and DuckDB's hive partitioning read only that tenant's days.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from analytics.runners import QueryParam

_COMMON = """
WITH events AS (
    SELECT purchase_id, line, event_type,
           MAX(user_id) AS user_id, MAX(book_id) AS book_id, MAX(title) AS title,
           MAX(category) AS category, MAX(quantity) AS quantity, MAX(subtotal) AS subtotal,
           MAX(year * 10000 + month * 100 + day) AS day_key
    FROM purchases
    WHERE tenant = ?
      AND year BETWEEN ? AND ?
      AND year * 10000 + month * 100 + day BETWEEN ? AND ?
    GROUP BY purchase_id, line, event_type
),
cancelled AS (
    SELECT DISTINCT purchase_id FROM events WHERE event_type = 'cancelled'
),
sold AS (
    SELECT e.* FROM events e
    LEFT JOIN cancelled c ON c.purchase_id = e.purchase_id
    WHERE e.event_type = 'purchased' AND c.purchase_id IS NULL
)
"""

TOP_BOOKS = (
    _COMMON
    + """
SELECT book_id, MAX(title) AS title, MAX(category) AS category,
       SUM(quantity) AS units, SUM(subtotal) AS revenue
FROM sold
GROUP BY book_id
ORDER BY units DESC, revenue DESC, book_id
LIMIT ?
"""
)

REVENUE_BY_CATEGORY = (
    _COMMON
    + """
SELECT category, COUNT(DISTINCT purchase_id) AS orders, SUM(quantity) AS units, SUM(subtotal) AS revenue
FROM sold
GROUP BY category
ORDER BY revenue DESC, category
"""
)

SALES_BY_DAY = (
    _COMMON
    + """
SELECT day_key, COUNT(DISTINCT purchase_id) AS orders, SUM(quantity) AS units, SUM(subtotal) AS revenue
FROM sold
GROUP BY day_key
ORDER BY day_key
"""
)

SUMMARY = (
    _COMMON
    + """
SELECT (SELECT SUM(subtotal) FROM sold) AS revenue,
       (SELECT COUNT(DISTINCT purchase_id) FROM sold) AS orders,
       (SELECT COUNT(DISTINCT user_id) FROM sold) AS customers,
       (SELECT COUNT(*) FROM cancelled) AS cancelled_orders
"""
)


def day_key(day: date) -> int:
    """A partition's day as the integer the SQL compares: 2025-07-12 → 20250712."""
    return day.year * 10000 + day.month * 100 + day.day


def key_day(key: int) -> date:
    return date(key // 10000, key // 100 % 100, key % 100)


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Sequence[QueryParam]


def range_params(*, tenant_id: str, date_from: date, date_to: date) -> list[QueryParam]:
    """The parameters of the common expressions, in the order of their placeholders."""
    return [tenant_id, date_from.year, date_to.year, day_key(date_from), day_key(date_to)]
