"""Make moto's DynamoDB behave like DynamoDB under concurrent requests.

Local-only: this module patches the embedded AWS emulator (moto) used for
development and tests. Production code never imports it; production talks to
real DynamoDB, which needs none of this.

Checked against moto 5.2.5. ``install()`` refuses to patch any other version
whose patched code differs (see ``check_upstream_unchanged``), because the
replacement below is a copy of moto's own code and would silently drop upstream
fixes.

Where it hooks in
-----------------
``install()`` changes three class attributes, before the server starts:

* ``moto.dynamodb.responses.DynamoHandler.call_action`` and
  ``moto.dynamodbstreams.responses.DynamoDBStreamsHandler.call_action``
  run under one process-wide re-entrant lock. Each is the single entry point
  of one API request (parsing, backend calls, serialising the response), for
  the threaded server and for in-process ``mock_aws`` alike.
* Other local fixes see each DynamoDB request under that lock through
  ``observe_requests``: the write journal (``local_stack/journal.py``) appends
  each acknowledged write before its answer leaves, and the write pause
  (``local_stack/write_pause.py``) holds writes while an export reads.
* ``moto.dynamodb.models.DynamoDBBackend.transact_write_items`` is replaced by
  ``transact_write_items`` below, adapted from moto's own method: same
  structure and error handling, different rollback. It also takes the lock, so
  it is atomic for callers that use the backend directly.

Why
---
1. Linearizability. ``ThreadedMotoServer`` serves each request in its own
   thread and moto does not serialise them. A transaction is a sequence of
   ordinary put/update/delete calls, so two transactions interleave: both pass
   ``stock >= 1`` and both decrement. Moto's rollback (below) then restores
   whole tables, wiping other requests' committed writes, and deep-copying a
   table while another thread mutates it raises ``RuntimeError`` (HTTP 500).

   The lock is taken per request, not per backend method, because the
   handlers do more than one backend call per request and serialise live
   ``Item`` objects after the backend has returned: GetItem/Query/Scan
   responses, BatchGetItem and TransactGetItems (several ``get_item`` calls),
   and ``ReturnValues`` (a ``get_item`` before the write). Locking only the
   writes would still let those observe half-applied transactions, read an
   item while it is updated in place (another source of HTTP 500s), or return
   an old image that is not the one replaced. DynamoDB promises that reads,
   TransactGetItems included, never observe a partial transaction, so reads
   take the lock too. Stream reads take it as well: a cancelled transaction
   appends stream records before it truncates them again, and no reader may
   see them. The cost is that the emulator handles one DynamoDB request at a
   time, which is fine for development and tests.

2. Rollback cost. Moto 5.2.5 deep-copies every table a transaction names,
   once per action, including all stream records, before applying anything,
   and on failure swaps the copies in as new ``Table`` objects. An 8-action
   transaction on a 10,000-item table with streams takes about 4 s, 10 s once
   the stream holds 30,000 records (``python -m benchmarks.transactions``;
   patched: about 6 ms, independent of table and stream size). The swap
   also orphans open stream shard iterators, which keep pointing at the
   replaced shard. Here a transaction records only what it touches: a deep
   copy of each item before it is written (or "absent"), and the length of
   each touched table's stream. Cancelling puts those items back or deletes
   them and truncates the stream records the transaction emitted, in the same
   ``Table`` and ``StreamShard`` objects. Cost: O(items touched).

Behaviour otherwise follows moto 5.2.5: a failed condition (or other per-action
error) cancels with ``TransactionCanceledException`` and one cancellation
reason per action, in order, including ``Item`` for
``ReturnValuesOnConditionCheckFailure=ALL_OLD``; two actions on one item and
more than 100 actions raise ``ValidationException``. One difference: any
exception escaping the transaction rolls it back here. Moto 5.2.5 rolls back
only for validation errors and leaves earlier actions applied when, for
example, one entry names two operations (``TransactWriteSingleOpException``).

Known limits, shared with moto: stream records are delivered to Lambda event
source mappings while the transaction runs, so a cancelled transaction may
already have invoked a function; cancelling cannot undo that.

Upstream: the rollback part could replace moto's deep copies directly; the
locking would be a lock around ``DynamoHandler.call_action`` (or a
``BackendDict``-level option for serialised backends).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any, Protocol

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

from local_stack.upstream import UpstreamChangedError, changed_upstream

__all__ = [
    "RequestObserver",
    "check_upstream_unchanged",
    "emulator_lock",
    "install",
    "is_installed",
    "observe_requests",
    "transact_write_items",
    "wake_waiting_requests",
]

# One lock for every DynamoDB and DynamoDB Streams request in the process.
# Re-entrant because transact_write_items takes it again inside a request.
_LOCK = threading.RLock()

# Waited on (with the lock released) by requests an observer holds back, e.g. writes while paused.
_LOCK_CONDITION = threading.Condition(_LOCK)

# Serialises install() itself, so two threads cannot both patch.
_INSTALL_LOCK = threading.Lock()

# The moto code this module replaces or relies on, captured at import (before
# install() replaces anything), with the sha256 of its inspect.getsource() in
# moto 5.2.5:
# - DynamoDBBackend.transact_write_items: replaced by the adapted copy below.
# - Table.put_item / Table.delete_item: define the item storage layout
#   (table.items[hash] or table.items[hash][range]) that rollback writes to.
# - StreamShard.add: defines how stream records are stored (appended to
#   shard.items, sequence number = start + position), which rollback truncates.
_UPSTREAM_FINGERPRINTS: dict[str, tuple[Callable[..., Any], str]] = {
    "DynamoDBBackend.transact_write_items": (
        DynamoDBBackend.transact_write_items,
        "81db2cb7d94e39c90b3a2077e1f4bb41a449c558ef9b1b1e2910fdaa39978ad4",
    ),
    "Table.put_item": (
        Table.put_item,
        "de23933013ef842639046c19bcf7e418bce0474d810f6719368be4cedce11d47",
    ),
    "Table.delete_item": (
        Table.delete_item,
        "1594f7b07616c8cb8cdf0fbf58d6f54eeac83f25d7ac7b14e832a08e10efd8f9",
    ),
    "StreamShard.add": (
        StreamShard.add,
        "357dc6da267e5dd7d46e18ee25d14b232a98679677906a2f02e4d454d1f11e03",
    ),
}

# One cancellation reason per action: (code, message, item), where code None
# means the action succeeded and item is the ALL_OLD image of a failed check.
_Reason = tuple[str | None, str | None, dict[str, Any] | None]


def check_upstream_unchanged() -> None:
    """Raise ``UpstreamChangedError`` unless moto's relevant code is as checked.

    After a moto upgrade, re-read the methods named in the message, port any
    change into ``transact_write_items`` (or confirm the storage layout the
    rollback relies on is unchanged), then update ``_UPSTREAM_FINGERPRINTS``.
    """
    changed = changed_upstream(_UPSTREAM_FINGERPRINTS)
    if changed:
        raise UpstreamChangedError(
            "moto's DynamoDB code differs from moto 5.2.5, which "
            "local_stack/dynamodb_transactions.py was written against: "
            f"{', '.join(changed)} changed. Review the new code, bring "
            "transact_write_items and _UndoLog in line with it, then update "
            "_UPSTREAM_FINGERPRINTS."
        )


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(*args, **kwargs)

    return locked


class RequestObserver(Protocol):
    """Sees every DynamoDB request under the lock: `before` may wait, `after` runs before the answer leaves."""

    def before(self, handler: DynamoHandler, condition: threading.Condition) -> None: ...

    def after(self, handler: DynamoHandler, response: Any) -> None: ...


_OBSERVERS: list[RequestObserver] = []


def observe_requests(observer: RequestObserver, *, observe: bool = True) -> None:
    """Make `observer` see every DynamoDB request from now on (`observe=False`: no longer)."""
    with _LOCK:
        if observe and observer not in _OBSERVERS:
            _OBSERVERS.append(observer)
        elif not observe and observer in _OBSERVERS:
            _OBSERVERS.remove(observer)
        _LOCK_CONDITION.notify_all()


def wake_waiting_requests() -> None:
    """Wake the requests an observer holds back (in `before`), so that each checks again whether it may run."""
    with _LOCK:
        _LOCK_CONDITION.notify_all()


def emulator_lock() -> threading.RLock:
    """The lock every DynamoDB request holds: whoever holds it sees the tables between two requests."""
    return _LOCK


def _observed(method: Callable[..., Any]) -> Callable[..., Any]:
    """`_serialised`, and the observers see the request before it runs and its answer after (the journal)."""

    @functools.wraps(method)
    def locked(handler: DynamoHandler) -> Any:
        with _LOCK:
            for observer in tuple(_OBSERVERS):
                observer.before(handler, _LOCK_CONDITION)
            response = method(handler)
            for observer in tuple(_OBSERVERS):
                observer.after(handler, response)
            return response

    return locked


def is_installed() -> bool:
    """Whether ``install()`` has patched moto in this process."""
    return DynamoDBBackend.transact_write_items is transact_write_items


def install() -> None:
    """Patch moto's DynamoDB in this process; calling it again does nothing.

    Call before starting the emulator (``ThreadedMotoServer`` or ``mock_aws``).
    Raises ``UpstreamChangedError`` if moto is not the checked version.
    """
    with _INSTALL_LOCK:
        if is_installed():
            return
        check_upstream_unchanged()
        DynamoHandler.call_action = _observed(DynamoHandler.call_action)
        DynamoDBStreamsHandler.call_action = _serialised(DynamoDBStreamsHandler.call_action)
        DynamoDBBackend.transact_write_items = transact_write_items


class _UndoLog:
    """What a transaction changed, and how to put it back.

    Holds the pre-transaction version of each item the transaction writes and
    the pre-transaction records of each stream it appends to.
    """

    def __init__(self) -> None:
        self._items: dict[
            tuple[str, DynamoType, DynamoType | None],
            tuple[Table, Item | None],
        ] = {}
        self._streams: dict[int, tuple[StreamShard, list[StreamRecord], int]] = {}

    def remember(self, table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        """Record an item's current state, before the transaction writes it."""
        slot = (table.name, hash_key, range_key)
        # The first snapshot is the pre-transaction state. Moto's duplicate
        # check compares table names as given, so one item reached through
        # the table's name and its ARN can be written twice.
        if slot not in self._items:
            self._items[slot] = (
                table,
                copy.deepcopy(table.get_item(hash_key, range_key)),
            )
        shard = table.stream_shard
        if shard is not None and id(shard) not in self._streams:
            # Keep the list object too: StreamShard.add replaces it with a new
            # one after delivering records to a Lambda event source mapping.
            self._streams[id(shard)] = (shard, shard.items, len(shard.items))

    def rollback(self) -> None:
        """Restore every remembered item and stream to its recorded state."""
        from local_stack import dynamodb_query  # it imports this module

        for (_, hash_key, range_key), (table, item) in self._items.items():
            # Written straight into moto's storage: going through
            # Table.put_item/delete_item would emit stream records.
            if range_key is None:
                current = table.items.get(hash_key)
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            else:
                current = table.items[hash_key].get(range_key)
                if item is None:
                    table.items[hash_key].pop(range_key, None)
                else:
                    table.items[hash_key][range_key] = item
            # The Query fix's ordered indexes follow moto's storage.
            dynamodb_query.item_replaced(table, current, item)
        for shard, records, length in self._streams.values():
            # Sequence numbers are positions in this list, so truncating also
            # frees the cancelled records' numbers for the next writes.
            del records[length:]
            shard.items = records


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """Moto 5.2.5's ``DynamoDBBackend.transact_write_items``, made atomic.

    Adapted from moto's method; the differences are marked. It runs under the
    module lock, and it records each item before writing it (``_UndoLog``)
    instead of deep-copying whole tables, so cancelling costs O(items touched).
    """
    with _LOCK:  # Changed: isolation from every other request.
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        # Changed: no whole-table copies, only an undo log filled as we go.
        undo = _UndoLog()
        try:
            errors = _apply_actions(self, transact_items, undo)
        except BaseException:
            # Changed: every escaping error rolls back, not only validation
            # errors, so no action of a failed transaction stays applied.
            undo.rollback()
            raise
        if any(code is not None for code, _, _ in errors):
            undo.rollback()
            raise TransactionCanceledException(errors)


