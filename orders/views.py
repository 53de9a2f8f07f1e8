"""Cart, checkout and purchase endpoints: validate, call one service or selector, serialize."""

import uuid
from datetime import UTC, datetime, time

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from bookstore.api import AdminAPIView, UserAPIView, page_response
from bookstore.errors import ApplicationError, CommonError
from bookstore.pagination import paginated
from catalog.errors import CatalogError
from orders import serializers as s
from orders.errors import OrdersError
from orders.lifecycle import Actor, purchase_cancel, purchase_mark_paid
from orders.selectors import cart_get, purchase_get, purchase_summary, purchases_list, tenant_purchases_list
from orders.services import cart_add, cart_clear, cart_remove, cart_set_quantity, checkout

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True, description="A UUID; a retry reuses it."
)
# What any cart write can run into: a race it lost three times (cart_changed), or a conflicting transaction.
CART_WRITE_ERROR_CODES = (OrdersError.CART_CHANGED, CommonError.CONFLICT)
# What changing a cart line can run into.
CART_LINE_ERROR_CODES = (
    *CART_WRITE_ERROR_CODES,
    CatalogError.BOOK_NOT_FOUND,
    OrdersError.INSUFFICIENT_STOCK,
    OrdersError.ORDER_TOTAL_TOO_LARGE,
)
# What changing an order's status can run into (besides its own rule).
PURCHASE_CHANGE_ERROR_CODES = (OrdersError.PURCHASE_NOT_FOUND, OrdersError.CART_CHANGED, CommonError.CONFLICT)


