"""The base of every input serializer, and the error body's shape as the OpenAPI schema shows it.

`InputSerializer`: a field the endpoint does not declare is a 400, not silently dropped. A
client that sends `{"quantiy": 3}` (a typo) or a field another version of the API had must
hear about it rather than see a success that ignored it. `tenant_id` is always allowed in a
body: tenancy checks it against the token before any serializer runs; so are the fields the
browsable API's forms add (the CSRF token, the hidden Idempotency-Key).
"""

from collections.abc import Mapping

from rest_framework import serializers

# The browsable API's checkout form carries the Idempotency-Key in this hidden field.
IDEMPOTENCY_FORM_FIELD = "_idempotency_key"
ALWAYS_ALLOWED = frozenset({"tenant_id", "csrfmiddlewaretoken", IDEMPOTENCY_FORM_FIELD})
UNKNOWN_FIELD = "Unknown field."


class InputSerializer(serializers.Serializer):
    """A Serializer that refuses fields it does not declare, naming each in the error's details."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            # A browser form names a nested field `address.city` (or `items[0]`): its root is the field.
            roots = {str(name): str(name).split(".", 1)[0].split("[", 1)[0] for name in data}
            unknown = sorted(
                name for name, root in roots.items() if root not in self.fields and root not in ALWAYS_ALLOWED
            )
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class ErrorDetailOutputSerializer(serializers.Serializer):
    """What went wrong: a stable code, a message in the caller's language, and details."""

    code = serializers.CharField(help_text="Stable: never changes with the language (docs/api/errors.md).")
    message = serializers.CharField()
    details = serializers.JSONField(help_text="The fields at fault, or what the code's page says; may be empty.")


class ErrorOutputSerializer(serializers.Serializer):
    """`{"error": {"code", "message", "details"}}`: the body of every 4xx and 5xx (`bookstore.errors`)."""

    error = ErrorDetailOutputSerializer()
