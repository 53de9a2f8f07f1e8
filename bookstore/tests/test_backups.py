"""bookstore/backups.py and the backup_tables / move_tenant commands: point-in-time exports and tenant moves.

The emulator (moto 5.2) runs ExportTableToPointInTime and DescribeExport, refuses a table without
point-in-time recovery, and writes each export's items to S3 as DynamoDB JSON under
`{prefix}/AWSDynamoDB/{id}/data/`. It ignores ExportTime (it copies the table as it is when the
export runs) and writes none of AWS's manifest files; docs/operations/backups-and-tenant-moves.md
lists what that leaves unproven.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.core.management import CommandError, call_command

from bookstore import aws
from bookstore.backups import BACKUP_MANIFEST, BACKUPS_ROOT
from bookstore.dynamodb.base import connection
from bookstore.dynamodb.exports import decode_item, encode_item, logical_name
from bookstore.dynamodb.registry import registered_models
from bookstore.dynamodb.tenant_fields import NotExported, TenantOwned, tenancy_of

FRESH_PREFIX = "bookstore-moved-"
# A value of every DynamoDB type: an export writes them as DynamoDB JSON (binary in base64), the move reads them back.
TYPED_ATTRIBUTES = {
    "exact_number": {"N": "12345678901234567890.123456789"},
    "nothing": {"NULL": True},
    "flag": {"BOOL": False},
    "blob": {"B": b"\x00\xffbinary\x10"},
    "blobs": {"BS": [b"\x01", b"\x02\x03"]},
    "words": {"SS": ["uno", "dos"]},
    "numbers": {"NS": ["1", "2.5", "-3"]},
    "nested": {"M": {"list": {"L": [{"S": "a"}, {"N": "1.10"}, {"NULL": True}, {"M": {}}]}, "empty": {"S": ""}}},
}


@pytest.fixture
def backup_bucket():
    """The test stage's backup bucket in the emulator, emptied of backups after the test."""
    s3 = aws.client("s3")
    if settings.BACKUP_BUCKET not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=settings.BACKUP_BUCKET)
    yield settings.BACKUP_BUCKET
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.BACKUP_BUCKET):
        for entry in page.get("Contents", []):
            s3.delete_object(Bucket=settings.BACKUP_BUCKET, Key=entry["Key"])


