"""Local snapshots: the data of `make run` survives a restart although the emulator keeps it in memory.

A snapshot is a whole-stage export (`bookstore.dynamodb.exports`) in
`{LOCAL_STATE_DIR}/snapshots/{UTC time}/`. It is written under a temporary name and
renamed when complete, so a snapshot cut short never replaces a good one; the last
SNAPSHOTS_KEPT are kept. `make run` restores the newest snapshot that verifies (an older
one if the newest is damaged), saves one every LOCAL_SNAPSHOT_INTERVAL_SECONDS if the
data changed (compared by the exports' content digests), and saves one when stopped by
Ctrl-C or SIGTERM.

Streams after a restore: the import writes every item again, so the new emulator's
streams hold one INSERT per restored item. The data they describe was processed before
the snapshot was taken (search index, data lake and counters are on disk or restored),
so the poller must not replay them: its checkpoints are never exported (`NotExported`),
and after a restore they are moved to the end of every stream (`consume_streams
--skip-backlog`). The search index may be behind or ahead of the snapshot (a crash loses
up to one interval of DynamoDB writes), so it is rebuilt from the restored books.
"""

import logging
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands

from bookstore.dynamodb.exports import MANIFEST, ExportError, manifest_read, tables_export, tables_import
from bookstore.errors import ApplicationError

logger = logging.getLogger(__name__)

SNAPSHOTS_KEPT = 3
TEMPORARY_PREFIX = ".tmp-"
# Run after a restore when the app that provides them is installed: (command, arguments).
RESTORE_FOLLOW_UPS = (
    ("consume_streams", ("--skip-backlog",)),  # the restored items are not new events
    ("rebuild_search_index", ("--all",)),  # the index may lag (or lead) the restored books
)
# What `make run` reports having restored: logical table → what its items are.
# Items per table; the books table holds each book and its stock item.
RESTORE_SUMMARY = (
    ("tenants", "tenants"),
    ("users", "users"),
    ("books", "book, stock and rating items"),
    ("purchases", "purchases"),
)


def snapshots_dir() -> Path:
    return Path(settings.LOCAL_STATE_DIR) / "snapshots"


def snapshots_list(directory: Path) -> list[Path]:
    """The complete snapshots in `directory`, oldest first (names are UTC times)."""
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_dir() and not path.name.startswith(TEMPORARY_PREFIX) and (path / MANIFEST).is_file()
    )


def _digests(path: Path) -> dict[str, str]:
    return {name: entry["content_digest"] for name, entry in manifest_read(path).tables.items()}


def _prune(directory: Path) -> None:
    for path in directory.iterdir():
        if path.name.startswith(TEMPORARY_PREFIX):
            shutil.rmtree(path, ignore_errors=True)  # left by a save that was cut short
    for path in snapshots_list(directory)[:-SNAPSHOTS_KEPT]:
        shutil.rmtree(path, ignore_errors=True)


def snapshot_save(*, directory: Path, only_if_changed: bool = True) -> Path | None:
    """Export every table into a new snapshot; None if nothing changed since the newest one."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    temporary = directory / f"{TEMPORARY_PREFIX}{stamp}"
    tables_export(out_dir=temporary)
    previous = snapshots_list(directory)
    if only_if_changed and previous and _digests(previous[-1]) == _digests(temporary):
        shutil.rmtree(temporary)
        return None
    final = directory / stamp
    os.rename(temporary, final)  # atomic: the snapshot appears whole or not at all
    _prune(directory)
    return final


@dataclass(frozen=True)
class Restored:
    path: Path
    counts: dict[str, int]

    def summary(self) -> str:
        parts = [f"{self.counts.get(table, 0)} {label}" for table, label in RESTORE_SUMMARY]
        return f"Restored snapshot {self.path.name}: {', '.join(parts)}."


def snapshot_restore(*, directory: Path) -> Restored | None:
    """Import the newest snapshot that verifies into the (empty) tables; None if there is none.

    A damaged snapshot is refused before anything is written, and the next older one is tried.
    """
    for path in reversed(snapshots_list(directory)):
        try:
            result = tables_import(in_dir=path)
        except ApplicationError as exc:
            if exc.code != ExportError.DAMAGED:
                raise
            logger.warning("Snapshot %s is damaged (%s); trying an older one", path.name, exc.details)
            continue
        return Restored(path=path, counts=result.written)
    return None


def restore_follow_ups() -> list[str]:
    """Realign what lives outside DynamoDB with the restored tables; the commands that ran."""
    available = get_commands()
    ran = []
    for command, arguments in RESTORE_FOLLOW_UPS:
        if command in available:
            call_command(command, *arguments)
            ran.append(command)
    return ran


class SnapshotKeeper:
    """Saves a snapshot every `interval` seconds if the data changed, and once more on `stop()`."""

    def __init__(self, *, directory: Path, interval: float):
        self.directory = directory
        self.interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="snapshot-keeper", daemon=True)

    def start(self) -> "SnapshotKeeper":
        self._thread.start()
        return self

    def save(self) -> Path | None:
        with self._lock:
            return snapshot_save(directory=self.directory)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.save()
            except Exception:  # a failed periodic save must not stop the server; the next one retries
                logger.exception("Periodic snapshot failed")

    def stop(self) -> Path | None:
        """Stop the periodic saves, then save one last time (if anything changed)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.save()


def _stop_on_sigterm() -> None:
    """Make SIGTERM stop the server the way Ctrl-C does, so the final snapshot is saved."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@contextmanager
def kept_in_snapshots(*, directory: Path | None = None, interval: float | None = None) -> Iterator[Restored | None]:
    """`make run`'s data across restarts: restore on entry, save periodically and on exit.

    Yields what was restored (None on a first start, so the caller seeds demo data).
    Enter it after the tables exist and before the stream poller starts.
    """
    directory = directory or snapshots_dir()
    interval = settings.LOCAL_SNAPSHOT_INTERVAL_SECONDS if interval is None else interval
    restored = snapshot_restore(directory=directory)
    if restored:
        print(restored.summary())
        restore_follow_ups()
    else:
        print(f"No snapshot in {directory}: starting with fresh data.")
    keeper = SnapshotKeeper(directory=directory, interval=interval).start()
    if threading.current_thread() is threading.main_thread():
        _stop_on_sigterm()
    try:
        yield restored
    finally:
        saved = keeper.stop()
        print(f"Saved snapshot {saved.name}." if saved else "Nothing changed since the last snapshot.")
