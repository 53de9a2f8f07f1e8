"""Every DynamoDB data call asks for its consumed capacity, and the units reported go to the request's tally.

Two botocore event hooks do it, on every DynamoDB client the code uses:

- `before-parameter-build.dynamodb`: sets `ReturnConsumedCapacity=TOTAL` on each data call
  that does not name it (PynamoDB already asks for TOTAL on its own calls; the hook covers
  any other client too);
- `after-call.dynamodb`: reads `ConsumedCapacity` (one object, or one per table for batches
  and transactions) and adds the units to the open tally (bookstore/usage.py): the response's
  ReadCapacityUnits and WriteCapacityUnits when it splits them, else its CapacityUnits, as
  reads or writes by the operation.

PynamoDB builds one client per model, lazily, on the model's first call; its
`pre_dynamodb_send` signal (blinker) names the connection before every call, so
`observe_pynamodb_connections()` hooks each client as it is first used, never building one
early. bookstore/aws.py hooks the DynamoDB clients it builds.
"""

import weakref
from typing import Any

from bookstore.usage import capacity_add

READ_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITE_OPERATIONS = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "ExecuteStatement"}
)
DATA_OPERATIONS = READ_OPERATIONS | WRITE_OPERATIONS
_ASK_ID = "bookstore-return-consumed-capacity"
_READ_ID = "bookstore-consumed-capacity"


def _ask_for_consumed_capacity(params: dict[str, Any], model, **kwargs) -> None:
    if model.name in DATA_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


def consumed_units(operation: str, parsed: dict[str, Any]) -> tuple[float, float]:
    """(read units, write units) that a DynamoDB response of `operation` reports."""
    reported = parsed.get("ConsumedCapacity") or []
    read = write = 0.0
    for capacity in [reported] if isinstance(reported, dict) else reported:
        if "ReadCapacityUnits" in capacity or "WriteCapacityUnits" in capacity:
            read += float(capacity.get("ReadCapacityUnits", 0))
            write += float(capacity.get("WriteCapacityUnits", 0))
        elif operation in WRITE_OPERATIONS:
            write += float(capacity.get("CapacityUnits", 0))
        else:
            read += float(capacity.get("CapacityUnits", 0))
    return read, write


def _note_consumed_capacity(parsed: dict[str, Any], model, **kwargs) -> None:
    if model.name in DATA_OPERATIONS and isinstance(parsed, dict):
        read, write = consumed_units(model.name, parsed)
        capacity_add(read_units=read, write_units=write)


_observed: "weakref.WeakSet" = weakref.WeakSet()  # clients already hooked: the check costs less than botocore's


def observe(client) -> None:
    """Hook a DynamoDB client (idempotent: a client is hooked once, whatever the number of calls)."""
    if client in _observed:
        return
    events = client.meta.events
    events.register("before-parameter-build.dynamodb", _ask_for_consumed_capacity, unique_id=_ASK_ID)
    events.register("after-call.dynamodb", _note_consumed_capacity, unique_id=_READ_ID)
    _observed.add(client)


def _observe_sender(connection, **kwargs) -> None:
    observe(connection.client)


def observe_pynamodb_connections() -> None:
    """Hook every PynamoDB connection's client before its calls (called once, when the app is ready)."""
    from pynamodb.signals import pre_dynamodb_send

    pre_dynamodb_send.connect(_observe_sender)
