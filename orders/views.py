"""Cart, checkout and purchase endpoints: validate, call one service or selector, serialize."""

import uuid
from datetime import UTC, datetime, time

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from bookstore.errors import ApplicationError
from bookstore.pagination import PageParams, decode_cursor, page_body, paginated
from bookstore.permissions import IsTenantAdmin
from bookstore.tenancy import TenantAPIView
from orders import serializers as s
from orders.errors import OrdersError
from orders.selectors import cart_get, purchase_get, purchase_summary, purchases_list, tenant_purchases_list
from orders.services import cart_add, cart_clear, cart_remove, cart_set_quantity, checkout, purchase_cancel

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True, description="A UUID; a retry reuses it."
)


class UserAPIView(TenantAPIView):
    """An endpoint about the caller's own data: authenticated, scoped to the token's user."""

    permission_classes = [IsAuthenticated]

    @property
    def user_scope(self) -> dict[str, str]:
        return {"tenant_id": self.tenant_id, "user_id": self.request.user.id}


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CartView(UserAPIView):
    @extend_schema(responses={200: s.CartOutputSerializer})
    def get(self, request):
        return Response(s.CartOutputSerializer(cart_get(**self.user_scope)).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        cart_clear(**self.user_scope)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartAddView(UserAPIView):
    @extend_schema(request=s.CartAddInputSerializer, responses={200: s.CartOutputSerializer})
    def post(self, request):
        data = _valid(s.CartAddInputSerializer, request.data)
        return Response(s.CartOutputSerializer(cart_add(**self.user_scope, **data)).data)


class CartItemView(UserAPIView):
    @extend_schema(request=s.CartQuantityInputSerializer, responses={200: s.CartOutputSerializer})
    def patch(self, request, book_id):
        data = _valid(s.CartQuantityInputSerializer, request.data)
        cart = cart_set_quantity(**self.user_scope, book_id=book_id, **data)
        return Response(s.CartOutputSerializer(cart).data)

    @extend_schema(responses={204: None})
    def delete(self, request, book_id):
        cart_remove(**self.user_scope, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckoutView(UserAPIView):
    @extend_schema(
        request=s.CheckoutInputSerializer, parameters=[IDEMPOTENCY_HEADER], responses={201: s.PurchaseOutputSerializer}
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        try:
            key = str(uuid.UUID(key))
        except ValueError as exc:
            raise ApplicationError(OrdersError.IDEMPOTENCY_KEY_REQUIRED) from exc
        data = _valid(s.CheckoutInputSerializer, request.data)
        purchase, placed_now = checkout(**self.user_scope, idempotency_key=key, **data)
        headers = {} if placed_now else {"Idempotent-Replayed": "true"}
        return Response(s.PurchaseOutputSerializer(purchase).data, status=status.HTTP_201_CREATED, headers=headers)


class PurchaseListView(UserAPIView):
    @extend_schema(
        operation_id="purchases_list",
        parameters=[PageParams, s.PurchaseListParamsSerializer], responses={200: paginated(s.PurchaseOutputSerializer)}
    )
    def get(self, request):
        page_params = _valid(PageParams, request.query_params)
        filters = _valid(s.PurchaseListParamsSerializer, request.query_params)
        scope = f"purchases:{self.tenant_id}:{request.user.id}:{filters.get('status', '')}"
        page = purchases_list(
            **self.user_scope,
            limit=page_params["limit"],
            position=decode_cursor(page_params.get("cursor"), scope=scope),
            status=filters.get("status"),
        )
        return Response(page_body(page, s.PurchaseOutputSerializer(page.items, many=True).data, scope=scope))


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


class TenantPurchaseListView(TenantAPIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(
        parameters=[PageParams, s.TenantPurchaseListParamsSerializer],
        responses={200: paginated(s.PurchaseOutputSerializer)},
    )
    def get(self, request):
        page_params = _valid(PageParams, request.query_params)
        filters = _valid(s.TenantPurchaseListParamsSerializer, request.query_params)
        start, end = filters.get("date_from"), filters.get("date_to")
        scope = f"tenant-purchases:{self.tenant_id}:{start}:{end}:{filters.get('status', '')}"
        page = tenant_purchases_list(
            tenant_id=self.tenant_id,
            limit=page_params["limit"],
            position=decode_cursor(page_params.get("cursor"), scope=scope),
            created_from=datetime.combine(start, time.min, tzinfo=UTC) if start else None,
            created_to=datetime.combine(end, time.max, tzinfo=UTC) if end else None,
            status=filters.get("status"),
        )
        return Response(page_body(page, s.PurchaseOutputSerializer(page.items, many=True).data, scope=scope))
