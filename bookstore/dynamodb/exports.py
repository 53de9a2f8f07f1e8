"""Export and import of the registered tables: gzipped JSON lines per table and a manifest.

An export holds one `{table}.jsonl.gz` per registered table (logical name, so it can be
imported into another stage) and `manifest.json`: each table's key schema, item count,
file checksum (SHA-256 of the file) and content digest (an order-independent hash of the
items), the time, the stage and the tenant it was limited to. Items are stored in
DynamoDB's own typed JSON (`{"price": {"N": "19.99"}}`), so numbers stay exact decimals and
sets, binary (base64 in the file) and nulls survive as they were.

Export reads with parallel Scan segments: an operations tool, never a request path.
Import verifies the whole export first (checksums, counts, digests, target key schemas)
and writes nothing if any of it is wrong; then it puts every item with BatchWriteItem,
retrying unprocessed items with backoff. Puts are whole-item and keyed, so re-running an
import ends in the same state. `tenant_fields.py` says which items belong to a tenant and
how a rename rewrites them.
"""

import base64
import gzip
import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pynamodb.models import Model

from bookstore.dynamodb.base import connection
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.registry import registered_models
from bookstore.dynamodb.tenant_fields import Item, NotExported, StageOwned, TenantOwned, tenancy_of
from bookstore.errors import ApplicationError, ErrorCode
from bookstore.tenants import tenant_id_is_valid

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SCAN_SEGMENTS = 4
BATCH_WRITE_SIZE = 25  # DynamoDB's limit per BatchWriteItem
IMPORT_CHUNK = 500  # items held in memory per table while importing
WRITE_ATTEMPTS = 8
BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 5.0
DIGEST_MODULUS = 2**256


class ExportError(ErrorCode):
    DAMAGED = ("export_damaged", 400, _("The export is damaged or incomplete; nothing was written."))
    UNKNOWN_TABLE = ("export_unknown_table", 400, _("The export names a table this code does not register."))
    SCHEMA_MISMATCH = ("export_schema_mismatch", 400, _("A table's key schema differs from the target table's."))
    MISSING_TABLE = ("export_missing_table", 400, _("A target table does not exist; run create_tables first."))
    BAD_RENAME = ("export_bad_rename", 400, _("A rename is OLD:NEW, two different valid tenant ids."))
    UNWRITTEN = ("export_unwritten", 503, _("DynamoDB kept refusing some items; re-run the import (it is safe)."))


class Bar(Protocol):
    def update(self, n: int = 1) -> Any: ...


# source(table name, segments) → the table's items as page iterators (default: parallel Scan segments).
Source = Callable[[str, int], Iterator[Iterator[list["Item"]]]]

# progress(table, expected items) → a context manager giving something with .update(n) (a tqdm bar).
Progress = Callable[[str, int | None], AbstractContextManager[Bar]]


class _NoBar:
    def update(self, n: int = 1) -> None:
        return None


def no_progress(table: str, total: int | None) -> AbstractContextManager[Bar]:
    return nullcontext(_NoBar())


# --- Item encoding ------------------------------------------------------------------------


def _encode_value(value: dict[str, Any]) -> dict[str, Any]:
    """A typed value as JSON: binary in base64, sets sorted so that a line is canonical."""
    (kind, inner), *_others = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": sorted(base64.b64encode(b).decode() for b in inner)}
    if kind in ("SS", "NS"):
        return {kind: sorted(inner)}
    if kind == "M":
        return {"M": {k: _encode_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_encode_value(v) for v in inner]}
    return {kind: inner}


def _decode_value(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), *_others = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) for b in inner]}
    if kind == "M":
        return {"M": {k: _decode_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_decode_value(v) for v in inner]}
    return {kind: inner}


def encode_item(item: Item) -> str:
    """One canonical JSON line for a low-level item."""
    encoded = {name: _encode_value(value) for name, value in item.items()}
    return json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def decode_item(line: str) -> Item:
    return item_from_json(json.loads(line))


