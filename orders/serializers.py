"""Input and output serializers of the cart, checkout and purchase endpoints."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookstore.iso_codes import COUNTRIES
from bookstore.pagination import PageQuerySerializer
from bookstore.serializers import DayField, InputSerializer
from orders.models import MAX_QUANTITY, PAYMENT_METHODS, STATUSES

# Wide enough for any total the API can compute (prices up to 99,999,999.99, carts, lifetime spend).
MONEY = {"max_digits": 20, "decimal_places": 2, "coerce_to_string": True}


class CartAddInputSerializer(InputSerializer):
    book_id = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)


class CartQuantityInputSerializer(InputSerializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class CartEntryOutputSerializer(serializers.Serializer):
    book_id = serializers.CharField()
    title = serializers.CharField(source="book.title", allow_null=True, default=None)
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(**MONEY, allow_null=True)
    subtotal = serializers.DecimalField(**MONEY)
    available_stock = serializers.IntegerField()
    available = serializers.BooleanField(help_text="False once the book is no longer sold.")
    in_stock = serializers.BooleanField()


class CartOutputSerializer(serializers.Serializer):
    items = CartEntryOutputSerializer(source="entries", many=True)
    item_count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)


class ShippingAddressOutputSerializer(serializers.Serializer):
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True, default=None)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True, default=None)
    postal_code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$", max_length=12)
    country = serializers.CharField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2, e.g. ES")


class ShippingAddressInputSerializer(InputSerializer, ShippingAddressOutputSerializer):
    """The address as checkout sends it: the same fields, a known country, and no unknown field."""

    def validate_country(self, value: str) -> str:
        value = value.upper()
        if value not in COUNTRIES:
            raise serializers.ValidationError(_("Not an ISO 3166-1 alpha-2 country code."))
        return value


class CheckoutInputSerializer(InputSerializer):
    payment_method = serializers.ChoiceField(choices=PAYMENT_METHODS)
    shipping_address = ShippingAddressInputSerializer()


class PurchaseItemOutputSerializer(serializers.Serializer):
    book_id = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    author = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(**MONEY)
    subtotal = serializers.DecimalField(**MONEY)


class PurchaseOutputSerializer(serializers.Serializer):
    purchase_id = serializers.CharField()
    user_id = serializers.CharField()
    tenant_id = serializers.CharField()
    status = serializers.CharField()
    payment_method = serializers.CharField()
    items = PurchaseItemOutputSerializer(many=True)
    total_amount = serializers.DecimalField(**MONEY)
    shipping_address = ShippingAddressOutputSerializer()
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    refund_due = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Owed back to the customer: a paid order was cancelled."
    )


class PurchaseListQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=STATUSES, required=False)


class TenantPurchaseListQuerySerializer(PurchaseListQuerySerializer):
    date_from = DayField(required=False, help_text="First day included (UTC), YYYY-MM-DD.")
    date_to = DayField(required=False, help_text="Last day included (UTC), YYYY-MM-DD.")

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("date_to is before date_from.")]})
        return attrs


class CategorySpendOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField()


class PurchaseSummaryOutputSerializer(serializers.Serializer):
    total_spent = serializers.DecimalField(**MONEY)
    order_count = serializers.IntegerField()
    average_order_value = serializers.DecimalField(**MONEY)
    top_categories = CategorySpendOutputSerializer(many=True)
    last_purchase_at = serializers.DateTimeField(allow_null=True)
