"""Route the stage's DynamoDB stream events and outbound queue messages to their entry points inside Zappa's handler.

Zappa's handler dispatches a `Records` event by looking its eventSourceARN up in
`AWS_EVENT_MAPPING`, which `zappa package` builds from the stage's `events`. The stream
subscriptions are not in `events` (Zappa 0.63 cannot create them correctly: see
`wire_streams`), so that map has no entry for them and Zappa would drop the records
while reporting success. When the app starts under Zappa, this wraps the map so that the
stream ARN of any table with a registered handler resolves to the streams' entry point, and
the stage's outbound queue (wired by `outbound_wire`, for the same reason) to the outbound
worker's; every other ARN resolves as before. Outside Zappa (no `zappa_settings` module) it does nothing.
"""

import sys

ENTRY_POINT = "streams.lambda_entry.handle"
OUTBOUND_ENTRY_POINT = "outbound.lambda_entry.handle"
ZAPPA_SETTINGS_MODULE = "zappa_settings"


def streamed_table_of(arn: str) -> str | None:
    """The logical table of a stream ARN of this stage with a registered handler, else None."""
    from django.conf import settings

    from streams.registry import streamed_tables

    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "dynamodb" or "/stream/" not in parts[5]:
        return None
    physical = parts[5].split("/")[1]
    if not physical.startswith(settings.DYNAMODB_TABLE_PREFIX):
        return None
    table = physical.removeprefix(settings.DYNAMODB_TABLE_PREFIX)
    return table if table in streamed_tables() else None


def is_outbound_queue(arn: str) -> bool:
    """Whether `arn` is this stage's outbound queue: `arn:aws:sqs:{region}:{account}:{OUTBOUND_QUEUE}`."""
    from django.conf import settings

    parts = arn.split(":")
    return len(parts) == 6 and parts[2] == "sqs" and parts[5] == settings.OUTBOUND_QUEUE


class StreamEventMapping(dict):
    """Zappa's ARN → functions map, with this stage's streams and outbound queue resolved to their entry points."""

    def get(self, arn, default=None):
        found = super().get(arn)
        if found is None and streamed_table_of(arn):
            return [ENTRY_POINT]
        if found is None and is_outbound_queue(arn):
            return [OUTBOUND_ENTRY_POINT]
        return default if found is None else found


def install() -> bool:
    """Wrap Zappa's event map if the app runs under Zappa's handler; True if it did."""
    module = sys.modules.get(ZAPPA_SETTINGS_MODULE)
    mapping = getattr(module, "AWS_EVENT_MAPPING", None)
    if module is None or isinstance(mapping, StreamEventMapping):
        return False
    module.AWS_EVENT_MAPPING = StreamEventMapping(mapping or {})
    return True
