"""The local poller's state: a checkpoint per shard, and the records it parked after repeated failures."""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from bookstore.dynamodb.base import TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import NotExported, StageOwned


@register
class StreamCheckpoint(Model):
    """Where the poller stands in one shard of one table's stream.

    PK `shard_key`: `{table}#{shard_id}` (shard ids are unique only within a stream).
    `sequence_number` is the last record whose processing succeeded (or that was parked);
    the poller resumes right after it, so a restart neither loses nor skips a record.
    `failing_sequence_number` and `attempts` count the attempts on the record that is
    failing now, across restarts; after STREAMS_MAX_ATTEMPTS it is parked. One GetItem per
    shard on start, one PutItem per processed batch.
    """

    # The shard ids and sequence numbers of this very table's stream: an import writes new
    # stream records, and after a restore the poller starts after them (consume_streams --skip-backlog).
    TENANCY = NotExported("positions in this table's own stream, meaningless in any other")

    class Meta(TableMeta):
        table_name = table_name("stream_checkpoints")

    shard_key = UnicodeAttribute(hash_key=True)
    table = UnicodeAttribute()
    shard_id = UnicodeAttribute()
    stream_arn = UnicodeAttribute()
    sequence_number = UnicodeAttribute(null=True)
    failing_sequence_number = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key_for(table: str, shard_id: str) -> str:
        return f"{table}#{shard_id}"


@register
class ParkedRecord(Model):
    """A stream record that kept failing, set aside so that its shard flows on.

    PK `table` (logical name), SK `{shard_id}#{sequence_number}`: one Query lists a
    table's parked records in shard order, and a replay deletes the item once its record
    is processed. `record` is the Lambda-shaped record as JSON (images still in DynamoDB
    JSON), so a replay feeds the entry point exactly what failed; `reason` and `attempts`
    say why it was parked.
    """

    TENANCY = StageOwned("failed stream records awaiting a replay; replay them before moving a tenant")

    class Meta(TableMeta):
        table_name = table_name("parked_records")

    table = UnicodeAttribute(hash_key=True)
    position = UnicodeAttribute(range_key=True)
    tenant_id = UnicodeAttribute()
    event_name = UnicodeAttribute()
    sequence_number = UnicodeAttribute()
    record = UnicodeAttribute()
    reason = UnicodeAttribute()
    attempts = NumberAttribute()
    parked_at = UTCDateTimeAttribute()
