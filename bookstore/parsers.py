"""The JSON parser every endpoint uses: DRF's, refusing as a 400 what no endpoint can take.

Every request body of this API is a JSON object; a document nested deeper than Python
can recurse, a top-level array or scalar, and a string holding a lone UTF-16 surrogate
(valid JSON, but not text: it cannot be stored or echoed) are parse errors, never a 500.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, accepting only an object of real text."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from exc
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object."))
        if _has_lone_surrogate(data):
            raise ParseError(_("JSON parse error - a string holds a lone UTF-16 surrogate, which is not text."))
        return data


def _has_lone_surrogate(value) -> bool:
    """Whether any key or string in the parsed document cannot be encoded as UTF-8."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False
