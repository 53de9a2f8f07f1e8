"""Make moto's DeleteEventSourceMapping unsubscribe the function from its DynamoDB table.

Local-only, like `dynamodb_transactions`: production never imports it. Checked against
moto 5.2.5; `install()` refuses any other version whose patched method differs.

Why: moto 5.2.5's `LambdaBackend.delete_event_source_mapping` only forgets the mapping.
The table keeps it in `Table.lambda_event_source_mappings`, so every later write to the
table still "delivers" its stream records to the function and then empties the shard
(`StreamShard.add`): the stream loses its records and restarts its sequence numbers
under the poller's feet. `wire_streams` tests create mappings on the real tables and
delete them afterwards; with this fix the deletion really ends the subscription.
"""

import functools
import threading
from typing import Any

from moto.awslambda.models import LambdaBackend
from moto.dynamodb.models import dynamodb_backends

from local_stack.upstream import UpstreamChangedError, source_fingerprint

_UPSTREAM = LambdaBackend.delete_event_source_mapping
_UPSTREAM_SHA256 = "0df9c39da24effc2cf67a43b07e908567c6111c526a09b2d084b679f8abd7311"
_INSTALL_LOCK = threading.Lock()


def check_upstream_unchanged() -> None:
    if source_fingerprint(_UPSTREAM) != _UPSTREAM_SHA256:
        raise UpstreamChangedError(
            "moto's LambdaBackend.delete_event_source_mapping differs from moto 5.2.5, which "
            "local_stack/lambda_mappings.py was written against: check whether it now unsubscribes "
            "the table itself, then update or remove this fix."
        )


@functools.wraps(_UPSTREAM)
def delete_event_source_mapping(self: LambdaBackend, uuid: str) -> Any:
    """Moto's method, then the table forgets the mapping too."""
    esm = _UPSTREAM(self, uuid)
    if esm is not None and ":dynamodb:" in esm.event_source_arn:
        table_name = esm.event_source_arn.split(":", 5)[5].split("/")[1]
        tables = dynamodb_backends[self.account_id][self.region_name].tables
        table = tables.get(table_name)
        if table is not None and table.lambda_event_source_mappings.get(esm.function_arn) is esm:
            del table.lambda_event_source_mappings[esm.function_arn]
    return esm


def is_installed() -> bool:
    return LambdaBackend.delete_event_source_mapping is delete_event_source_mapping


def install() -> None:
    """Patch moto in this process (before the server starts); calling it again does nothing."""
    with _INSTALL_LOCK:
        if is_installed():
            return
        check_upstream_unchanged()
        LambdaBackend.delete_event_source_mapping = delete_event_source_mapping
