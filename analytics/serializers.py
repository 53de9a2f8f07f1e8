"""Inputs and outputs of the report endpoints: the date range, and each report's rows."""

from datetime import timedelta

from django.conf import settings
from rest_framework import serializers

from analytics.errors import AnalyticsError
from bookstore.dynamodb.clock import now
from bookstore.errors import ApplicationError
from bookstore.serializers import DayField

MONEY = {"max_digits": 20, "decimal_places": 2}


class ReportRangeQuerySerializer(serializers.Serializer):
    """`from` and `to` (inclusive ISO dates); by default the last ANALYTICS_DEFAULT_RANGE_DAYS days."""

    def get_fields(self):
        # `from` is a Python keyword, so the fields are named here rather than as class attributes.
        return {
            "from": DayField(required=False, help_text="First day (UTC), inclusive."),
            "to": DayField(required=False, help_text="Last day (UTC), inclusive; default today."),
        }

    def validate(self, attrs):
        date_to = attrs.get("to") or now().date()
        date_from = attrs.get("from") or date_to - timedelta(days=settings.ANALYTICS_DEFAULT_RANGE_DAYS - 1)
        if date_from > date_to:
            raise ApplicationError(
                AnalyticsError.RANGE_REVERSED, details={"from": [AnalyticsError.RANGE_REVERSED.message]}
            )
        max_days = settings.ANALYTICS_MAX_RANGE_DAYS
        if (date_to - date_from).days + 1 > max_days:
            message = AnalyticsError.RANGE_TOO_LONG.message.format(days=max_days)
            raise ApplicationError(AnalyticsError.RANGE_TOO_LONG, message, details={"from": [message]})
        return {"date_from": date_from, "date_to": date_to}


class TopBooksQuerySerializer(ReportRangeQuerySerializer):
    def get_fields(self):
        return {
            **super().get_fields(),
            "limit": serializers.IntegerField(min_value=1, max_value=100, default=10, help_text="How many books."),
        }

    def validate(self, attrs):
        return {**super().validate(attrs), "limit": attrs["limit"]}


class RatingsQuerySerializer(ReportRangeQuerySerializer):
    def get_fields(self):
        return {
            **super().get_fields(),
            "min_reviews": serializers.IntegerField(
                min_value=1, max_value=10000, default=3, help_text="A book is listed with at least this many reviews."
            ),
            "limit": serializers.IntegerField(min_value=1, max_value=100, default=10, help_text="How many books."),
        }

    def validate(self, attrs):
        return {**super().validate(attrs), "min_reviews": attrs["min_reviews"], "limit": attrs["limit"]}


class _RangeOutputSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(source="date_from"),
            "to": serializers.DateField(source="date_to"),
            **super().get_fields(),
        }


class TopBookOutputSerializer(serializers.Serializer):
    book_id = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    units = serializers.IntegerField()
    revenue = serializers.DecimalField(**MONEY)


class CategoryRevenueOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    revenue = serializers.DecimalField(**MONEY)


class DaySalesOutputSerializer(serializers.Serializer):
    day = serializers.DateField()
    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    revenue = serializers.DecimalField(**MONEY)
    average_order_value = serializers.DecimalField(**MONEY)


class TopBooksOutputSerializer(_RangeOutputSerializer):
    results = TopBookOutputSerializer(many=True)


class RevenueByCategoryOutputSerializer(_RangeOutputSerializer):
    results = CategoryRevenueOutputSerializer(many=True)


class SalesByDayOutputSerializer(_RangeOutputSerializer):
    results = DaySalesOutputSerializer(many=True)


class SummaryOutputSerializer(_RangeOutputSerializer):
    revenue = serializers.DecimalField(**MONEY)
    orders = serializers.IntegerField()
    customers = serializers.IntegerField()
    average_order_value = serializers.DecimalField(**MONEY)
    cancelled_orders = serializers.IntegerField()


RATING = {"max_digits": 3, "decimal_places": 2}


class RatedBookOutputSerializer(serializers.Serializer):
    book_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    mean_score = serializers.DecimalField(**RATING)
    reviews = serializers.IntegerField()


class MonthRatingsOutputSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM: the month the reviews were written.")
    mean_score = serializers.DecimalField(**RATING)
    reviews = serializers.IntegerField()


class RatingsOutputSerializer(_RangeOutputSerializer):
    min_reviews = serializers.IntegerField()
    best_rated = RatedBookOutputSerializer(many=True)
    by_month = MonthRatingsOutputSerializer(many=True)
