"""The emulator's write journal: every acknowledged DynamoDB write is on disk before its answer leaves.

moto keeps the tables in memory, so a crash (`kill -9`, a power cut) would lose every write
since the last snapshot. The journal closes that gap as a database's write-ahead log does:

- Every DynamoDB request that changes something (any action outside `READ_ONLY_ACTIONS`:
  PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems, ExecuteStatement,
  Create/Update/DeleteTable, UpdateTimeToLive, tags, ...) and succeeded (HTTP 200) is appended
  as one JSON line (action, headers, body) and `fdatasync`ed while the request still holds the
  emulator's lock (`dynamodb_transactions.observe_requests`), before its answer is sent.
  Lines are therefore in commit order, and no other request (the stream poller included) can
  see a write that is not yet on disk. A refused request changed nothing (the transaction fix
  rolls back) and is not journaled.
- A start replays the lines over the newest snapshot, in order, through the same WSGI app with
  the journal detached. DynamoDB's writes are deterministic given the state they apply to (a
  condition's "now" is a value in the request), so the replay rebuilds exactly the state that
  was acknowledged. A last line cut short by the crash is a write that never answered, and is
  dropped.
- The journal is cut into numbered segments. A snapshot is taken under the lock
  (`Journal.capture`): it copies every table's items and starts a new segment in the same
  instant, so the snapshot holds exactly the segments up to that number. Once the snapshot is
  on disk, the segments that every kept snapshot holds are deleted (`Journal.prune`).

TTL: moto never deletes expired items (the code treats an expired item as absent when it
reads it), so expiry writes nothing to journal. Streams, S3, SQS and Glue are not journaled:
the stream records are rebuilt by the replay itself (and skipped by the poller), and the other
services hold control-plane state that every start creates again.
"""

import base64
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.test import Client

from local_stack import dynamodb_transactions

logger = logging.getLogger(__name__)

SEGMENT_SUFFIX = ".jsonl"
# DynamoDB actions that never change a table; every other action that succeeds is journaled.
READ_ONLY_ACTIONS = frozenset(
    {
        "BatchGetItem",
        "DescribeBackup",
        "DescribeContinuousBackups",
        "DescribeEndpoints",
        "DescribeExport",
        "DescribeGlobalTable",
        "DescribeGlobalTableSettings",
        "DescribeImport",
        "DescribeKinesisStreamingDestination",
        "DescribeLimits",
        "DescribeTable",
        "DescribeTableReplicaAutoScaling",
        "DescribeTimeToLive",
        "GetItem",
        "GetResourcePolicy",
        "ListBackups",
        "ListExports",
        "ListGlobalTables",
        "ListImports",
        "ListTables",
        "ListTagsOfResource",
        "Query",
        "Scan",
        "TransactGetItems",
    }
)
# The request headers a replay needs: moto routes and authorises on these, and reads the body.
REPLAYED_HEADERS = ("Authorization", "Content-Type", "Host", "X-Amz-Date", "X-Amz-Target")


@dataclass(frozen=True)
class Replayed:
    """What a start replayed: writes applied, writes the restored state refused, and a cut last line."""

    applied: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    torn: bool = False

    def summary(self) -> str:
        refused = ", ".join(f"{count} {action}" for action, count in sorted(self.refused.items()))
        text = f"Replayed {self.applied} journaled writes"
        if refused:  # CreateTable of a table `create_tables` made already, for example
            text += f" ({refused} refused by the restored state)"
        if self.torn:
            text += "; dropped a last line cut short by the crash (a write that never answered)"
        return text + "."


@dataclass(frozen=True)
class Capture:
    """The tables at one instant (name → one line of DynamoDB's JSON per item) and the last segment they hold."""

    tables: dict[str, list[str]]
    covers: int


