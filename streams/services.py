"""Operations on parked stream records: list them, and replay them through the Lambda entry point."""

import json

from bookstore.dynamodb.clock import now
from streams.lambda_entry import handle_with_reasons
from streams.models import ParkedRecord
from streams.registry import streamed_tables


def parked_records_list(*, tables: list[str] | None = None) -> list[ParkedRecord]:
    """The parked records of `tables` (default: every streamed table), in shard order: one Query per table."""
    return [record for table in tables or streamed_tables() for record in ParkedRecord.query(table)]


def parked_record_replay(*, parked: ParkedRecord) -> bool:
    """Feed a parked record to the entry point again; delete it if it now succeeds.

    Returns True when it succeeded. A record that fails again stays parked, with the new
    reason and one more attempt counted. Handlers are idempotent, so replaying a record
    whose effect partly happened is safe.
    """
    _, failures = handle_with_reasons({"Records": [json.loads(parked.record)]})
    if not failures:
        parked.delete()
        return True
    parked.update(
        actions=[
            ParkedRecord.reason.set(failures[0].reason[:2000]),
            ParkedRecord.attempts.add(1),
            ParkedRecord.parked_at.set(now()),
        ]
    )
    return False