def item_from_json(data: dict[str, Any]) -> Item:
    """A low-level item from DynamoDB JSON as parsed (binary in base64), e.g. a line of an AWS export."""
    return {name: _decode_value(value) for name, value in data.items()}


def _line_hash(line: str) -> int:
    return int.from_bytes(hashlib.sha256(line.encode()).digest(), "big")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Tables ---------------------------------------------------------------------------------


def logical_name(model: type[Model]) -> str:
    """The table's name without the stage prefix: the name an export uses."""
    return model.Meta.table_name.removeprefix(settings.DYNAMODB_TABLE_PREFIX)


def exportable_models(names: list[str] | None = None) -> list[type[Model]]:
    """The registered models an export carries (optionally only `names`), in name order."""
    models = {logical_name(m): m for m in registered_models() if not isinstance(tenancy_of(m), NotExported)}
    if names is None:
        return list(models.values())
    unknown = sorted(set(names) - set(models))
    if unknown:
        raise ApplicationError(ExportError.UNKNOWN_TABLE, details={"tables": unknown})
    return [models[name] for name in sorted(set(names))]


def _key_schema(table_name: str) -> list[dict[str, str]]:
    description = connection().client.describe_table(TableName=table_name)["Table"]
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    return [
        {"name": k["AttributeName"], "key_type": k["KeyType"], "type": types[k["AttributeName"]]}
        for k in description["KeySchema"]
    ]


def _belongs(model: type[Model], item: Item, tenant_id: str | None) -> bool:
    if tenant_id is None:
        return True
    tenancy = tenancy_of(model)
    return isinstance(tenancy, TenantOwned) and tenancy.tenant_of(item) == tenant_id


# --- Export ---------------------------------------------------------------------------------


@dataclass
class TableExport:
    table: str
    file: str
    count: int
    sha256: str
    content_digest: str
    key_schema: list[dict[str, str]]


@dataclass
class ExportResult:
    directory: Path
    tables: list[TableExport]

    def counts(self) -> dict[str, int]:
        return {t.table: t.count for t in self.tables}


def _scan_segments(table_name: str, segments: int) -> Iterator[Iterator[list[Item]]]:
    client = connection().client

    def segment_pages(segment: int) -> Iterator[list[Item]]:
        kwargs: dict[str, Any] = {"TableName": table_name, "Segment": segment, "TotalSegments": segments}
        while True:
            page = client.scan(**kwargs, ConsistentRead=True)
            yield page["Items"]
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    return (segment_pages(segment) for segment in range(segments))


def _export_table(
    model: type[Model], *, directory: Path, tenant_id: str | None, segments: int, progress: Progress, source: Source
) -> TableExport:
    name = logical_name(model)
    table_name = model.Meta.table_name
    file_name = f"{name}.jsonl.gz"
    expected = connection().client.describe_table(TableName=table_name)["Table"].get("ItemCount")
    lock = threading.Lock()
    totals = {"count": 0, "digest": 0}
    with (
        progress(name, expected) as bar,
        (directory / file_name).open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out,  # mtime=0: the same items give the same file
        ThreadPoolExecutor(max_workers=segments) as pool,
    ):

        def drain(pages: Iterator[list[Item]]) -> None:
            for items in pages:
                lines = [encode_item(item) for item in items if _belongs(model, item, tenant_id)]
                with lock:
                    for line in lines:
                        out.write(line.encode() + b"\n")
                        totals["digest"] = (totals["digest"] + _line_hash(line)) % DIGEST_MODULUS
                    totals["count"] += len(lines)
                    bar.update(len(items))

        for future in [pool.submit(drain, pages) for pages in source(table_name, segments)]:
            future.result()
    return TableExport(
        table=name,
        file=file_name,
        count=totals["count"],
        sha256=_file_sha256(directory / file_name),
        content_digest=f"{totals['digest']:064x}",
        key_schema=_key_schema(table_name),
    )