class Journal:
    """The segments in `directory` (`{number}.jsonl`), and the one open for appending once attached."""

    def __init__(self, *, directory: Path, sync: bool = True):
        self.directory = directory
        self.sync = sync
        self._file = None
        self._segment = -1
        self._observer = _JournalObserver(self)
        self.since_capture = 0  # writes journaled since the last capture: what a start would replay

    # --- segments ---------------------------------------------------------------------------

    def segments(self) -> list[tuple[int, Path]]:
        """(number, path) of every segment on disk, oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.iterdir():
            if path.suffix == SEGMENT_SUFFIX and path.stem.isdigit():
                found.append((int(path.stem), path))
        return sorted(found)

    def _open_next(self) -> int:
        if self._file is not None:
            self._file.close()
        self._segment += 1
        path = self.directory / f"{self._segment:010d}{SEGMENT_SUFFIX}"
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 (kept open while attached)
        if self.sync:
            _fsync_directory(self.directory)  # the new name survives a crash
        return self._segment

    def records(self, *, after: int = -1) -> Iterator[tuple[dict[str, Any] | None, bool]]:
        """Each journaled request of the segments numbered above `after`, in commit order.

        Yields (record, False); a last line cut short yields (None, True) and ends the journal.
        """
        segments = [(number, path) for number, path in self.segments() if number > after]
        for position, (_, path) in enumerate(segments):
            lines = path.read_bytes().split(b"\n")
            complete, rest = lines[:-1], lines[-1]
            for line in complete:
                yield json.loads(line), False
            if rest:  # no newline: the crash cut the write short, before it was acknowledged
                if position != len(segments) - 1:
                    raise ValueError(f"{path} ends mid-record but is not the last segment")
                yield None, True

    # --- attached to the emulator -----------------------------------------------------------

    def attach(self) -> None:
        """Journal every write from now on, in a new segment after the existing ones."""
        self.directory.mkdir(parents=True, exist_ok=True)
        existing = self.segments()
        self._segment = existing[-1][0] if existing else -1
        with dynamodb_transactions.emulator_lock():
            self._open_next()
            dynamodb_transactions.observe_requests(self._observer)

    def detach(self) -> None:
        with dynamodb_transactions.emulator_lock():
            dynamodb_transactions.observe_requests(self._observer, observe=False)
            if self._file is not None:
                self._file.close()
                self._file = None

    def append(self, record: dict[str, Any]) -> None:
        """Write one record and wait for the disk (the caller holds the emulator's lock)."""
        self._file.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")
        if self.sync:
            os.fdatasync(self._file.fileno())
        self.since_capture += 1

    def capture(self) -> Capture:
        """Every table's items at this instant, and a new segment begun in the same instant.

        Holds the emulator's lock while it copies (in memory, no HTTP), so no request runs
        half-way through it; writing the copy to disk is the caller's, after the lock is let go.
        """
        with dynamodb_transactions.emulator_lock():
            tables = {}
            for backend in _dynamodb_backends():
                for name, table in backend.tables.items():
                    # One JSON line per item, in DynamoDB's wire format (binary in base64): a copy
                    # that later in-place updates cannot reach, and smaller than the items.
                    tables[name] = [json.dumps(i.to_json()["Attributes"], default=_base64) for i in table.all_items()]
            covers = self._segment
            if self._file is not None:
                self._open_next()
            self.since_capture = 0
            return Capture(tables=tables, covers=covers)

    def prune(self, *, through: int) -> int:
        """Delete the segments numbered `through` or lower (held by every kept snapshot); how many."""
        removed = 0
        for number, path in self.segments():
            if number <= through and number != self._segment:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- replay -----------------------------------------------------------------------------

    def replay(self, *, after: int = -1) -> Replayed:
        """Send each journaled request of the segments above `after` to the emulator's DynamoDB app, in this process.

        Straight to moto's DynamoDB app (the emulator's dispatcher finds it again for every
        request, which costs more than the write). Call it before `attach()`, so that the
        replayed writes are not journaled again.
        """
        client = Client(create_backend_app("dynamodb"))
        applied, refused, torn = 0, {}, False
        for record, cut in self.records(after=after):
            if cut:
                torn = True
                break
            response = client.post(record["path"], headers=record["headers"], data=record["body"].encode())
            if response.status_code == 200:
                applied += 1
            else:
                refused[record["action"]] = refused.get(record["action"], 0) + 1
                logger.debug("Replay of %s refused: %s", record["action"], response.get_data(as_text=True)[:300])
        return Replayed(applied=applied, refused=refused, torn=torn)


class _JournalObserver:
    """Appends each successful write request to the journal, under the lock, before it answers."""

    def __init__(self, journal: Journal):
        self.journal = journal

    def before(self, handler: DynamoHandler, condition: threading.Condition) -> None:
        return None

    def after(self, handler: DynamoHandler, response: Any) -> None:
        action = handler._get_action()
        if action in READ_ONLY_ACTIONS or _status(response) != 200:
            return
        headers = {name: _text(handler.headers.get(name)) for name in REPLAYED_HEADERS if handler.headers.get(name)}
        self.journal.append(
            {"action": action, "path": _text(handler.path) or "/", "headers": headers, "body": _text(handler.raw_body)}
        )


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _text(value: str | bytes | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


def _status(response: Any) -> int:
    """The HTTP status of what `DynamoHandler.call_action` returned: (status, headers, body)."""
    try:
        return int(response[0])
    except (TypeError, ValueError, IndexError):
        return 500


def _dynamodb_backends() -> Iterator[Any]:
    for account in dynamodb_backends.values():
        yield from account.values()


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
