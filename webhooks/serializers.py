"""Input and output serializers of the webhook admin API (endpoints, secrets, the delivery log)."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookstore.pagination import PageQuerySerializer
from bookstore.serializers import InputSerializer
from webhooks.event_types import EVENT_TYPES
from webhooks.models import DELIVERY_STATUSES

URL_MAX_LENGTH = 2000
DESCRIPTION_MAX_LENGTH = 200
EVENTS_HELP = f"The event types to receive, one or more of: {', '.join(EVENT_TYPES)}."


class EventsField(serializers.MultipleChoiceField):
    """A non-empty list of known event types (an unknown one is named in the error), kept in EVENT_TYPES' order."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", EVENTS_HELP)
        super().__init__(
            choices=EVENT_TYPES,
            allow_empty=False,
            error_messages={"empty": _("Choose at least one event type.")},
            **kwargs,
        )

    def to_internal_value(self, data):
        chosen = super().to_internal_value(data)
        return [event for event in EVENT_TYPES if event in chosen]


class WebhookInputSerializer(InputSerializer):
    """A new endpoint: where to send, which events, and whether it starts active."""

    url = serializers.CharField(
        max_length=URL_MAX_LENGTH, help_text="Where events are POSTed: https, a public address (never a private one)."
    )
    events = EventsField()
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, default="")
    active = serializers.BooleanField(default=True)


class WebhookUpdateInputSerializer(InputSerializer):
    """A change of an endpoint: only the fields sent change; `active: true` starts its failure count afresh."""

    url = serializers.CharField(max_length=URL_MAX_LENGTH, required=False)
    events = EventsField(required=False)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False)
    active = serializers.BooleanField(required=False)


class WebhookOutputSerializer(serializers.Serializer):
    """An endpoint as its admins read it: never its secret."""

    webhook_id = serializers.CharField(source="endpoint_id")
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(allow_null=True)
    active = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField(help_text="Deliveries given up on since the last success.")
    disabled_at = serializers.DateTimeField(allow_null=True, help_text="When failures made it inactive.")
    disabled_reason = serializers.CharField(allow_null=True)
    previous_secret_until = serializers.DateTimeField(
        allow_null=True, help_text="Until when the secret replaced by the last rotation also signs."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)


class WebhookWithSecretOutputSerializer(WebhookOutputSerializer):
    """An endpoint with its new signing secret: the answer of the writes that make one, and only of those."""

    secret = serializers.CharField(help_text="Shown once: keep it where your receiver verifies signatures.")


class DeliveryAttemptOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="None when no answer came.")
    latency_ms = serializers.IntegerField()
    error = serializers.CharField(allow_null=True, help_text="The error's first 500 characters.")


class DeliveryOutputSerializer(serializers.Serializer):
    """One event sent (or to be sent) to the endpoint, and every attempt so far."""

    delivery_id = serializers.CharField()
    webhook_id = serializers.CharField(source="endpoint_id")
    event_id = serializers.CharField()
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=DELIVERY_STATUSES)
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attempts = DeliveryAttemptOutputSerializer(many=True)


class DeliveryDetailOutputSerializer(DeliveryOutputSerializer):
    """A delivery with the exact body it sends (and signs)."""

    payload = serializers.SerializerMethodField(help_text="The event as sent: the signed body, parsed.")

    def get_payload(self, delivery) -> dict:
        try:
            return json.loads(delivery.payload)
        except ValueError:
            return {"raw": delivery.payload}


class DeliveryListQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=DELIVERY_STATUSES, required=False)
