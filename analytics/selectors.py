"""The reports of a tenant, from the data lake, cached per (tenant, report, range, arguments).

Each runs the report SQL (analytics/queries.py) on the runner that settings choose, for the
token's tenant only, and returns typed rows: money as Decimal, days as date. Cancelled
purchases earn nothing; they are counted apart in the summary. The ratings report reads the
review events: the reviews written in the range, as they are now.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from analytics import queries
from analytics.models import ReportCacheEntry
from analytics.report_cache import cached_rows
from analytics.runners import QueryParam, Row, query_runner
from bookstore.money import average_amount, to_cents
from catalog.ratings import rating_mean
from catalog.selectors import books_get_many

TOP_BOOKS = "top-books"
REVENUE_BY_CATEGORY = "revenue-by-category"
SALES_BY_DAY = "sales-by-day"
SUMMARY = "summary"
RATINGS_BEST_RATED = "ratings-books"
RATINGS_BY_MONTH = "ratings-months"


@dataclass(frozen=True)
class TopBook:
    book_id: str
    title: str
    category: str
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class CategoryRevenue:
    category: str
    orders: int
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    units: int
    revenue: Decimal
    average_order_value: Decimal


@dataclass(frozen=True)
class SalesSummary:
    date_from: date
    date_to: date
    revenue: Decimal
    orders: int
    customers: int
    average_order_value: Decimal
    cancelled_orders: int


@dataclass(frozen=True)
class RatedBook:
    book_id: str
    title: str  # "" for a book no longer in the catalogue
    mean_score: Decimal
    reviews: int


@dataclass(frozen=True)
class MonthRatings:
    month: str  # YYYY-MM
    mean_score: Decimal
    reviews: int


@dataclass(frozen=True)
class RatingsReport:
    date_from: date
    date_to: date
    min_reviews: int
    best_rated: list[RatedBook]
    by_month: list[MonthRatings]


def _money(value) -> Decimal:
    """A sum from the SQL (NULL for no rows) in cents."""
    return to_cents(value or 0)


def _run(
    *, tenant_id: str, report: str, date_from: date, date_to: date, sql: str, extra: list[QueryParam], arguments=""
) -> list[Row]:
    params = [*queries.range_params(tenant_id=tenant_id, date_from=date_from, date_to=date_to), *extra]
    key = ReportCacheEntry.key_for(
        tenant_id=tenant_id, report=report, date_from=date_from, date_to=date_to, arguments=arguments
    )
    return cached_rows(key=key, compute=lambda: query_runner().run(sql=sql, params=params, tenant_id=tenant_id))


def report_top_books(*, tenant_id: str, date_from: date, date_to: date, limit: int) -> list[TopBook]:
    """The best-selling books by units (then revenue): the seed's "top libros más vendidos"."""
    rows = _run(
        tenant_id=tenant_id,
        report=TOP_BOOKS,
        date_from=date_from,
        date_to=date_to,
        sql=queries.TOP_BOOKS,
        extra=[limit],
        arguments=f"limit={limit}",
    )
    return [
        TopBook(
            book_id=r["book_id"],
            title=r["title"],
            category=r["category"],
            units=int(r["units"]),
            revenue=_money(r["revenue"]),
        )
        for r in rows
    ]


def report_revenue_by_category(*, tenant_id: str, date_from: date, date_to: date) -> list[CategoryRevenue]:
    """Revenue per category, highest first: the seed's "ingresos por categoría"."""
    rows = _run(
        tenant_id=tenant_id,
        report=REVENUE_BY_CATEGORY,
        date_from=date_from,
        date_to=date_to,
        sql=queries.REVENUE_BY_CATEGORY,
        extra=[],
    )
    return [
        CategoryRevenue(
            category=r["category"], orders=int(r["orders"]), units=int(r["units"]), revenue=_money(r["revenue"])
        )
        for r in rows
    ]


