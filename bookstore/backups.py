"""Production backups with DynamoDB's own point-in-time exports, and tenant moves that read them.

A backup is one `ExportTableToPointInTime` per exportable table, every one with the same
`ExportTime`, into the stage's backup bucket (`BACKUP_BUCKET`) under `dynamodb/{backup_id}/`:

    dynamodb/20261202T101500Z/backup-manifest.json        written last: the backup is finished
    dynamodb/20261202T101500Z/{table}/AWSDynamoDB/{export id}/data/*.json.gz       (and AWS's own
    dynamodb/20261202T101500Z/{table}/AWSDynamoDB/{export id}/manifest-*.json       manifests)

DynamoDB takes each table's state at `ExportTime` from its point-in-time recovery log, so every
table of a backup shows the same instant of the stage, whatever was written while the exports
ran: a checkout is either in the books, stock, purchases and idempotency tables of the backup
together, or in none of them. `backup-manifest.json` records the export time, each table's
export ARN, item count, key schema and data files (key, size, ETag).

A tenant move reads such a backup's data files (DynamoDB JSON: one `{"Item": {...}}` per line,
gzipped), keeps one tenant's items, renames them if asked (the rules of
`bookstore/dynamodb/tenant_fields.py`) and puts them into this stage's tables with
BatchWriteItem. AWS's `ImportTable` only creates new tables, and the target of a move is a
stage's existing, live tables holding other tenants, so the move writes items.
"""

import gzip
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pynamodb.models import Model

from bookstore.aws import client
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.exports import (
    ExportError,
    Progress,
    batch_write,
    exportable_models,
    item_from_json,
    logical_name,
    no_progress,
    parse_rename,
)
from bookstore.dynamodb.registry import registered_models
from bookstore.dynamodb.tenant_fields import Item, NotExported, StageOwned, TenantOwned, tenancy_of
from bookstore.errors import ApplicationError, ErrorCode
from bookstore.models import Tenant
from bookstore.tenants import tenant_id_is_valid

BACKUP_FORMAT = 1
BACKUP_MANIFEST = "backup-manifest.json"
BACKUPS_ROOT = "dynamodb"
BACKUP_ID_FORMAT = "%Y%m%dT%H%M%SZ"
EXPORT_FORMAT = "DYNAMODB_JSON"  # the reader below parses DynamoDB JSON, not Amazon Ion
POLL_SECONDS = 10.0  # an export of a small table takes minutes on AWS
MOVE_CHUNK = 500  # items held in memory per table while moving


class BackupError(ErrorCode):
    PITR_OFF = (
        "backup_pitr_off",
        400,
        _("Point-in-time recovery is off on some tables: turn it on (the operator's provisioning) and retry."),
    )
    EXPORT_TIME = (
        "backup_export_time_outside_window",
        400,
        _("The export time is outside the point-in-time recovery window of some tables."),
    )
    EXISTS = ("backup_exists", 409, _("A finished backup with this export time is already in the bucket."))
    NO_BUCKET = (
        "backup_bucket_missing",
        400,
        _("The backup bucket does not exist: the operator creates it once per stage."),
    )
    EXPORT_FAILED = ("backup_export_failed", 503, _("DynamoDB could not finish some exports; no backup was recorded."))
    NOT_FOUND = ("backup_not_found", 404, _("No finished backup there (no backup-manifest.json)."))
    DAMAGED = ("backup_damaged", 400, _("The backup's files differ from its manifest; nothing was written."))
    BAD_LOCATION = ("backup_bad_location", 400, _("Name a backup by its id (20261202T101500Z) or s3://bucket/prefix."))
    BAD_TENANT = ("backup_bad_tenant", 400, _("The tenant to move is not a valid tenant id."))
    TENANT_MISSING = ("backup_tenant_missing", 404, _("The tenant to move is not in the backup's registry of tenants."))
    TARGET_EXISTS = (
        "backup_target_tenant_exists",
        409,
        _("The target tenant already exists in this stage; pass --into-existing to write over it."),
    )


