"""Serializers of the local outbox pages."""

from rest_framework import serializers

from bookstore.pagination import PageQuerySerializer


class OutboxListQuerySerializer(PageQuerySerializer):
    """`limit` and `cursor`: the outbox lists newest first."""


class OutboxMessageOutputSerializer(serializers.Serializer):
    message_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    kind = serializers.CharField(allow_null=True, help_text="order_confirmation, order_cancelled, ...")
    language = serializers.CharField(allow_null=True)
    from_email = serializers.CharField()
    to = serializers.ListField(child=serializers.CharField())
    subject = serializers.CharField()


class OutboxMessageDetailOutputSerializer(OutboxMessageOutputSerializer):
    email_id = serializers.CharField(allow_null=True, help_text="The send record: one per order and event.")
    text = serializers.CharField(help_text="The text part.")
    html = serializers.CharField(help_text="The HTML part.")
