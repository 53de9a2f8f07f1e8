"""Writes paused on the emulator while a copy is read: `export_tables` of a live local stack copies one instant.

`export_tables` reads every table with Scans, one table after another. Against a stack that
keeps taking writes, a checkout committed between two tables' Scans would be half in the
copy. So, on the local stack, the export holds the emulator's writes while it reads
(`writes_paused`, named by the DYNAMODB_EXPORT_PAUSE setting); reads, stream reads and the
API's GETs go on, and a write waits, then runs, when the pause ends.

The emulator side (`pausable`, installed by `local_stack.emulator`) answers two routes:

    POST /_local_stack/writes/pause   {"seconds": N}    → {"token": "..."}
    POST /_local_stack/writes/resume  {"token": "..."}  → {"held": true}

A pause begins once the write in flight has answered (it takes the emulator's lock) and holds
every write request (any action outside `journal.READ_ONLY_ACTIONS`) for at most N seconds: a
lease, so an exporter that dies cannot stop the stack for good. `held` is false when the lease
ran out before the resume: writes may have passed, and `writes_paused` raises, since the copy
is not one instant. The routes sit behind `refuse_browsers`, so no web page can pause writes.
"""

import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.responses import DynamoHandler

from local_stack import dynamodb_transactions
from local_stack.journal import READ_ONLY_ACTIONS

PAUSE_PATH = "/_local_stack/writes/pause"
RESUME_PATH = "/_local_stack/writes/resume"
LEASE_SECONDS = 300.0


class WritesResumedEarly(RuntimeError):
    """The pause's lease ran out before the copy was read: writes may have passed."""


class WritePause:
    """The observer that holds write requests while a pause holds (one at a time, with a lease)."""

    def __init__(self) -> None:
        self.token: str | None = None
        self.until = 0.0

    def _holding(self) -> bool:
        return self.token is not None and time.monotonic() < self.until

    def before(self, handler: DynamoHandler, condition: threading.Condition) -> None:
        if handler._get_action() in READ_ONLY_ACTIONS:
            return
        while self._holding():  # waits with the lock let go, so reads run meanwhile
            condition.wait(max(0.01, self.until - time.monotonic()))

    def after(self, handler: DynamoHandler, response: Any) -> None:
        return None

    def pause(self, seconds: float) -> str:
        with dynamodb_transactions.emulator_lock():  # the write in flight has answered
            self.token = uuid.uuid4().hex
            self.until = time.monotonic() + seconds
            return self.token

    def resume(self, token: str) -> bool:
        with dynamodb_transactions.emulator_lock():
            held = token == self.token and self._holding()
            if token == self.token:
                self.token = None
            dynamodb_transactions.wake_waiting_requests()
            return held


PAUSE = WritePause()

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


def pausable(app: WSGIApp) -> WSGIApp:
    """`app` with the pause and resume routes in front; every other request goes to `app`."""
    dynamodb_transactions.observe_requests(PAUSE)

    def routed(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "POST" or path not in (PAUSE_PATH, RESUME_PATH):
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            if path == PAUSE_PATH:
                answer = {"token": PAUSE.pause(min(float(body.get("seconds", LEASE_SECONDS)), LEASE_SECONDS))}
            else:
                answer = {"held": PAUSE.resume(str(body["token"]))}
            status = "200 OK"
        except (ValueError, KeyError, TypeError) as exc:
            answer, status = {"error": f"bad request: {exc}"}, "400 Bad Request"
        data = json.dumps(answer).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return routed


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@contextmanager
def writes_paused(*, endpoint: str | None = None, seconds: float = LEASE_SECONDS) -> Iterator[None]:
    """Hold the local emulator's writes while the block runs (the export's Scans); raise if the lease ran out."""
    if endpoint is None:
        from django.conf import settings

        endpoint = settings.DYNAMODB_ENDPOINT_URL
    token = _post(f"{endpoint}{PAUSE_PATH}", {"seconds": seconds})["token"]
    try:
        yield
    finally:
        held = _post(f"{endpoint}{RESUME_PATH}", {"token": token})["held"]
    if not held:
        raise WritesResumedEarly(f"writes were held for {seconds:.0f} s only: the copy may not be one instant")