# --- Where a backup lives -------------------------------------------------------------------


@dataclass(frozen=True)
class BackupLocation:
    bucket: str
    prefix: str  # no trailing slash

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def manifest_key(self) -> str:
        return f"{self.prefix}/{BACKUP_MANIFEST}"

    def table_prefix(self, table: str) -> str:
        return f"{self.prefix}/{table}"


def backup_id(export_time: datetime) -> str:
    """A backup's id: its export time, e.g. `20261202T101500Z`."""
    return export_time.astimezone(UTC).strftime(BACKUP_ID_FORMAT)


def backup_location(name: str) -> BackupLocation:
    """`s3://bucket/prefix`, or a backup id in this stage's bucket (`BACKUP_BUCKET`)."""
    if name.startswith("s3://"):
        bucket, _, prefix = name.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        if not bucket or not prefix:
            raise ApplicationError(BackupError.BAD_LOCATION, details={"backup": [name]})
        return BackupLocation(bucket=bucket, prefix=prefix)
    try:
        datetime.strptime(name, BACKUP_ID_FORMAT)
    except ValueError as exc:
        raise ApplicationError(BackupError.BAD_LOCATION, details={"backup": [name]}) from exc
    return BackupLocation(bucket=settings.BACKUP_BUCKET, prefix=f"{BACKUPS_ROOT}/{name}")


# --- Taking a backup ------------------------------------------------------------------------


@dataclass
class TableBackup:
    table: str
    table_arn: str
    export_arn: str
    s3_prefix: str
    key_schema: list[dict[str, str]]
    status: str = "IN_PROGRESS"
    reported_export_time: str | None = None  # DynamoDB's own ExportTime of this export, where it reports one
    item_count: int = 0
    failure: str | None = None
    data_files: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Backup:
    location: BackupLocation
    export_time: datetime
    stage: str
    tables: dict[str, TableBackup]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": BACKUP_FORMAT,
            "stage": self.stage,
            "export_time": self.export_time.isoformat(),
            "bucket": self.location.bucket,
            "prefix": self.location.prefix,
            "export_format": EXPORT_FORMAT,
            "tables": {name: {k: v for k, v in t.__dict__.items() if k != "table"} for name, t in self.tables.items()},
        }


def _key_schema(description: dict[str, Any]) -> list[dict[str, str]]:
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    return [
        {"name": k["AttributeName"], "key_type": k["KeyType"], "type": types[k["AttributeName"]]}
        for k in description["KeySchema"]
    ]


