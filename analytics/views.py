"""The tenant admins' sales and ratings reports: validate the range, call one selector, serialize."""

from dataclasses import dataclass
from datetime import date

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from analytics import serializers as s
from analytics.errors import AnalyticsError
from analytics.selectors import (
    report_ratings,
    report_revenue_by_category,
    report_sales_by_day,
    report_summary,
    report_top_books,
)
from bookstore.api import AdminAPIView


@dataclass(frozen=True)
class RangedResults:
    date_from: date
    date_to: date
    results: list


class ReportAPIView(AdminAPIView):
    """A report over a date range (by default the last ANALYTICS_DEFAULT_RANGE_DAYS days), from the data lake."""

    query_serializer = s.ReportRangeQuerySerializer
    error_codes = (
        AnalyticsError.RANGE_REVERSED,
        AnalyticsError.RANGE_TOO_LONG,
        AnalyticsError.QUERY_FAILED,
        AnalyticsError.QUERY_TIMEOUT,
        AnalyticsError.UNAVAILABLE,
    )


class TopBooksView(ReportAPIView):
    """The best-selling books of the range by units, then revenue (cancelled purchases excluded)."""

    query_serializer = s.TopBooksQuerySerializer

    @extend_schema(responses={200: s.TopBooksOutputSerializer})
    def get(self, request):
        params = self.validated_query()
        books = report_top_books(tenant_id=self.tenant_id, **params)
        return Response(s.TopBooksOutputSerializer(RangedResults(params["date_from"], params["date_to"], books)).data)


class RevenueByCategoryView(ReportAPIView):
    """Revenue, orders and units per category over the range, highest revenue first."""

    @extend_schema(responses={200: s.RevenueByCategoryOutputSerializer})
    def get(self, request):
        params = self.validated_query()
        categories = report_revenue_by_category(tenant_id=self.tenant_id, **params)
        return Response(s.RevenueByCategoryOutputSerializer(RangedResults(**params, results=categories)).data)


class SalesByDayView(ReportAPIView):
    """Orders, units, revenue and average order value of each day with sales in the range."""

    @extend_schema(responses={200: s.SalesByDayOutputSerializer})
    def get(self, request):
        params = self.validated_query()
        days = report_sales_by_day(tenant_id=self.tenant_id, **params)
        return Response(s.SalesByDayOutputSerializer(RangedResults(**params, results=days)).data)


class SummaryView(ReportAPIView):
    """Revenue, orders, customers and average order value of the range, and its cancelled orders."""

    @extend_schema(responses={200: s.SummaryOutputSerializer})
    def get(self, request):
        summary = report_summary(tenant_id=self.tenant_id, **self.validated_query())
        return Response(s.SummaryOutputSerializer(summary).data)


class RatingsView(ReportAPIView):
    """The best-rated books (at least `min_reviews` reviews) and the mean score by month.

    Of the reviews written in the range that are published now.
    """

    query_serializer = s.RatingsQuerySerializer

    @extend_schema(responses={200: s.RatingsOutputSerializer})
    def get(self, request):
        report = report_ratings(tenant_id=self.tenant_id, **self.validated_query())
        return Response(s.RatingsOutputSerializer(report).data)
