"""The tenant admins' sales reports: validate the range, call one selector, serialize."""

from dataclasses import dataclass
from datetime import date

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from analytics import serializers as s
from analytics.selectors import report_revenue_by_category, report_sales_by_day, report_summary, report_top_books
from bookstore.api import AdminAPIView


@dataclass(frozen=True)
class RangedResults:
    date_from: date
    date_to: date
    results: list


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TopBooksView(AdminAPIView):
    """The best-selling books of the range by units, then revenue (cancelled purchases excluded)."""

    @extend_schema(parameters=[s.TopBooksParams], responses={200: s.TopBooksOutput})
    def get(self, request):
        params = _valid(s.TopBooksParams, request.query_params)
        books = report_top_books(tenant_id=self.tenant_id, **params)
        return Response(s.TopBooksOutput(RangedResults(params["date_from"], params["date_to"], books)).data)


class RevenueByCategoryView(AdminAPIView):
    """Revenue, orders and units per category over the range, highest revenue first."""

    @extend_schema(parameters=[s.ReportRangeParams], responses={200: s.RevenueByCategoryOutput})
    def get(self, request):
        params = _valid(s.ReportRangeParams, request.query_params)
        categories = report_revenue_by_category(tenant_id=self.tenant_id, **params)
        return Response(s.RevenueByCategoryOutput(RangedResults(**params, results=categories)).data)


class SalesByDayView(AdminAPIView):
    """Orders, units, revenue and average order value of each day with sales in the range."""

    @extend_schema(parameters=[s.ReportRangeParams], responses={200: s.SalesByDayOutput})
    def get(self, request):
        params = _valid(s.ReportRangeParams, request.query_params)
        days = report_sales_by_day(tenant_id=self.tenant_id, **params)
        return Response(s.SalesByDayOutput(RangedResults(**params, results=days)).data)


class SummaryView(AdminAPIView):
    """Revenue, orders, customers and average order value of the range, and its cancelled orders."""

    @extend_schema(parameters=[s.ReportRangeParams], responses={200: s.SummaryOutput})
    def get(self, request):
        params = _valid(s.ReportRangeParams, request.query_params)
        return Response(s.SummaryOutput(report_summary(tenant_id=self.tenant_id, **params)).data)