def _writes_paused() -> AbstractContextManager[Any]:
    """What holds the stage's writes while the Scans read, so the copy is one instant (DYNAMODB_EXPORT_PAUSE).

    The local stack names one (its emulator holds writes on request); DynamoDB has none, and
    a stage's consistent copy is a point-in-time export instead.
    """
    from django.utils.module_loading import import_string

    factory = getattr(settings, "DYNAMODB_EXPORT_PAUSE", None)
    return import_string(factory)() if factory else nullcontext()


def tables_export(
    *,
    out_dir: Path,
    tenant_id: str | None = None,
    tables: list[str] | None = None,
    segments: int = SCAN_SEGMENTS,
    progress: Progress = no_progress,
    source: Source | None = None,
) -> ExportResult:
    """Export the registered tables (or `tables`), optionally only one tenant's items, into `out_dir`.

    A tenant export leaves out stage-owned tables; `NotExported` tables are never exported.
    `source` reads the items instead of the Scans (the local stack's copy of one instant).
    The manifest is written last, so a directory without one is an unfinished export.
    """
    models = exportable_models(tables)
    if tenant_id is not None:
        models = [m for m in models if not isinstance(tenancy_of(m), StageOwned)]
    out_dir.mkdir(parents=True, exist_ok=True)
    with _writes_paused() if source is None else nullcontext():
        exported = [
            _export_table(
                model,
                directory=out_dir,
                tenant_id=tenant_id,
                segments=segments,
                progress=progress,
                source=source or _scan_segments,
            )
            for model in models
        ]
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now().isoformat(),
        "stage": settings.STAGE,
        "table_prefix": settings.DYNAMODB_TABLE_PREFIX,
        "tenant": tenant_id,
        "tables": {t.table: {k: v for k, v in t.__dict__.items() if k != "table"} for t in exported},
    }
    temporary = out_dir / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.replace(temporary, out_dir / MANIFEST)
    return ExportResult(directory=out_dir, tables=exported)


# --- Verify ---------------------------------------------------------------------------------


@dataclass
class Manifest:
    directory: Path
    data: dict[str, Any]

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        return self.data["tables"]

    @property
    def tenant(self) -> str | None:
        return self.data.get("tenant")

    def counts(self) -> dict[str, int]:
        return {name: int(entry["count"]) for name, entry in self.tables.items()}


def _damaged(reason: str) -> ApplicationError:
    return ApplicationError(ExportError.DAMAGED, details={"reason": [reason]})


def manifest_read(in_dir: Path) -> Manifest:
    path = in_dir / MANIFEST
    try:
        data = json.loads(path.read_text())
        if data["format"] != FORMAT_VERSION or not isinstance(data["tables"], dict):
            raise ValueError(f"unsupported format {data.get('format')!r}")
    except FileNotFoundError as exc:
        raise _damaged(f"{path} is missing (an unfinished export?)") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(f"{path} is unreadable: {exc}") from exc
    return Manifest(directory=in_dir, data=data)


def _read_lines(path: Path) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield line.rstrip("\n")


def export_verify(in_dir: Path) -> Manifest:
    """Check every file of an export against its manifest and every table against its target.

    Raises `export_damaged` (a missing or altered file, a wrong count or digest),
    `export_unknown_table`, `export_missing_table` or `export_schema_mismatch`.
    """
    manifest = manifest_read(in_dir)
    models = {logical_name(m): m for m in registered_models()}
    unknown = sorted(set(manifest.tables) - set(models))
    if unknown:
        raise ApplicationError(ExportError.UNKNOWN_TABLE, details={"tables": unknown})
    for name, entry in sorted(manifest.tables.items()):
        path = in_dir / entry["file"]
        if not path.is_file():
            raise _damaged(f"{entry['file']} is missing")
        if _file_sha256(path) != entry["sha256"]:
            raise _damaged(f"{entry['file']}: checksum differs from the manifest")
        count, digest = 0, 0
        try:
            for line in _read_lines(path):
                decode_item(line)
                count += 1
                digest = (digest + _line_hash(line)) % DIGEST_MODULUS
        except (OSError, EOFError, ValueError) as exc:
            raise _damaged(f"{entry['file']}: unreadable ({exc})") from exc
        if count != entry["count"] or f"{digest:064x}" != entry["content_digest"]:
            raise _damaged(f"{entry['file']}: {count} items, the manifest says {entry['count']}")
        model = models[name]
        if not model.exists():
            raise ApplicationError(ExportError.MISSING_TABLE, details={"tables": [model.Meta.table_name]})
        if _key_schema(model.Meta.table_name) != entry["key_schema"]:
            raise ApplicationError(ExportError.SCHEMA_MISMATCH, details={"tables": [name]})
    return manifest


