"""How analytics reaches the lake's files: through the Django storage named "analytics".

The storage is an S3 bucket on AWS and a local folder by default; this module lists,
reads, writes and deletes a partition's files the same way on both, and tells the DuckDB
runner where to read (a local path, or an S3 location for pyarrow). pyarrow is imported
only inside the functions that need it.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from analytics.tables import LakeTable

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.fs

STORAGE_ALIAS = "analytics"
PARQUET_SUFFIX = ".parquet"


def lake_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def lake_local_root() -> Path | None:
    """The lake's folder when the storage is on local disk; None when it is remote (S3)."""
    try:
        return Path(lake_storage().path(""))
    except NotImplementedError:  # Django's answer for storages without a local path
        return None


def _listdir(prefix: str) -> tuple[list[str], list[str]]:
    storage = lake_storage()
    try:
        return storage.listdir(prefix)
    except FileNotFoundError:  # a local folder that was never written
        return [], []


def lake_tenants() -> list[str]:
    """The tenants that have any data in the lake: the top-level folders."""
    directories, _ = _listdir("")
    return sorted(d.strip("/") for d in directories if d and not d.startswith(("_", ".")))


def partition_files(*, table: LakeTable, tenant_id: str, day: date) -> list[str]:
    """The Parquet files of one tenant's day, as storage names (relative to the lake root)."""
    prefix = table.partition_prefix(tenant_id=tenant_id, day=day)
    _, files = _listdir(prefix)
    return sorted(prefix + name for name in files if name.endswith(PARQUET_SUFFIX))


def tenant_files(*, table: LakeTable, tenant_id: str) -> list[str]:
    """Every Parquet file of one tenant's table, all partitions, as storage names."""
    found: list[str] = []
    pending = [table.tenant_prefix(tenant_id=tenant_id)]
    while pending:
        prefix = pending.pop()
        directories, files = _listdir(prefix)
        pending += [f"{prefix}{d.strip('/')}/" for d in directories]
        found += [prefix + name for name in files if name.endswith(PARQUET_SUFFIX)]
    return sorted(found)


def read_parquet(name: str) -> pa.Table:
    """One lake file, read on this thread, with no Arrow thread of any pool.

    A lake file is small (a partition's rows), so Arrow's pools gain nothing, and a pool thread
    still alive when a command's interpreter exits aborts the process ("terminate called without
    an active exception", exit 134: apache/arrow#34314, and #39862 for a dataset scan, which
    `pq.read_table` is). So the plain file reader, without pre-buffering (the I/O pool) or
    column threads (the CPU pool).
    """
    import pyarrow.parquet as pq

    with lake_storage().open(name, "rb") as handle:
        return pq.ParquetFile(io.BytesIO(handle.read()), pre_buffer=False).read(use_threads=False)


def write_parquet(name: str, table: pa.Table) -> None:
    """Write `table` as one Parquet file under `name`, replacing a file of that name."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    storage = lake_storage()
    written = storage.save(name, ContentFile(buffer.getvalue()))
    if written != name:  # a storage configured not to overwrite would rename silently
        storage.delete(written)
        raise RuntimeError(f"The analytics storage must overwrite files; it renamed {name} to {written}.")


def delete_files(names: list[str]) -> None:
    storage = lake_storage()
    for name in names:
        storage.delete(name)


def s3_location() -> tuple[pyarrow.fs.S3FileSystem, str]:
    """A pyarrow filesystem for the lake's bucket and the root path inside it (`bucket/prefix`)."""
    from pyarrow import fs

    storage = lake_storage()
    filesystem = fs.S3FileSystem(
        access_key=getattr(storage, "access_key", None) or None,
        secret_key=getattr(storage, "secret_key", None) or None,
        session_token=getattr(storage, "security_token", None) or None,
        region=getattr(storage, "region_name", None) or None,
        endpoint_override=getattr(storage, "endpoint_url", None) or None,
    )
    prefix = (getattr(storage, "location", "") or "").strip("/")
    root = f"{storage.bucket_name}/{prefix}" if prefix else storage.bucket_name
    return filesystem, root.rstrip("/")