def report_sales_by_day(*, tenant_id: str, date_from: date, date_to: date) -> list[DaySales]:
    """Orders, units, revenue and average order value of each day with sales, in date order."""
    rows = _run(
        tenant_id=tenant_id,
        report=SALES_BY_DAY,
        date_from=date_from,
        date_to=date_to,
        sql=queries.SALES_BY_DAY,
        extra=[],
    )
    days = []
    for r in rows:
        revenue, orders = _money(r["revenue"]), int(r["orders"])
        days.append(
            DaySales(
                day=queries.key_day(int(r["day_key"])),
                orders=orders,
                units=int(r["units"]),
                revenue=revenue,
                average_order_value=average_amount(revenue, orders),
            )
        )
    return days


def report_summary(*, tenant_id: str, date_from: date, date_to: date) -> SalesSummary:
    """Revenue, orders, customers and average order value of the range, and its cancelled orders."""
    rows = _run(
        tenant_id=tenant_id, report=SUMMARY, date_from=date_from, date_to=date_to, sql=queries.SUMMARY, extra=[]
    )
    # One row of totals; none when the range has no lake files at all (the runners read no file).
    row = rows[0] if rows else {"revenue": None, "orders": 0, "customers": 0, "cancelled_orders": 0}
    revenue, orders = _money(row["revenue"]), int(row["orders"] or 0)
    return SalesSummary(
        date_from=date_from,
        date_to=date_to,
        revenue=revenue,
        orders=orders,
        customers=int(row["customers"] or 0),
        average_order_value=average_amount(revenue, orders),
        cancelled_orders=int(row["cancelled_orders"] or 0),
    )


def report_ratings(*, tenant_id: str, date_from: date, date_to: date, min_reviews: int, limit: int) -> RatingsReport:
    """The best-rated books and the monthly mean score, over the reviews written in the range and published now.

    Two lake queries (each cached on its own), then one BatchGetItem for the listed books' titles.
    Means are the book aggregates' rounding (`catalog.ratings.rating_mean`): 2 places, half up.
    """
    scope = {"tenant_id": tenant_id, "date_from": date_from, "date_to": date_to}
    books = _run(
        **scope,
        report=RATINGS_BEST_RATED,
        sql=queries.RATINGS_BEST_RATED,
        extra=[min_reviews, limit],
        arguments=f"min_reviews={min_reviews}&limit={limit}",
    )
    months = _run(**scope, report=RATINGS_BY_MONTH, sql=queries.RATINGS_BY_MONTH, extra=[])
    titles = books_get_many(tenant_id=tenant_id, book_ids=[r["book_id"] for r in books])
    return RatingsReport(
        date_from=date_from,
        date_to=date_to,
        min_reviews=min_reviews,
        best_rated=[
            RatedBook(
                book_id=r["book_id"],
                title=titles[r["book_id"]].title if r["book_id"] in titles else "",
                mean_score=rating_mean(count=int(r["reviews"]), total=int(r["score_sum"])),
                reviews=int(r["reviews"]),
            )
            for r in books
        ],
        by_month=[
            MonthRatings(
                month=f"{int(r['month_key']) // 100:04d}-{int(r['month_key']) % 100:02d}",
                mean_score=rating_mean(count=int(r["reviews"]), total=int(r["score_sum"])),
                reviews=int(r["reviews"]),
            )
            for r in months
        ],
    )


@dataclass(frozen=True)
class Dashboard:
    """Everything the admin dashboard shows for one range."""

    summary: SalesSummary
    sales_by_day: list[DaySales]
    revenue_by_category: list[CategoryRevenue]
    top_books: list[TopBook]


DASHBOARD_TOP_BOOKS = 10


def report_dashboard(*, tenant_id: str, date_from: date, date_to: date) -> Dashboard:
    """The four reports of the dashboard; each is cached on its own, as the API caches it."""
    scope = {"tenant_id": tenant_id, "date_from": date_from, "date_to": date_to}
    return Dashboard(
        summary=report_summary(**scope),
        sales_by_day=report_sales_by_day(**scope),
        revenue_by_category=report_revenue_by_category(**scope),
        top_books=report_top_books(**scope, limit=DASHBOARD_TOP_BOOKS),
    )