# --- Import ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    manifest: Manifest
    written: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    renamed: int = 0
    dry_run: bool = False


def parse_rename(value: str) -> tuple[str, str]:
    """`OLD:NEW` → (old, new); both must be valid tenant ids and differ."""
    old, sep, new = value.partition(":")
    if not sep or old == new or not (tenant_id_is_valid(old) and tenant_id_is_valid(new)):
        raise ApplicationError(ExportError.BAD_RENAME, details={"rename": [value]})
    return old, new


def batch_write(table_name: str, items: list[Item], *, on_written: Callable[[int], None] = lambda n: None) -> None:
    """Put items with BatchWriteItem, 25 at a time, resending unprocessed items with backoff and jitter."""
    client = connection().client
    for start in range(0, len(items), BATCH_WRITE_SIZE):
        requests = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_SIZE]]
        for attempt in range(WRITE_ATTEMPTS):
            response = client.batch_write_item(RequestItems={table_name: requests})
            pending = response.get("UnprocessedItems", {}).get(table_name, [])
            on_written(len(requests) - len(pending))
            if not pending:
                break
            requests = pending
            delay = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**attempt)
            time.sleep(delay * random.uniform(0.5, 1.0))
        else:
            raise ApplicationError(ExportError.UNWRITTEN, details={"table": [table_name]})


def tables_import(
    *,
    in_dir: Path,
    tenant_id: str | None = None,
    rename: tuple[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportResult:
    """Verify an export, then put its items (only `tenant_id`'s, if given), renaming a tenant if asked.

    With `rename=(old, new)`, every attribute the model declares as tenant-bearing is
    rewritten from `old` to `new` in the items of `old`. `dry_run` verifies and counts, and
    writes nothing. Safe to re-run.
    """
    manifest = export_verify(in_dir)
    models = {logical_name(m): m for m in registered_models()}
    result = ImportResult(manifest=manifest, dry_run=dry_run)
    for name, entry in sorted(manifest.tables.items()):
        model = models[name]
        tenancy = tenancy_of(model)
        if isinstance(tenancy, NotExported) or (tenant_id is not None and isinstance(tenancy, StageOwned)):
            result.skipped[name] = int(entry["count"])
            continue
        result.written[name] = result.skipped[name] = 0
        with progress(name, int(entry["count"])) as bar:
            chunk: list[Item] = []
            for line in _read_lines(in_dir / entry["file"]):
                item = decode_item(line)
                if not _belongs(model, item, tenant_id):
                    result.skipped[name] += 1
                    bar.update(1)
                    continue
                if rename and isinstance(tenancy, TenantOwned) and tenancy.tenant_of(item) == rename[0]:
                    item = tenancy.renamed(item, old=rename[0], new=rename[1])
                    result.renamed += 1
                chunk.append(item)
                if len(chunk) == IMPORT_CHUNK:
                    _put_chunk(model, chunk, dry_run=dry_run, bar=bar)
                    result.written[name] += len(chunk)
                    chunk = []
            _put_chunk(model, chunk, dry_run=dry_run, bar=bar)
            result.written[name] += len(chunk)
    return result


def _put_chunk(model: type[Model], items: list[Item], *, dry_run: bool, bar: Bar) -> None:
    if dry_run:
        bar.update(len(items))
    elif items:
        batch_write(model.Meta.table_name, items, on_written=bar.update)
