"""Local snapshots and the journal: the data of `make run` survives a stop and a crash.

The emulator keeps the tables in memory. Two things on disk bring them back:

- the journal (`local_stack/journal.py`, `{LOCAL_STATE_DIR}/journal/`): every acknowledged
  DynamoDB write, on disk before its answer left;
- snapshots: a whole-stage export (`bookstore.dynamodb.exports`, the `export_tables` format)
  in `{LOCAL_STATE_DIR}/snapshots/{UTC time}/`, copied from the emulator's memory at one
  instant (under its lock, `Journal.capture`), with `journal.json` naming the last journal
  segment it holds. It is written under a temporary name and renamed when complete, so a
  snapshot cut short never replaces a good one; the last SNAPSHOTS_KEPT are kept, and the
  journal segments every kept snapshot holds are deleted. A snapshot only bounds how much
  journal a start replays.

A start (`kept_durable`) restores the newest snapshot that verifies (an older one if the
newest is damaged), replays the journal after it, attaches the journal, and then, if
anything was restored, reconciles what lives outside the tables (`RESTORE_FOLLOW_UPS`):
the restored items are not new events, so the poller's checkpoints move to the end of
every stream, and the search index, facet counts, sales and co-purchase counters and the
data lake are rebuilt or reconciled from the tables, each command printing what it changed.
A snapshot is saved every LOCAL_SNAPSHOT_INTERVAL_SECONDS if the data changed, and once
more when `make run` stops.
"""

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands

from bookstore.dynamodb.exports import (
    MANIFEST,
    ExportError,
    Source,
    decode_item,
    manifest_read,
    tables_export,
    tables_import,
)
from bookstore.errors import ApplicationError
from local_stack.journal import Capture, Journal, Replayed

logger = logging.getLogger(__name__)

SNAPSHOTS_KEPT = 3
TEMPORARY_PREFIX = ".tmp-"
# A snapshot is also taken once this many writes were journaled since the last one, so a start
# never replays much more (about 30 s at the emulator's replay rate, benchmarks/journal.py).
JOURNAL_WRITES_PER_SNAPSHOT = 10_000
KEEPER_CHECK_SECONDS = 5.0
COVERS_FILE = "journal.json"  # in a snapshot: {"covers": the last journal segment it holds}
# Run after a restore when the app that provides them is installed: (command, arguments).
RESTORE_FOLLOW_UPS = (
    ("consume_streams", ("--skip-backlog",)),  # the restored items are not new events
    ("rebuild_search_index", ("--all",)),  # the index may lag (or lead) the restored books
    ("recount_facets", ("--all",)),
    ("recount_sales", ("--all",)),  # purchases whose stream records were not handled before the stop
    ("recount_reviews", ("--all",)),  # reviews whose stream records were not handled before the stop
    ("reconcile_lake", ("--all",)),  # the lake lives on disk: it may hold more, or less, than the tables
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


def journal_dir() -> Path:
    return Path(settings.LOCAL_STATE_DIR) / "journal"


def _covers(path: Path) -> int:
    """The last journal segment a snapshot holds (-1: none, a snapshot taken without a journal)."""
    try:
        return int(json.loads((path / COVERS_FILE).read_text())["covers"])
    except (OSError, ValueError, KeyError, TypeError):
        return -1


def _captured(capture: Capture) -> Source:
    """The export's item source for a capture: each table's items in pages of 1,000, decoded as they are written."""

    def source(table_name: str, segments: int):
        lines = capture.tables.get(table_name, [])
        pages = ([decode_item(line) for line in lines[start : start + 1000]] for start in range(0, len(lines), 1000))
        return iter([pages])

    return source


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


def snapshot_save(*, directory: Path, journal: Journal | None = None, only_if_changed: bool = True) -> Path | None:
    """Export every table into a new snapshot; None if nothing changed since the newest one.

    With the emulator's journal, the copy is the tables at one instant (taken under the
    emulator's lock, in this process), and the journal segments it makes redundant are
    deleted. Without one it reads the tables with Scans, as `export_tables` does.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    temporary = directory / f"{TEMPORARY_PREFIX}{stamp}"
    capture = journal.capture() if journal is not None else None
    tables_export(out_dir=temporary, source=_captured(capture) if capture else None)
    if capture is not None:
        _covers_write(temporary, capture.covers)
    previous = snapshots_list(directory)
    if only_if_changed and previous and _digests(previous[-1]) == _digests(temporary):
        shutil.rmtree(temporary)
        if capture is not None:  # the newest snapshot is this instant too: it holds the journal so far
            _covers_write(previous[-1], capture.covers)
            _prune_journal(directory, journal)
        return None
    final = directory / stamp
    _fsync_tree(temporary)
    os.rename(temporary, final)  # atomic: the snapshot appears whole or not at all
    _prune(directory)
    if journal is not None:
        _prune_journal(directory, journal)
    return final


def _covers_write(path: Path, covers: int) -> None:
    temporary = path / f".{COVERS_FILE}.tmp"
    temporary.write_text(json.dumps({"covers": covers}))
    os.replace(temporary, path / COVERS_FILE)


def _prune_journal(directory: Path, journal: Journal) -> None:
    """Delete the journal segments every kept snapshot holds: no start replays them again."""
    journal.prune(through=min(_covers(path) for path in snapshots_list(directory)))


def _fsync_tree(path: Path) -> None:
    """Flush a snapshot's files and folder, so that the rename never names a half-written copy."""
    for child in path.iterdir():
        with child.open("rb") as handle:
            os.fsync(handle.fileno())
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Restored:
    path: Path
    counts: dict[str, int]
    covers: int = -1

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
        return Restored(path=path, counts=result.written, covers=_covers(path))
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
    """Saves a snapshot every `interval` seconds if the data changed (sooner after many writes), and on `stop()`."""

    def __init__(
        self,
        *,
        directory: Path,
        interval: float,
        journal: Journal | None = None,
        writes_per_snapshot: int = JOURNAL_WRITES_PER_SNAPSHOT,
        check_seconds: float = KEEPER_CHECK_SECONDS,
    ):
        self.directory = directory
        self.interval = interval
        self.journal = journal
        self.writes_per_snapshot = writes_per_snapshot
        self.check_seconds = check_seconds
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="snapshot-keeper", daemon=True)

    def start(self) -> "SnapshotKeeper":
        self._thread.start()
        return self

    def save(self) -> Path | None:
        with self._lock:
            return snapshot_save(directory=self.directory, journal=self.journal)

    def _due(self, last: float) -> bool:
        if self.journal is not None and self.journal.since_capture >= self.writes_per_snapshot:
            return True
        return time.monotonic() - last >= self.interval

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(min(self.interval, self.check_seconds)):
            if not self._due(last):
                continue
            last = time.monotonic()
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