class CartView(UserAPIView):
    """The caller's cart, totals computed from current prices."""

    error_codes = {"DELETE": CART_WRITE_ERROR_CODES}

    @extend_schema(responses={200: s.CartOutputSerializer})
    def get(self, request):
        """The cart: its lines, their subtotals and availability, and the total."""
        return Response(s.CartOutputSerializer(cart_get(**self.user_scope)).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        """Empty the cart."""
        cart_clear(**self.user_scope)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartAddView(UserAPIView):
    """Add copies of a book to the cart, to its line if it has one; answers the whole cart."""

    input_serializer = s.CartAddInputSerializer
    error_codes = (
        *CART_LINE_ERROR_CODES,
        OrdersError.CART_FULL,
        OrdersError.QUANTITY_TOO_LARGE,
    )

    @extend_schema(responses={200: s.CartOutputSerializer})
    def post(self, request):
        return Response(s.CartOutputSerializer(cart_add(**self.user_scope, **self.validated_body())).data)


class CartItemView(UserAPIView):
    """One line of the caller's cart."""

    input_serializer = s.CartQuantityInputSerializer
    error_codes = {"PATCH": (*CART_LINE_ERROR_CODES, OrdersError.CART_ITEM_NOT_FOUND), "DELETE": CART_WRITE_ERROR_CODES}

    @extend_schema(responses={200: s.CartOutputSerializer})
    def patch(self, request, book_id):
        """Set a line's quantity (0 removes it); answers the whole cart."""
        cart = cart_set_quantity(**self.user_scope, book_id=book_id, **self.validated_body())
        return Response(s.CartOutputSerializer(cart).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        """Remove a line (removing one that is not there is not an error)."""
        cart_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckoutView(UserAPIView):
    """Turn the cart into a purchase, atomically and at most once per Idempotency-Key; never oversells.

    A retry with the same key and body answers the same purchase with `Idempotent-Replayed: true`.
    """

    input_serializer = s.CheckoutInputSerializer
    idempotent_form = True  # the HTML form carries a fresh Idempotency-Key
    error_codes = (
        OrdersError.IDEMPOTENCY_KEY_REQUIRED,
        OrdersError.IDEMPOTENCY_KEY_REUSED,
        OrdersError.CART_EMPTY,
        OrdersError.INSUFFICIENT_STOCK,
        OrdersError.CART_CHANGED,
        OrdersError.ORDER_TOTAL_TOO_LARGE,
        OrdersError.TOO_MANY_PENDING_ORDERS,
        CommonError.CONFLICT,
    )

    @extend_schema(parameters=[IDEMPOTENCY_HEADER], responses={201: s.PurchaseOutputSerializer})
    def post(self, request):
        try:
            key = str(uuid.UUID(self.idempotency_key()))
        except ValueError as exc:
            raise ApplicationError(OrdersError.IDEMPOTENCY_KEY_REQUIRED) from exc
        purchase, placed_now = checkout(**self.user_scope, idempotency_key=key, **self.validated_body())
        headers = {} if placed_now else {"Idempotent-Replayed": "true"}
        return Response(s.PurchaseOutputSerializer(purchase).data, status=status.HTTP_201_CREATED, headers=headers)


class PurchaseListView(UserAPIView):
    """The caller's purchases, newest first, optionally of one status."""

    query_serializer = s.PurchaseListQuerySerializer

    @extend_schema(operation_id="purchases_list", responses={200: paginated(s.PurchaseOutputSerializer)})
    def get(self, request):
        return page_response(purchases_list(**self.user_scope, **self.validated_query()), s.PurchaseOutputSerializer)


class PurchaseDetailView(UserAPIView):
    """One of the caller's purchases."""

    error_codes = (OrdersError.PURCHASE_NOT_FOUND,)

    @extend_schema(responses={200: s.PurchaseOutputSerializer})
    def get(self, request, purchase_id):
        return Response(s.PurchaseOutputSerializer(purchase_get(**self.user_scope, purchase_id=purchase_id)).data)


class PurchaseCancelView(UserAPIView):
    """Cancel one of the caller's purchases and restock it; cancelling twice changes nothing.

    An unpaid order can be cancelled; a paid one only shortly after it was placed.
    """

    error_codes = (*PURCHASE_CHANGE_ERROR_CODES, OrdersError.CANCEL_WINDOW_CLOSED)

    @extend_schema(responses={200: s.PurchaseOutputSerializer})
    def post(self, request, purchase_id):
        return Response(s.PurchaseOutputSerializer(purchase_cancel(**self.user_scope, purchase_id=purchase_id)).data)


class PurchaseSummaryView(UserAPIView):
    """The caller's totals: spent, orders, average order value, top categories, last purchase."""

    @extend_schema(responses={200: s.PurchaseSummaryOutputSerializer})
    def get(self, request):
        return Response(s.PurchaseSummaryOutputSerializer(purchase_summary(**self.user_scope)).data)


class TenantPurchaseListView(AdminAPIView):
    """Every purchase of the tenant, newest first, by status and date range (admins)."""

    query_serializer = s.TenantPurchaseListQuerySerializer

    @extend_schema(responses={200: paginated(s.PurchaseOutputSerializer)})
    def get(self, request):
        filters = self.validated_query()
        start, end = filters.pop("date_from", None), filters.pop("date_to", None)
        page = tenant_purchases_list(
            tenant_id=self.tenant_id,
            created_from=datetime.combine(start, time.min, tzinfo=UTC) if start else None,
            created_to=datetime.combine(end, time.max, tzinfo=UTC) if end else None,
            **filters,
        )
        return page_response(page, s.PurchaseOutputSerializer)


class AdminPurchaseCancelView(AdminAPIView):
    """Cancel a customer's purchase and restock it, paid or not (admins); a paid one records `refund_due`."""

    error_codes = PURCHASE_CHANGE_ERROR_CODES

    @extend_schema(responses={200: s.PurchaseOutputSerializer})
    def post(self, request, user_id, purchase_id):
        purchase = purchase_cancel(
            tenant_id=self.tenant_id, user_id=user_id, purchase_id=purchase_id, actor=Actor.ADMIN
        )
        return Response(s.PurchaseOutputSerializer(purchase).data)


class AdminPurchaseMarkPaidView(AdminAPIView):
    """Record the payment of an unpaid purchase: it becomes `completed` (admins)."""

    error_codes = (*PURCHASE_CHANGE_ERROR_CODES, OrdersError.NOT_PENDING)

    @extend_schema(responses={200: s.PurchaseOutputSerializer})
    def post(self, request, user_id, purchase_id):
        purchase = purchase_mark_paid(tenant_id=self.tenant_id, user_id=user_id, purchase_id=purchase_id)
        return Response(s.PurchaseOutputSerializer(purchase).data)