def _apply_actions(self: DynamoDBBackend, transact_items: list[dict[str, Any]], undo: _UndoLog) -> list[_Reason]:
    """Moto's action loop: apply each action, collect cancellation reasons.

    Returns one ``(code, message, item)`` per action, ``(None, None, None)``
    for actions that succeeded. Raises for errors that abort the whole request.
    ``self`` is the backend, named as in moto so the copied code stays diffable.
    """
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[_Reason] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        # Check transact writes are not performing multiple operations on the same item
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException

        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")

            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            expression_attribute_names = op.get("ExpressionAttributeNames")
            expression_attribute_values = op.get("ExpressionAttributeValues")
            return_values_on_condition_check_failure = op.get("ReturnValuesOnConditionCheckFailure")

            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]

            check_unicity(table_name, key)

            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = get_filter_expression(
                    condition_expression,
                    expression_attribute_names,
                    expression_attribute_values,
                )
                if not condition_op.expr(current):
                    if return_values_on_condition_check_failure == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)

            # Changed: record the item before writing it. get_item above
            # already validated the table and the key.
            if op_type != "ConditionCheck":
                table = self.get_table(table_name)
                undo.remember(table, *self.get_keys_value(table, key))

            if op_type == "Put":
                attrs = op["Item"]
                self.put_item(
                    table_name,
                    attrs,
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            elif op_type == "Update":
                update_expression = op["UpdateExpression"]
                self.update_item(
                    table_name,
                    key,
                    update_expression=update_expression,
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            # Changed: the caller rolls back before re-raising.
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:
            # For other exceptions, capture their details
            errors.append((type(e).__name__, str(e), original_item))
    return errors
