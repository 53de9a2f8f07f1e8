"""The local outbox in the browsable API (tenant admins): the emails the shop sent, newest first."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from bookstore.api import AdminAPIView, page_response
from bookstore.pagination import paginated
from emails import serializers as s
from emails.errors import EmailsError
from emails.outbox import outbox_get, outbox_list


class OutboxListView(AdminAPIView):
    """The emails your shop sent, as the local outbox holds them (local stack and tests only; 404 on a stage)."""

    personal_data = True  # customers' addresses and orders
    query_serializer = s.OutboxListQuerySerializer
    error_codes = (EmailsError.OUTBOX_NOT_CONFIGURED,)

    @extend_schema(operation_id="admin_outbox_list", responses={200: paginated(s.OutboxMessageOutputSerializer)})
    def get(self, request):
        page = outbox_list(tenant_id=self.tenant_id, **self.validated_query())
        return page_response(page, s.OutboxMessageOutputSerializer)


class OutboxMessageView(AdminAPIView):
    """One email of your shop's outbox, with its text and HTML parts."""

    personal_data = True
    error_codes = (EmailsError.OUTBOX_NOT_CONFIGURED, EmailsError.MESSAGE_NOT_FOUND)

    @extend_schema(operation_id="admin_outbox_message", responses={200: s.OutboxMessageDetailOutputSerializer})
    def get(self, request, message_id):
        message = outbox_get(tenant_id=self.tenant_id, message_id=message_id)
        return Response(s.OutboxMessageDetailOutputSerializer(message).data)
