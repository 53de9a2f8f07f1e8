"""Error codes of the analytics app: report ranges, and a query engine that failed or is unreachable."""

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode


class AnalyticsError(ErrorCode):
    RANGE_REVERSED = ("range_reversed", 400, _("`from` must be on or before `to`."))
    RANGE_TOO_LONG = ("range_too_long", 400, _("A report covers at most {days} days."))
    QUERY_FAILED = ("analytics_query_failed", 502, _("The analytics query failed."))
    QUERY_TIMEOUT = ("analytics_query_timeout", 503, _("The analytics query took too long; try a shorter range."))
    UNAVAILABLE = ("analytics_unavailable", 503, _("The analytics engine is unavailable; try again shortly."))