def _whole_second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _check_recovery_windows(models: list[type[Model]], export_time: datetime) -> None:
    """Refuse before any export starts: PITR off on a table, or `export_time` outside a table's window.

    A table's window runs from its EarliestRestorableDateTime to now (an export may name the
    present; a restore stops at LatestRestorableDateTime, about five minutes ago). Compared
    to the second, the granularity of both.
    """
    dynamodb = client("dynamodb")
    off, earliest = [], []
    for model in models:
        description = dynamodb.describe_continuous_backups(TableName=model.Meta.table_name)
        recovery = description["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
        if recovery.get("PointInTimeRecoveryStatus") != "ENABLED":
            off.append(model.Meta.table_name)
        elif recovery.get("EarliestRestorableDateTime"):
            earliest.append(_whole_second(recovery["EarliestRestorableDateTime"]))
    if off:
        raise ApplicationError(BackupError.PITR_OFF, details={"tables": off})
    opens, closes = max(earliest, default=export_time), _whole_second(now())
    if not opens <= export_time <= closes:
        raise ApplicationError(
            BackupError.EXPORT_TIME,
            details={"export_time": [export_time.isoformat()], "window": [opens.isoformat(), closes.isoformat()]},
        )


def _client_token(location: BackupLocation, table: str) -> str:
    # The same backup of the same table is the same export: a re-run within AWS's 8 hours resumes it.
    return hashlib.sha256(f"{location.uri}/{table}".encode()).hexdigest()[:36]


def _start_export(model: type[Model], *, location: BackupLocation, export_time: datetime) -> TableBackup:
    from botocore.exceptions import ClientError

    dynamodb = client("dynamodb")
    name = logical_name(model)
    description = dynamodb.describe_table(TableName=model.Meta.table_name)["Table"]
    prefix = location.table_prefix(name)
    try:
        started = dynamodb.export_table_to_point_in_time(
            TableArn=description["TableArn"],
            ExportTime=export_time,
            S3Bucket=location.bucket,
            S3Prefix=prefix,
            ExportFormat=EXPORT_FORMAT,
            ExportType="FULL_EXPORT",
            ClientToken=_client_token(location, name),
        )["ExportDescription"]
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code == "InvalidExportTimeException":
            raise ApplicationError(
                BackupError.EXPORT_TIME, details={"export_time": [export_time.isoformat()], "table": [name]}
            ) from exc
        if code == "PointInTimeRecoveryUnavailableException":
            raise ApplicationError(BackupError.PITR_OFF, details={"tables": [model.Meta.table_name]}) from exc
        raise
    return TableBackup(
        table=name,
        table_arn=description["TableArn"],
        export_arn=started["ExportArn"],
        s3_prefix=prefix,
        key_schema=_key_schema(description),
    )


def _s3_objects(bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    for page in client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


def _data_files(location: BackupLocation, table: str) -> list[dict[str, Any]]:
    """The data objects of the one export under a table's prefix: `AWSDynamoDB/{export id}/data/*`."""
    root = f"{location.table_prefix(table)}/AWSDynamoDB/"
    files, exports = [], set()
    for entry in _s3_objects(location.bucket, root):
        export_id, _, rest = entry["Key"].removeprefix(root).partition("/")
        if rest.startswith("data/"):
            exports.add(export_id)
            files.append({"key": entry["Key"], "size": entry["Size"], "etag": entry["ETag"]})
    if len(exports) > 1:
        raise ApplicationError(
            BackupError.DAMAGED, details={"reason": [f"{root} holds {len(exports)} exports; a backup holds one"]}
        )
    return sorted(files, key=lambda f: f["key"])


def _check_no_backup_at(location: BackupLocation) -> None:
    """The bucket exists and holds no finished backup at this location."""
    from botocore.exceptions import ClientError

    try:
        finished = list(_s3_objects(location.bucket, location.manifest_key))
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchBucket":
            raise ApplicationError(BackupError.NO_BUCKET, details={"bucket": [location.bucket]}) from exc
        raise
    if finished:
        raise ApplicationError(BackupError.EXISTS, details={"backup": [location.uri]})


def backup_create(
    *,
    export_time: datetime | None = None,
    tables: list[str] | None = None,
    poll_seconds: float = POLL_SECONDS,
    progress: Progress = no_progress,
    sleep: Callable[[float], None] = time.sleep,
) -> Backup:
    """Export every exportable table (or `tables`) at one `export_time` (default: now), wait, record the backup.

    Refuses before starting anything when PITR is off on a table or the time is outside a
    table's recovery window. Waits for every export (DescribeExport every `poll_seconds`),
    then writes `backup-manifest.json` last; a failed export raises `backup_export_failed`
    and no manifest is written. The exports run in DynamoDB and read no capacity.
    """
    models = exportable_models(tables)
    export_time = _whole_second(export_time or now())
    location = backup_location(backup_id(export_time))
    _check_recovery_windows(models, export_time)
    _check_no_backup_at(location)

    started = {logical_name(m): _start_export(m, location=location, export_time=export_time) for m in models}
    dynamodb = client("dynamodb")
    with progress("exports", len(started)) as bar:
        pending = dict(started)
        while pending:
            for name, table in list(pending.items()):
                described = dynamodb.describe_export(ExportArn=table.export_arn)["ExportDescription"]
                table.status = described["ExportStatus"]
                if table.status == "IN_PROGRESS":
                    continue
                table.item_count = int(described.get("ItemCount") or 0)
                table.failure = described.get("FailureMessage")
                if described.get("ExportTime"):
                    table.reported_export_time = _whole_second(described["ExportTime"]).isoformat()
                    if table.reported_export_time != export_time.isoformat():
                        table.status = "FAILED"
                        table.failure = f"exported as of {table.reported_export_time}, not {export_time.isoformat()}"
                del pending[name]
                bar.update(1)
            if pending:
                sleep(poll_seconds)
    failed = {name: t.failure or t.status for name, t in started.items() if t.status != "COMPLETED"}
    if failed:
        raise ApplicationError(BackupError.EXPORT_FAILED, details={"tables": [f"{n}: {m}" for n, m in failed.items()]})
    for name, table in started.items():
        table.data_files = _data_files(location, name)
    backup = Backup(location=location, export_time=export_time, stage=settings.STAGE, tables=started)
    client("s3").put_object(
        Bucket=location.bucket,
        Key=location.manifest_key,
        Body=json.dumps(backup.as_json(), indent=2, sort_keys=True).encode(),
        ContentType="application/json",
    )
    return backup


# --- Reading a backup -----------------------------------------------------------------------


def _damaged(reason: str) -> ApplicationError:
    return ApplicationError(BackupError.DAMAGED, details={"reason": [reason]})


def backup_read(location: BackupLocation) -> Backup:
    """The backup recorded at `location`; `backup_not_found` when no finished backup is there."""
    from botocore.exceptions import ClientError

    try:
        body = client("s3").get_object(Bucket=location.bucket, Key=location.manifest_key)["Body"].read()
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchKey", "NoSuchBucket", "404"):
            raise ApplicationError(BackupError.NOT_FOUND, details={"backup": [location.uri]}) from exc
        raise
    try:
        data = json.loads(body)
        if data["format"] != BACKUP_FORMAT:
            raise ValueError(f"unsupported format {data['format']!r}")
        tables = {name: TableBackup(table=name, **entry) for name, entry in data["tables"].items()}
        export_time = datetime.fromisoformat(data["export_time"])
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(f"{location.manifest_key} is unreadable: {exc}") from exc
    return Backup(location=location, export_time=export_time, stage=data["stage"], tables=tables)


def _verify(backup: Backup, models: dict[str, type[Model]], *, table_prefix: str) -> None:
    """Every table known and present in the target with the same key schema; every data file as recorded."""
    dynamodb = client("dynamodb")
    unknown = sorted(set(backup.tables) - set(models))
    if unknown:
        raise ApplicationError(ExportError.UNKNOWN_TABLE, details={"tables": unknown})
    for name, table in sorted(backup.tables.items()):
        if isinstance(tenancy_of(models[name]), NotExported | StageOwned):
            continue
        try:
            description = dynamodb.describe_table(TableName=f"{table_prefix}{name}")["Table"]
        except dynamodb.exceptions.ResourceNotFoundException as exc:
            raise ApplicationError(ExportError.MISSING_TABLE, details={"tables": [f"{table_prefix}{name}"]}) from exc
        if _key_schema(description) != table.key_schema:
            raise ApplicationError(ExportError.SCHEMA_MISMATCH, details={"tables": [name]})
        found = {f["key"]: f for f in _data_files(backup.location, name)}
        for recorded in table.data_files:
            present = found.get(recorded["key"])
            if present is None or (present["size"], present["etag"]) != (recorded["size"], recorded["etag"]):
                raise _damaged(f"{recorded['key']} is missing or differs from the manifest")


def _items(location: BackupLocation, table: TableBackup) -> Iterator[Item]:
    s3 = client("s3")
    for data_file in table.data_files:
        body = s3.get_object(Bucket=location.bucket, Key=data_file["key"])["Body"]
        with gzip.GzipFile(fileobj=body) as lines:
            for line in lines:
                if line.strip():
                    yield item_from_json(json.loads(line)["Item"])


@dataclass
class TenantMove:
    backup: Backup
    tenant: str
    target: str
    written: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


def tenant_move_from_backup(
    *,
    location: BackupLocation,
    tenant_id: str,
    new_tenant_id: str | None = None,
    table_prefix: str | None = None,
    into_existing: bool = False,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> TenantMove:
    """Put one tenant's items of a backup into this stage's tables (or `table_prefix`'s), as `new_tenant_id` if given.

    Verifies the whole backup first (manifest, data files, target tables and key schemas, the
    tenant in the backup's registry) and writes nothing if any of it is wrong, nor when the
    target tenant already exists here (unless `into_existing`: writing over a live tenant on
    purpose). The tenant's registry item is written last, so the tenant exists here, and its
    users can log in, only once every other item is in: an interrupted move is re-run as it
    was. Puts are whole items, so a re-run ends in the same state. Stage-owned tables
    (rate-limit windows, parked stream records) and stream checkpoints stay behind.
    """
    if not tenant_id_is_valid(tenant_id):
        raise ApplicationError(BackupError.BAD_TENANT, details={"tenant": [tenant_id]})
    if new_tenant_id is not None:
        parse_rename(f"{tenant_id}:{new_tenant_id}")  # valid, and different
    target = new_tenant_id or tenant_id
    prefix = settings.DYNAMODB_TABLE_PREFIX if table_prefix is None else table_prefix
    backup = backup_read(location)
    models = {logical_name(m): m for m in registered_models()}
    _verify(backup, models, table_prefix=prefix)
    registry = logical_name(Tenant)
    if registry not in backup.tables or not any(
        tenancy_of(Tenant).tenant_of(item) == tenant_id for item in _items(backup.location, backup.tables[registry])
    ):
        raise ApplicationError(BackupError.TENANT_MISSING, details={"tenant": [tenant_id], "backup": [location.uri]})
    existing = client("dynamodb").get_item(
        TableName=f"{prefix}{registry}",
        Key={"pk": {"S": Tenant.key(target)}, "sk": {"S": Tenant.SORT_KEY}},
        ConsistentRead=True,
    )
    if "Item" in existing and not into_existing:
        raise ApplicationError(BackupError.TARGET_EXISTS, details={"tenant": [target]})

    move = TenantMove(backup=backup, tenant=tenant_id, target=target, dry_run=dry_run)
    # The registry last: the tenant appears here only once all of its items are in.
    for name in sorted(backup.tables, key=lambda n: (n == registry, n)):
        tenancy = tenancy_of(models[name])
        if isinstance(tenancy, TenantOwned):
            move.written[name] = _move_table(
                backup.location,
                backup.tables[name],
                tenancy,
                old=tenant_id,
                new=new_tenant_id,
                table_name=f"{prefix}{name}",
                dry_run=dry_run,
                progress=progress,
            )
    return move


def _move_table(
    location: BackupLocation,
    table: TableBackup,
    tenancy: TenantOwned,
    *,
    old: str,
    new: str | None,
    table_name: str,
    dry_run: bool,
    progress: Progress,
) -> int:
    """Put `old`'s items of one exported table into `table_name` (renamed to `new` if given); the count put."""
    written = read = 0
    with progress(table.table, table.item_count) as bar:
        chunk: list[Item] = []
        for item in _items(location, table):
            read += 1
            bar.update(1)
            if tenancy.tenant_of(item) != old:
                continue
            chunk.append(tenancy.renamed(item, old=old, new=new) if new else item)
            if len(chunk) == MOVE_CHUNK:
                written += _put(table_name, chunk, dry_run=dry_run)
                chunk = []
        written += _put(table_name, chunk, dry_run=dry_run)
    if read != table.item_count:
        raise _damaged(f"{table.table}: {read} items in the data files, the export says {table.item_count}")
    return written


def _put(table_name: str, items: list[Item], *, dry_run: bool) -> int:
    if items and not dry_run:
        batch_write(table_name, items)
    return len(items)
