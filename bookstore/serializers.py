"""Input serializers' base, the field of every date parameter, and the error body's shape as OpenAPI shows it.

`InputSerializer`: a field the endpoint does not declare is a 400, not silently dropped, in
every content type. A client that sends `{"quantiy": 3}` (a typo) or a field another version
of the API had must hear about it rather than see a success that ignored it. A form body
(urlencoded or multipart) names a nested field `shipping_address.city` and a list's item
`categories[0]`: such a name is declared only where its root field is a nested serializer
(or a dict) or a list, as DRF reads them; `quantity.x` or, in JSON, `"shipping_address.city"`
is unknown. `tenant_id` is always allowed in a body: tenancy checks it against the token
before any serializer runs; so are the fields the browsable API's forms add (the CSRF token,
the hidden Idempotency-Key).
"""

import re
from collections.abc import Mapping
from datetime import date

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils import html

# The browsable API's checkout form carries the Idempotency-Key in this hidden field.
IDEMPOTENCY_FORM_FIELD = "_idempotency_key"
ALWAYS_ALLOWED = frozenset({"tenant_id", "csrfmiddlewaretoken", IDEMPOTENCY_FORM_FIELD})
UNKNOWN_FIELD = _("Unknown field.")
# How DRF's form parsing names a list's item: `categories[0]` (or `items[0]title` for a list of objects).
_FORM_LIST_ITEM = re.compile(r"^(?P<root>[^.\[]+)\[[0-9]+\]")
_FORM_OBJECT_FIELDS = (serializers.Serializer, serializers.DictField)
_FORM_LIST_FIELDS = (serializers.ListField, serializers.ListSerializer)


class InputSerializer(serializers.Serializer):
    """A Serializer that refuses fields it does not declare, naming each in the error's details."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            form = html.is_html_input(data)
            unknown = sorted(str(name) for name in data if not self._declares(str(name), form=form))
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)

    def _declares(self, name: str, *, form: bool) -> bool:
        """Whether `name` is a field of this serializer; in a form, the dotted or indexed name of one's part.

        A nested serializer reads the part after the dot and, as an InputSerializer, checks it too.
        """
        if name in self.fields or (self.parent is None and name in ALWAYS_ALLOWED):
            return True
        if not form:
            return False
        root, dot, _rest = name.partition(".")
        if dot and isinstance(self.fields.get(root), _FORM_OBJECT_FIELDS):
            return True
        item = _FORM_LIST_ITEM.match(name)
        return bool(item) and isinstance(self.fields.get(item["root"]), _FORM_LIST_FIELDS)


# The days a date parameter can name. A shop's data lies well inside them, and arithmetic on a
# day inside them (a default range ending on it, a report's last instant) stays a valid date.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class DayField(serializers.DateField):
    """A day, `YYYY-MM-DD`, between EARLIEST_DAY and LATEST_DAY: every date a request names (reports, filters)."""

    default_error_messages = {
        "out_of_range": format_lazy(
            _("Enter a day between {earliest} and {latest}."), earliest=EARLIEST_DAY, latest=LATEST_DAY
        )
    }

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            self.fail("out_of_range")
        return day


class ErrorDetailOutputSerializer(serializers.Serializer):
    """What went wrong: a stable code, a message in the caller's language, and details."""

    code = serializers.CharField(help_text="Stable: never changes with the language (docs/api/errors.md).")
    message = serializers.CharField()
    details = serializers.JSONField(help_text="The fields at fault, or what the code's page says; may be empty.")


class ErrorOutputSerializer(serializers.Serializer):
    """`{"error": {"code", "message", "details"}}`: the body of every 4xx and 5xx (`bookstore.errors`)."""

    error = ErrorDetailOutputSerializer()