def _forget_not_exported() -> None:
    """Empty the tables a snapshot never holds (the poller's checkpoints), which the journal replayed.

    Their items are positions in the previous emulator's streams; the replay rebuilt the
    streams with other records, so kept positions would skip or repeat some of them.
    """
    from bookstore.dynamodb.registry import registered_models
    from bookstore.dynamodb.tenant_fields import NotExported, tenancy_of

    for model in registered_models():
        if isinstance(tenancy_of(model), NotExported) and model.exists():
            with model.batch_write() as batch:
                for item in model.scan():
                    batch.delete(item)


@dataclass(frozen=True)
class Recovered:
    """What a start brought back: a snapshot (or None) and the journal replayed over it."""

    restored: Restored | None
    replayed: Replayed
    journal: Journal

    @property
    def fresh(self) -> bool:
        """Nothing on disk: a first start (the caller seeds the demo world)."""
        return self.restored is None and not self.replayed.applied and not self.replayed.refused


@contextmanager
def kept_durable(
    *, app, directory: Path | None = None, journal_directory: Path | None = None, interval: float | None = None
) -> Iterator[Recovered]:
    """`make run`'s data across restarts: restore and replay on entry, journal every write, snapshot on exit.

    `app` is the emulator's WSGI app (`Emulator.app`), which the replay calls in this process.
    Enter it after the tables exist and before the API and the stream poller start.
    """
    directory = directory or snapshots_dir()
    interval = settings.LOCAL_SNAPSHOT_INTERVAL_SECONDS if interval is None else interval
    restored = snapshot_restore(directory=directory)
    print(restored.summary() if restored else f"No snapshot in {directory}.")
    journal = Journal(directory=journal_directory or journal_dir())
    replayed = journal.replay(after=restored.covers if restored else -1)
    print(replayed.summary())
    _forget_not_exported()
    journal.attach()
    recovered = Recovered(restored=restored, replayed=replayed, journal=journal)
    if recovered.fresh:
        print("Starting with fresh data.")
    else:
        print("Reconciling what lives outside the tables with them:")
        restore_follow_ups()
    keeper = SnapshotKeeper(directory=directory, interval=interval, journal=journal).start()
    try:
        yield recovered
    finally:
        saved = keeper.stop()
        print(f"Saved snapshot {saved.name}." if saved else "Nothing changed since the last snapshot.")
