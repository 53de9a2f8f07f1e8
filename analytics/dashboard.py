"""The tenant admin's sales dashboard: a server-rendered page with inline SVG charts.

A browser logged in through the browsable API's login (the JWT cookie) gets the page if
its user is a tenant admin; a customer gets 403, and an anonymous visitor is sent to the
login page, which brings them back here.
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response

from analytics.charts import Bar, daily_bars_svg, horizontal_bars_svg
from analytics.selectors import Dashboard, report_dashboard
from analytics.serializers import ReportRangeQuerySerializer
from bookstore.api import AdminAPIView
from bookstore.errors import ApplicationError
from bookstore.serializers import EARLIEST_DAY, LATEST_DAY

TEMPLATE = "analytics/dashboard.html"


def _charts(dashboard: Dashboard, date_from, date_to) -> dict:
    day_bars = [
        Bar(
            key=day.day.isoformat(),
            label=day.day.isoformat(),
            value=day.revenue,
            caption=_("%(day)s: %(revenue)s revenue, %(orders)s orders, %(units)s units")
            % {"day": day.day.isoformat(), "revenue": day.revenue, "orders": day.orders, "units": day.units},
        )
        for day in dashboard.sales_by_day
    ]
    category_bars = [
        Bar(
            key=c.category,
            label=c.category,
            value=c.revenue,
            caption=_("%(category)s: %(revenue)s (%(orders)s orders)")
            % {"category": c.category, "revenue": c.revenue, "orders": c.orders},
        )
        for c in dashboard.revenue_by_category
    ]
    return {
        "sales_chart": daily_bars_svg(title=_("Revenue by day"), bars=day_bars, date_from=date_from, date_to=date_to),
        "category_chart": horizontal_bars_svg(title=_("Revenue by category"), bars=category_bars),
    }


@extend_schema(exclude=True)
class DashboardView(AdminAPIView):
    renderer_classes = [TemplateHTMLRenderer]
    template_name = TEMPLATE
    query_serializer = ReportRangeQuerySerializer

    def get(self, request):
        params = self.validated_query()
        date_from, date_to = params["date_from"], params["date_to"]
        dashboard = report_dashboard(tenant_id=self.tenant_id, date_from=date_from, date_to=date_to)
        return Response(
            {
                "tenant_id": self.tenant_id,
                "date_from": date_from,
                "date_to": date_to,
                "dashboard": dashboard,
                **_charts(dashboard, date_from, date_to),
            }
        )

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated):
            query = urlencode({"next": self.request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('rest_framework:login')}?{query}")
        if isinstance(exc, ApplicationError):
            status, message = exc.code.http_status, exc.message
        elif isinstance(exc, exceptions.APIException):
            status, message = exc.status_code, str(exc.detail)
            if isinstance(exc, exceptions.ValidationError):
                message = _("Dates must be days (YYYY-MM-DD) between %(earliest)s and %(latest)s.") % {
                    "earliest": EARLIEST_DAY,
                    "latest": LATEST_DAY,
                }
        else:
            return super().handle_exception(exc)
        values = {
            "date_from": self.request.query_params.get("from", ""),
            "date_to": self.request.query_params.get("to", ""),
        }
        return Response({"error": message, **values}, status=status, template_name=TEMPLATE)