@pytest.fixture
def pitr(backup_bucket):
    """Point-in-time recovery on for every table, as the operator's provisioning leaves a stage."""
    dynamodb = aws.client("dynamodb")
    for model in registered_models():
        dynamodb.update_continuous_backups(
            TableName=model.Meta.table_name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    return dynamodb


@pytest.fixture
def shop(tenant_factory, user_factory, book_factory, placed_order):
    """`shop(tenant_id)`: a tenant with two books and a customer who bought one of them."""

    def make(tenant_id: str):
        tenant = tenant_factory(tenant_id)
        customer = user_factory(tenant, email=f"ana@{tenant_id}.example.com")
        first = book_factory(tenant)
        book_factory(tenant, title="Rayuela", category="Novel", author="Cortázar")
        placed_order(customer, first, quantity=2)
        return tenant

    return make


@pytest.fixture
def fresh_stage(pitr):
    """Empty tables under another prefix, keyed like this stage's: the target of a move to a new stage."""
    created = []
    for model in registered_models():
        if not isinstance(tenancy_of(model), TenantOwned):
            continue
        source = pitr.describe_table(TableName=model.Meta.table_name)["Table"]
        keys = {k["AttributeName"] for k in source["KeySchema"]}
        name = f"{FRESH_PREFIX}{logical_name(model)}"
        pitr.create_table(
            TableName=name,
            KeySchema=source["KeySchema"],
            AttributeDefinitions=[d for d in source["AttributeDefinitions"] if d["AttributeName"] in keys],
            BillingMode="PAY_PER_REQUEST",
        )
        created.append(name)
    yield FRESH_PREFIX
    for name in created:
        pitr.delete_table(TableName=name)


def backup_now(capsys) -> str:
    """Run backup_tables and return the backup's id (the last path segment it prints)."""
    call_command("backup_tables", poll_seconds=0.01)
    uri = capsys.readouterr().out.strip().rsplit(" to ", 1)[1]
    return uri.rsplit("/", 1)[1]


def items_of(prefix: str) -> dict[str, list[str]]:
    """Every item of the tenant-owned tables under `prefix`, by logical name, as sorted canonical lines."""
    dynamodb = aws.client("dynamodb")
    found = {}
    for model in registered_models():
        if isinstance(tenancy_of(model), TenantOwned):
            name = logical_name(model)
            pages = dynamodb.get_paginator("scan").paginate(TableName=f"{prefix}{name}", ConsistentRead=True)
            found[name] = sorted(encode_item(item) for page in pages for item in page["Items"])
    return found


def renamed(lines: dict[str, list[str]], *, old: str, new: str) -> dict[str, list[str]]:
    """`old`'s items of `lines`, renamed to `new` by each table's own rule (what a move must write)."""
    models = {logical_name(m): m for m in registered_models()}
    result = {}
    for name, table_lines in lines.items():
        tenancy = tenancy_of(models[name])
        items = [decode_item(line) for line in table_lines]
        result[name] = sorted(
            encode_item(tenancy.renamed(item, old=old, new=new)) for item in items if tenancy.tenant_of(item) == old
        )
    return result


def strings_in(lines: dict[str, list[str]]):
    """Every string value of every item (keys, attributes, nested), for looking for a tenant's name."""

    def walk(value):
        if isinstance(value, dict):
            for inner in value.values():
                yield from walk(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from walk(inner)
        elif isinstance(value, str):
            yield value

    for table_lines in lines.values():
        for line in table_lines:
            yield from walk(json.loads(line))


# --- The round trip -------------------------------------------------------------------------


def test_a_tenant_moves_renamed_from_a_point_in_time_backup_into_a_fresh_stage(
    shop, pitr, fresh_stage, book_factory, capsys
):
    tenant1 = shop("tenant1")
    shop("tenant2")
    users = next(m for m in registered_models() if logical_name(m) == "users").Meta.table_name
    aws.client("dynamodb").put_item(
        TableName=users, Item={"pk": {"S": "tenant1#typed"}, "sk": {"S": "USER#typed"}, **TYPED_ATTRIBUTES}
    )
    at_backup = items_of(settings.DYNAMODB_TABLE_PREFIX)
    backup = backup_now(capsys)
    book_factory(tenant1, title="Written after the backup")  # the move reads the backup, not the live tables

    call_command("move_tenant", backup=backup, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage)

    moved = items_of(fresh_stage)
    assert moved == renamed(at_backup, old="tenant1", new="moved-shop")
    seeded = {"tenants", "users", "unique_keys", "books", "book_facets", "purchases"}
    assert {name for name, lines in moved.items() if lines} >= seeded
    text = json.dumps(moved)
    assert "tenant2" not in text
    old_names = [s for s in strings_in(moved) if s == "tenant1" or s.startswith(("tenant1#", "TENANT#tenant1"))]
    assert old_names == []
    assert "Written after the backup" not in text
    typed = next(json.loads(line) for line in moved["users"] if '"moved-shop#typed"' in line)
    assert typed["exact_number"] == {"N": "12345678901234567890.123456789"}
    assert typed["blob"] == {"B": "AP9iaW5hcnkQ"}  # canonical lines hold binary in base64
    assert "Wrote" in capsys.readouterr().out


def test_an_interrupted_move_leaves_no_tenant_behind_and_a_re_run_finishes_it(shop, pitr, fresh_stage, capsys):
    shop("tenant1")
    at_backup = items_of(settings.DYNAMODB_TABLE_PREFIX)
    backup = backup_now(capsys)
    client = connection().client

    def fail_the_users_write(params, **kwargs):
        # Fault injection: the connection drops when the move writes `users` (after `tenants` by name).
        if f"{fresh_stage}users" in params["RequestItems"]:
            raise EndpointConnectionError(endpoint_url="http://emulator")

    client.meta.events.register("before-parameter-build.dynamodb.BatchWriteItem", fail_the_users_write)
    try:
        with pytest.raises(EndpointConnectionError):
            call_command("move_tenant", backup=backup, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage)
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb.BatchWriteItem", fail_the_users_write)
    interrupted = items_of(fresh_stage)
    assert any(interrupted.values())
    assert interrupted["tenants"] == []  # the registry goes last: no half-moved tenant exists

    by_location = f"s3://{settings.BACKUP_BUCKET}/{BACKUPS_ROOT}/{backup}"
    call_command("move_tenant", backup=by_location, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage)
    assert items_of(fresh_stage) == renamed(at_backup, old="tenant1", new="moved-shop")


def test_a_backup_records_one_export_time_for_every_table_in_the_stages_bucket(shop, pitr, backup_bucket, capsys):
    shop("tenant1")
    backup = backup_now(capsys)

    key = f"{BACKUPS_ROOT}/{backup}/{BACKUP_MANIFEST}"
    manifest = json.loads(aws.client("s3").get_object(Bucket=backup_bucket, Key=key)["Body"].read())
    export_time = datetime.fromisoformat(manifest["export_time"])
    assert manifest["stage"] == "test"
    assert manifest["export_format"] == "DYNAMODB_JSON"
    assert datetime.strptime(backup, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == export_time
    assert set(manifest["tables"]) == {
        logical_name(m) for m in registered_models() if not isinstance(tenancy_of(m), NotExported)
    }
    users = manifest["tables"]["users"]
    assert users["status"] == "COMPLETED"
    assert users["item_count"] == 1
    assert users["s3_prefix"] == f"{BACKUPS_ROOT}/{backup}/users"
    assert all(f["key"].startswith(f"{BACKUPS_ROOT}/{backup}/users/AWSDynamoDB/") for f in users["data_files"])
    assert len({t["export_arn"] for t in manifest["tables"].values()}) == len(manifest["tables"])

    with pytest.raises(CommandError, match="A finished backup with this export time is already in the bucket"):
        call_command("backup_tables", export_time=export_time)


# --- Refusals: clear errors, nothing written -------------------------------------------------


def backup_objects(bucket: str) -> list[str]:
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{BACKUPS_ROOT}/")
    return [entry["Key"] for page in pages for entry in page.get("Contents", [])]


@pytest.mark.parametrize(
    "export_time", [datetime(2020, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(hours=1)], ids=["past", "future"]
)
def test_an_export_time_outside_the_recovery_window_is_refused_before_any_export(pitr, backup_bucket, export_time):
    with pytest.raises(CommandError, match="outside the point-in-time recovery window"):
        call_command("backup_tables", export_time=export_time)
    assert backup_objects(backup_bucket) == []


def test_a_table_without_point_in_time_recovery_is_named_and_nothing_is_exported(pitr, backup_bucket):
    books = next(m for m in registered_models() if logical_name(m) == "books").Meta.table_name
    pitr.update_continuous_backups(
        TableName=books, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    try:
        with pytest.raises(CommandError, match=f"Point-in-time recovery is off on some tables.*{books}"):
            call_command("backup_tables")
    finally:
        pitr.update_continuous_backups(
            TableName=books, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    assert backup_objects(backup_bucket) == []


def refuse_the_export_time(**kwargs):
    # DynamoDB's own refusal (e.g. a clock ahead of AWS's), which the emulator never gives.
    error = {"Error": {"Code": "InvalidExportTimeException", "Message": "outside the PITR window"}}
    return AWSResponse("http://emulator", 400, {}, None), error


def fail_the_books_export(parsed, **kwargs):
    # An export that DynamoDB gave up on (e.g. the bucket refused its writes).
    if parsed["ExportDescription"]["TableArn"].endswith("-books"):
        parsed["ExportDescription"].update(ExportStatus="FAILED", FailureMessage="Access Denied")


def report_another_export_time(parsed, **kwargs):
    # AWS reports each export's ExportTime (the emulator does not): one that differs is not this backup.
    parsed["ExportDescription"]["ExportTime"] = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event", "hook", "message"),
    [
        ("before-call.dynamodb.ExportTableToPointInTime", refuse_the_export_time, "outside the point-in-time"),
        ("after-call.dynamodb.DescribeExport", fail_the_books_export, "could not finish.*books: Access Denied"),
        ("after-call.dynamodb.DescribeExport", report_another_export_time, "exported as of 2026-01-01T00:00:00"),
    ],
    ids=["export-time-refused-by-dynamodb", "an-export-failed", "another-export-time"],
)
def test_what_dynamodb_refuses_or_fails_records_no_backup(pitr, backup_bucket, event, hook, message):
    client = aws.client("dynamodb")
    client.meta.events.register(event, hook)
    try:
        with pytest.raises(CommandError, match=message):
            call_command("backup_tables", poll_seconds=0.01)
    finally:
        client.meta.events.unregister(event, hook)
    assert [key for key in backup_objects(backup_bucket) if key.endswith(BACKUP_MANIFEST)] == []


def test_a_backup_into_a_bucket_nobody_created_is_refused(pitr, settings):
    settings.BACKUP_BUCKET = "bookstore-backups-nowhere"
    with pytest.raises(CommandError, match="The backup bucket does not exist"):
        call_command("backup_tables")


@pytest.mark.parametrize(
    ("backup", "message"),
    [("20200101T000000Z", "No finished backup there"), ("last-tuesday", "Name a backup by its id")],
)
def test_an_unknown_or_misnamed_backup_is_refused(backup_bucket, backup, message):
    with pytest.raises(CommandError, match=message):
        call_command("move_tenant", backup=backup, tenant="tenant1")


def test_a_damaged_backup_or_an_existing_target_tenant_is_refused_and_nothing_is_written(
    shop, pitr, backup_bucket, fresh_stage, capsys
):
    shop("tenant1")
    backup = backup_now(capsys)

    with pytest.raises(CommandError, match="The tenant to move is not in the backup"):
        call_command("move_tenant", backup=backup, tenant="nobody", to="moved-shop", table_prefix=fresh_stage)
    with pytest.raises(CommandError, match="The target tenant already exists"):
        call_command("move_tenant", backup=backup, tenant="tenant1")  # into this stage, where tenant1 lives
    call_command(
        "move_tenant", backup=backup, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage, dry_run=True
    )
    assert "Would write" in capsys.readouterr().out
    assert not any(items_of(fresh_stage).values())
    with pytest.raises(CommandError, match="A target table does not exist"):
        call_command("move_tenant", backup=backup, tenant="tenant1", table_prefix="bookstore-nowhere-")

    s3, manifest_key = aws.client("s3"), f"{BACKUPS_ROOT}/{backup}/{BACKUP_MANIFEST}"
    manifest = json.loads(s3.get_object(Bucket=backup_bucket, Key=manifest_key)["Body"].read())
    manifest["tables"]["gadgets"] = manifest["tables"]["books"]
    s3.put_object(Bucket=backup_bucket, Key=manifest_key, Body=json.dumps(manifest).encode())
    with pytest.raises(CommandError, match="names a table this code does not register"):
        call_command("move_tenant", backup=backup, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage)
    del manifest["tables"]["gadgets"]
    s3.put_object(Bucket=backup_bucket, Key=manifest_key, Body=json.dumps(manifest).encode())

    books_file = next(key for key in backup_objects(backup_bucket) if f"/{backup}/books/" in key and "/data/" in key)
    aws.client("s3").delete_object(Bucket=backup_bucket, Key=books_file)
    with pytest.raises(CommandError, match="differ from its manifest"):
        call_command("move_tenant", backup=backup, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage)
    assert not any(items_of(fresh_stage).values())

    s3.put_object(Bucket=backup_bucket, Key=manifest_key, Body=b"{not json")
    with pytest.raises(CommandError, match=r"differ from its manifest.*unreadable"):
        call_command("move_tenant", backup=backup, tenant="tenant1", to="moved-shop", table_prefix=fresh_stage)
