"""The report SQL, written once for Athena (Trino) and DuckDB alike, with `?` placeholders.

Every statement starts from the same common table expressions:
- `lines`: the tenant's purchase lines in the date range, one per (purchase_id, line), with
  whether a `purchased` and a `cancelled` event was seen for it. Grouping by the line counts
  each (purchase_id, line, event_type) once however often the lake holds it (it is written at
  least once, and redelivered rows are identical), in a single aggregation. A cancellation
  writes a row for every line of its purchase, partitioned by the purchase's day, so it is
  always beside the rows it cancels;
- `sold`: lines purchased and not cancelled: the only rows that earn revenue.
The tenant and the partition columns are in the WHERE clause, so Athena's partition
projection and DuckDB's hive partitioning read only that tenant's days.

The ratings report starts from `reviews`: one row per review written in the range (its
rows are partitioned by its `created_at` day), in its current state. Each change is a row
at least once, so the state is last-state-wins per review: the score and status of its
highest revision, and gone if any row says it was deleted (a deletion is final: a review
written again is a new review_id). `published` keeps the reviews counted now, as the book's
aggregates count them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from analytics.runners import QueryParam
from orders.sale_events import CANCELLED, PURCHASED
from reviews.models import PUBLISHED
from reviews.review_events import DELETED

_COMMON = f"""
WITH lines AS (
    SELECT purchase_id, line,
           arbitrary(user_id) AS user_id, arbitrary(book_id) AS book_id, arbitrary(title) AS title,
           arbitrary(category) AS category, arbitrary(quantity) AS quantity, arbitrary(subtotal) AS subtotal,
           arbitrary(year * 10000 + month * 100 + day) AS day_key,
           MAX(CASE WHEN event_type = '{PURCHASED}' THEN 1 ELSE 0 END) AS purchased,
           MAX(CASE WHEN event_type = '{CANCELLED}' THEN 1 ELSE 0 END) AS cancelled
    FROM purchases
    WHERE tenant = ?
      AND year BETWEEN ? AND ?
      AND year * 10000 + month * 100 + day BETWEEN ? AND ?
    GROUP BY purchase_id, line
),
sold AS (
    SELECT * FROM lines WHERE purchased = 1 AND cancelled = 0
)
"""

TOP_BOOKS = (
    _COMMON
    + """
SELECT book_id, arbitrary(title) AS title, arbitrary(category) AS category,
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
       (SELECT COUNT(DISTINCT purchase_id) FROM lines WHERE cancelled = 1) AS cancelled_orders
"""
)


_REVIEWS = f"""
WITH reviews AS (
    SELECT review_id, arbitrary(book_id) AS book_id, arbitrary(year * 100 + month) AS month_key,
           max_by(score, revision) AS score, max_by(status, revision) AS status,
           MAX(CASE WHEN event_kind = '{DELETED}' THEN 1 ELSE 0 END) AS deleted
    FROM review_events
    WHERE tenant = ?
      AND year BETWEEN ? AND ?
      AND year * 10000 + month * 100 + day BETWEEN ? AND ?
    GROUP BY review_id
),
published AS (
    SELECT * FROM reviews WHERE deleted = 0 AND status = '{PUBLISHED}'
)
"""

# Mean first (compared as a double: equal fractions of small integers give equal doubles), then more reviews.
RATINGS_BEST_RATED = (
    _REVIEWS
    + """
SELECT book_id, COUNT(*) AS reviews, SUM(score) AS score_sum
FROM published
GROUP BY book_id
HAVING COUNT(*) >= ?
ORDER BY CAST(SUM(score) AS DOUBLE) / COUNT(*) DESC, COUNT(*) DESC, book_id
LIMIT ?
"""
)

RATINGS_BY_MONTH = (
    _REVIEWS
    + """
SELECT month_key, COUNT(*) AS reviews, SUM(score) AS score_sum
FROM published
GROUP BY month_key
ORDER BY month_key
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
