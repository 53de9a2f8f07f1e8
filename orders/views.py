"""Cart, checkout and purchase endpoints: validate, call one service or selector, serialize."""

import uuid
from datetime import UTC, datetime, time

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from bookstore.api import AdminAPIView, UserAPIView, page_response
from bookstore.errors import ApplicationError
from bookstore.pagination import paginated
from orders import serializers as s
from orders.errors import OrdersError
from orders.lifecycle import Actor, purchase_cancel, purchase_mark_paid
from orders.selectors import cart_get, purchase_get, purchase_summary, purchases_list, tenant_purchases_list
from orders.services import cart_add, cart_clear, cart_remove, cart_set_quantity, checkout

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True, description="A UUID; a retry reuses it."
)


class CartView(UserAPIView):
    @extend_schema(responses={200: s.CartOutputSerializer})
    def get(self, request):
        return Response(s.CartOutputSerializer(cart_get(**self.user_scope)).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        cart_clear(**self.user_scope)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartAddView(UserAPIView):
    input_serializer = s.CartAddInputSerializer

    @extend_schema(request=s.CartAddInputSerializer, responses={200: s.CartOutputSerializer})
    def post(self, request):
        serializer = s.CartAddInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(s.CartOutputSerializer(cart_add(**self.user_scope, **serializer.validated_data)).data)


class CartItemView(UserAPIView):
    input_serializer = s.CartQuantityInputSerializer

    @extend_schema(request=s.CartQuantityInputSerializer, responses={200: s.CartOutputSerializer})
    def patch(self, request, book_id):
        serializer = s.CartQuantityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = cart_set_quantity(**self.user_scope, book_id=book_id, **serializer.validated_data)
        return Response(s.CartOutputSerializer(cart).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        cart_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckoutView(UserAPIView):
    input_serializer = s.CheckoutInputSerializer
    idempotent_form = True  # the HTML form carries a fresh Idempotency-Key

    @extend_schema(
        request=s.CheckoutInputSerializer, parameters=[IDEMPOTENCY_HEADER], responses={201: s.PurchaseOutputSerializer}
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        try:
            key = str(uuid.UUID(key))
        except ValueError as exc:
            raise ApplicationError(OrdersError.IDEMPOTENCY_KEY_REQUIRED) from exc
        serializer = s.CheckoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase, placed_now = checkout(**self.user_scope, idempotency_key=key, **serializer.validated_data)
        headers = {} if placed_now else {"Idempotent-Replayed": "true"}
        return Response(s.PurchaseOutputSerializer(purchase).data, status=status.HTTP_201_CREATED, headers=headers)


class PurchaseListView(UserAPIView):
    filter_serializer = s.PurchaseListParamsSerializer

    @extend_schema(
        operation_id="purchases_list",
        parameters=[s.PurchaseListParamsSerializer],
        responses={200: paginated(s.PurchaseOutputSerializer)},
    )
    def get(self, request):
        params = s.PurchaseListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return page_response(purchases_list(**self.user_scope, **params.validated_data), s.PurchaseOutputSerializer)


class PurchaseDetailView(UserAPIView):
    @extend_schema(responses={200: s.PurchaseOutputSerializer})
    def get(self, request, purchase_id):
        return Response(s.PurchaseOutputSerializer(purchase_get(**self.user_scope, purchase_id=purchase_id)).data)


class PurchaseCancelView(UserAPIView):
    @extend_schema(request=None, responses={200: s.PurchaseOutputSerializer})
    def post(self, request, purchase_id):
        return Response(s.PurchaseOutputSerializer(purchase_cancel(**self.user_scope, purchase_id=purchase_id)).data)


class PurchaseSummaryView(UserAPIView):
    @extend_schema(responses={200: s.PurchaseSummaryOutputSerializer})
    def get(self, request):
        return Response(s.PurchaseSummaryOutputSerializer(purchase_summary(**self.user_scope)).data)


class TenantPurchaseListView(AdminAPIView):
    filter_serializer = s.TenantPurchaseListParamsSerializer

    @extend_schema(
        parameters=[s.TenantPurchaseListParamsSerializer], responses={200: paginated(s.PurchaseOutputSerializer)}
    )
    def get(self, request):
        params = s.TenantPurchaseListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        start, end = filters.pop("date_from", None), filters.pop("date_to", None)
        page = tenant_purchases_list(
            tenant_id=self.tenant_id,
            created_from=datetime.combine(start, time.min, tzinfo=UTC) if start else None,
            created_to=datetime.combine(end, time.max, tzinfo=UTC) if end else None,
            **filters,
        )
        return page_response(page, s.PurchaseOutputSerializer)


class AdminPurchaseCancelView(AdminAPIView):
    @extend_schema(request=None, responses={200: s.PurchaseOutputSerializer})
    def post(self, request, user_id, purchase_id):
        purchase = purchase_cancel(
            tenant_id=self.tenant_id, user_id=user_id, purchase_id=purchase_id, actor=Actor.ADMIN
        )
        return Response(s.PurchaseOutputSerializer(purchase).data)


class AdminPurchaseMarkPaidView(AdminAPIView):
    @extend_schema(request=None, responses={200: s.PurchaseOutputSerializer})
    def post(self, request, user_id, purchase_id):
        purchase = purchase_mark_paid(tenant_id=self.tenant_id, user_id=user_id, purchase_id=purchase_id)
        return Response(s.PurchaseOutputSerializer(purchase).data)
