"""The local stack file: where the servers of a running `make run` listen.

`make run` records each server's URL in `$LOCAL_STATE_DIR/stack.json` (default `.local/stack.json`,
ignored by git), and the local settings read it, so `manage.py` in another terminal reaches the
running stack without exporting its ports. The file is a small JSON object, one key per server:

    {"pid": 4242, "api": "http://127.0.0.1:8000", "emulator": "http://127.0.0.1:5005",
     "search": "http://127.0.0.1:9200"}

A file whose `pid` is no longer alive is stale (a killed `make run`) and reads as empty.
This module imports nothing heavy: the settings import it.
"""

import json
import os
from pathlib import Path

from botocore.exceptions import EndpointConnectionError

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_STATE_DIR = Path(os.environ.get("LOCAL_STATE_DIR") or BASE_DIR / ".local")
STACK_FILE = LOCAL_STATE_DIR / "stack.json"
START_HINT = "start it with `make run` in another terminal (or set DYNAMODB_ENDPOINT_URL)"


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def stack_read(*, path: Path | None = None) -> dict:
    """The running stack's URLs, or {} when no `make run` is recorded (no file, unreadable, or stale)."""
    try:
        stack = json.loads((path or STACK_FILE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(stack, dict) or not _pid_alive(stack.get("pid")):
        return {}
    return stack


def stack_record(*, path: Path | None = None, **urls: object) -> dict:
    """Merge these keys into the stack file (this process owns it) and return the whole record."""
    path = path or STACK_FILE
    try:
        current = json.loads(path.read_text())
    except (OSError, ValueError):
        current = {}
    if not isinstance(current, dict) or current.get("pid") != os.getpid():
        current = {"pid": os.getpid()}  # a stale or foreign record is replaced, not merged
    current.update(urls)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(current, indent=1) + "\n")
    temporary.replace(path)  # atomic: a reader never sees half a file
    return current


def stack_clear(*, path: Path | None = None) -> None:
    """Remove the stack file if this process wrote it (a second `make run` keeps its own)."""
    path = path or STACK_FILE
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def unreachable_message(exc: BaseException, endpoint: str | None) -> str | None:
    """One line saying no local stack answers, if `exc` (or what it wraps) is a refused connection."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, EndpointConnectionError):
            return f"No local stack is running at {endpoint}: {START_HINT}."
        exc = exc.__cause__ or getattr(exc, "cause", None) or exc.__context__
    return None
