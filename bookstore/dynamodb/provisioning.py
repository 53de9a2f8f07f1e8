"""Bring every registered table to what its model declares: created if missing, repaired if it differs.

The models are the one declaration of the tables (keys, indexes, TTL attribute, stream view
type). `tables_provision` creates a missing table from it (with the SSE key `DYNAMODB_SSE`
names), and on an existing table repairs what can change in place, one change per call as
DynamoDB requires, waiting for the table to be ACTIVE between changes:

- a missing global secondary index (UpdateTable, one index per call, then its backfill);
- a missing stream (UpdateTable StreamSpecification);
- TTL on the model's TTL attribute (UpdateTimeToLive; AWS accepts one TTL change per table per
  hour, so a change refused for that is reported as pending, for the next run);
- point-in-time recovery and deletion protection, when asked (a deployed stage asks for both).

What cannot change in place (keys, a different stream view type, a TTL on another attribute)
is reported as a conflict, never changed: it would need a new table or a new stream ARN.
Running it twice changes nothing the second time: every change is read first.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pynamodb.models import Model

from bookstore.dynamodb.registry import registered_models

ACTIVE = "ACTIVE"
WAIT_SECONDS = 2


@dataclass
class TablesProvisioned:
    """What `tables_provision` did, as `table: change` lines."""

    created: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # refused for now by AWS (TTL's hourly limit, PITR warming)
    conflicts: list[str] = field(default_factory=list)  # differs in a way only a new table fixes


def _client(model: type[Model]):
    return model._get_connection().connection.client


def _wait_active(client, table: str) -> dict:
    """The table's description once it and all its indexes are ACTIVE (no limit: the operator waits)."""
    while True:
        description = client.describe_table(TableName=table)["Table"]
        indexes = description.get("GlobalSecondaryIndexes", [])
        if description["TableStatus"] == ACTIVE and all(i.get("IndexStatus", ACTIVE) == ACTIVE for i in indexes):
            return description
        time.sleep(WAIT_SECONDS)


def _create(model: type[Model]) -> None:
    from bookstore.encryption import tables_created_with_sse

    with tables_created_with_sse([_client(model)]):
        model.create_table(wait=True)  # PynamoDB sets TTL after the wait; a killed run is repaired next time


def _missing_indexes(model: type[Model], description: dict) -> list[dict]:
    """The declared GSIs the table lacks, as UpdateTable `Create` entries."""
    declared = model._get_schema()["global_secondary_indexes"]
    present = {index["IndexName"] for index in description.get("GlobalSecondaryIndexes", [])}
    creates = []
    for index in declared:
        if index["index_name"] in present:
            continue
        create = {"IndexName": index["index_name"], "KeySchema": index["key_schema"], "Projection": index["projection"]}
        creates.append(create)
    return creates


def _attribute_definitions(model: type[Model]) -> list[dict]:
    return model._get_schema()["attribute_definitions"]


def _repair(
    model: type[Model], report: TablesProvisioned, *, point_in_time_recovery: bool, deletion_protection: bool
) -> None:
    client = _client(model)
    table = model.Meta.table_name
    description = _wait_active(client, table)

    for create in _missing_indexes(model, description):
        client.update_table(
            TableName=table,
            AttributeDefinitions=_attribute_definitions(model),
            GlobalSecondaryIndexUpdates=[{"Create": create}],
        )
        report.repaired.append(f"{table}: index {create['IndexName']} created")
        description = _wait_active(client, table)

    view_type = getattr(model.Meta, "stream_view_type", None)
    stream = description.get("StreamSpecification") or {}
    if view_type and not stream.get("StreamEnabled"):
        client.update_table(TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
        report.repaired.append(f"{table}: stream {view_type} enabled")
        description = _wait_active(client, table)
    elif view_type and stream.get("StreamViewType") != view_type:
        report.conflicts.append(f"{table}: stream is {stream.get('StreamViewType')}, the model declares {view_type}")

    if deletion_protection and not description.get("DeletionProtectionEnabled"):
        client.update_table(TableName=table, DeletionProtectionEnabled=True)
        report.repaired.append(f"{table}: deletion protection enabled")
        description = _wait_active(client, table)

    ttl_attribute = model._ttl_attribute()
    if ttl_attribute:
        _repair_ttl(client, table, ttl_attribute.attr_name, report)

    if point_in_time_recovery:
        _repair_pitr(client, table, report)


def _repair_ttl(client, table: str, attribute: str, report: TablesProvisioned) -> None:
    current = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    status, name = current.get("TimeToLiveStatus"), current.get("AttributeName")
    if status in ("ENABLED", "ENABLING") and name == attribute:
        return
    if status in ("ENABLED", "ENABLING"):
        report.conflicts.append(f"{table}: TTL is on {name}, the model declares {attribute}")
        return
    if status == "DISABLING":  # the hour after a change: AWS refuses another one
        report.pending.append(f"{table}: TTL is being disabled; run again after an hour to enable it on {attribute}")
        return
    try:
        client.update_time_to_live(
            TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
        )
    except client.exceptions.ClientError as error:
        if error.response["Error"]["Code"] != "ValidationException":
            raise
        report.pending.append(f"{table}: TTL on {attribute} refused for now ({error.response['Error']['Message']})")
        return
    report.repaired.append(f"{table}: TTL enabled on {attribute}")


def _repair_pitr(client, table: str, report: TablesProvisioned) -> None:
    backups = client.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    status = backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    if status in ("ENABLED", "ENABLING"):
        return
    try:
        client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    except client.exceptions.ContinuousBackupsUnavailableException:  # a table just created: backups not ready yet
        report.pending.append(f"{table}: point-in-time recovery not available yet (a new table); run again")
        return
    report.repaired.append(f"{table}: point-in-time recovery enabled")


def tables_provision(
    *,
    point_in_time_recovery: bool = False,
    deletion_protection: bool = False,
    on_change: Callable[[str], None] = lambda line: None,
) -> TablesProvisioned:
    """Create the missing tables and repair the existing ones (see the module docstring); idempotent.

    `point_in_time_recovery` and `deletion_protection` are required on when true, left as they
    are when false (the local stack and the tests turn neither on).
    """
    report = TablesProvisioned()
    for model in registered_models():
        seen = {name: len(getattr(report, name)) for name in ("created", "repaired", "pending", "conflicts")}
        if not model.exists():
            _create(model)
            report.created.append(model.Meta.table_name)
        _repair(model, report, point_in_time_recovery=point_in_time_recovery, deletion_protection=deletion_protection)
        for name, before in seen.items():
            for line in getattr(report, name)[before:]:
                on_change(f"{name}: {line}")
    return report
