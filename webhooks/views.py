"""The webhook admin API (tenant admins): endpoints, their secrets, the delivery log and redelivery.

Every answer is `Cache-Control: private, no-store` (`personal_data`): the writes that make a
secret return it, and the log shows what the shop sent out.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from bookstore.api import AdminAPIView, page_response
from bookstore.errors import CommonError
from bookstore.pagination import PageQuerySerializer, paginated
from webhooks import serializers as s
from webhooks.errors import WebhooksError
from webhooks.selectors import webhook_deliveries_list, webhook_delivery_get, webhook_get, webhook_list
from webhooks.services import (
    webhook_create,
    webhook_delete,
    webhook_redeliver,
    webhook_secret_rotate,
    webhook_update,
)

NOT_FOUND = (WebhooksError.WEBHOOK_NOT_FOUND,)


class WebhookAdminAPIView(AdminAPIView):
    """An endpoint of the webhook admin API: admins only, never stored by a cache."""

    personal_data = True


class WebhookListView(WebhookAdminAPIView):
    """The shop's webhook endpoints (admins); register one."""

    input_serializer = s.WebhookInputSerializer
    query_serializer = PageQuerySerializer
    error_codes = {"POST": (WebhooksError.URL_REFUSED, WebhooksError.TOO_MANY_WEBHOOKS)}

    @extend_schema(operation_id="admin_webhooks_list", responses={200: paginated(s.WebhookOutputSerializer)})
    def get(self, request):
        return page_response(
            webhook_list(tenant_id=self.tenant_id, **self.validated_query()), s.WebhookOutputSerializer
        )

    @extend_schema(responses={201: s.WebhookWithSecretOutputSerializer})
    def post(self, request):
        """Register an endpoint; the answer holds its signing secret, shown this once."""
        endpoint = webhook_create(tenant_id=self.tenant_id, **self.validated_body())
        return Response(s.WebhookWithSecretOutputSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(WebhookAdminAPIView):
    """One webhook endpoint (admins): read, change or delete it."""

    input_serializer = s.WebhookUpdateInputSerializer
    error_codes = {
        "GET": NOT_FOUND,
        "PATCH": (*NOT_FOUND, WebhooksError.URL_REFUSED),
        "DELETE": NOT_FOUND,
    }

    @extend_schema(operation_id="admin_webhook", responses={200: s.WebhookOutputSerializer})
    def get(self, request, webhook_id):
        return Response(s.WebhookOutputSerializer(webhook_get(tenant_id=self.tenant_id, webhook_id=webhook_id)).data)

    @extend_schema(responses={200: s.WebhookOutputSerializer})
    def patch(self, request, webhook_id):
        """Change the fields sent; `active: true` on an inactive endpoint clears its failures."""
        endpoint = webhook_update(tenant_id=self.tenant_id, webhook_id=webhook_id, **self.validated_body())
        return Response(s.WebhookOutputSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, webhook_id):
        """Delete the endpoint: nothing more is sent to it."""
        webhook_delete(tenant_id=self.tenant_id, webhook_id=webhook_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateView(WebhookAdminAPIView):
    """A new signing secret for the endpoint (admins); the one it replaces signs too, for a while."""

    error_codes = (*NOT_FOUND, CommonError.CONFLICT)

    @extend_schema(responses={201: s.WebhookWithSecretOutputSerializer})
    def post(self, request, webhook_id):
        """The answer holds the new secret, shown this once; the old one signs until `previous_secret_until`."""
        endpoint = webhook_secret_rotate(tenant_id=self.tenant_id, webhook_id=webhook_id)
        return Response(s.WebhookWithSecretOutputSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDeliveryListView(WebhookAdminAPIView):
    """The endpoint's delivery log, newest first (admins): each event sent, with every attempt."""

    query_serializer = s.DeliveryListQuerySerializer
    error_codes = NOT_FOUND

    @extend_schema(operation_id="admin_webhook_deliveries_list", responses={200: paginated(s.DeliveryOutputSerializer)})
    def get(self, request, webhook_id):
        page = webhook_deliveries_list(tenant_id=self.tenant_id, webhook_id=webhook_id, **self.validated_query())
        return page_response(page, s.DeliveryOutputSerializer)


class WebhookDeliveryDetailView(WebhookAdminAPIView):
    """One delivery (admins), with the payload it sends."""

    error_codes = (WebhooksError.DELIVERY_NOT_FOUND,)

    @extend_schema(operation_id="admin_webhook_delivery", responses={200: s.DeliveryDetailOutputSerializer})
    def get(self, request, webhook_id, delivery_id):
        delivery = webhook_delivery_get(tenant_id=self.tenant_id, webhook_id=webhook_id, delivery_id=delivery_id)
        return Response(s.DeliveryDetailOutputSerializer(delivery).data)


class WebhookRedeliverView(WebhookAdminAPIView):
    """Send a delivery again (admins): it is due at once, and the worker sends it in the background."""

    error_codes = (
        *NOT_FOUND,
        WebhooksError.DELIVERY_NOT_FOUND,
        WebhooksError.WEBHOOK_INACTIVE,
        CommonError.SERVICE_UNAVAILABLE,
    )

    @extend_schema(responses={202: s.DeliveryOutputSerializer})
    def post(self, request, webhook_id, delivery_id):
        delivery = webhook_redeliver(tenant_id=self.tenant_id, webhook_id=webhook_id, delivery_id=delivery_id)
        return Response(s.DeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
