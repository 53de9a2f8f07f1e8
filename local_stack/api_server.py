"""The API server of `make run`: Django's development server, with a stop that drops no answered request.

`runserver` serves each connection in a daemon thread and ends at Ctrl-C wherever they are,
and keeps answering on keep-alive connections while the process winds down. `ApiServer` is
the same server (Django's threaded WSGI server and request handler, the project's WSGI app,
whose WhiteNoise serves the static files, as under `runserver`) with a clean stop (`stop()`):

1. it stops accepting connections and closes the listening socket (a client that connects
   now is refused: it got no answer, so it knows to retry);
2. it closes every keep-alive connection that is waiting for its next request;
3. it lets every request in flight finish and send its answer, then closes its connection;
4. it waits for those requests (up to a bound), and returns how many it waited for.

Only then does `make run` save its snapshot and stop the emulator, so a request that was
answered had its writes journaled, and one that was not answered was refused as a whole or
never reached the server.
"""

import contextlib
import socket
import threading
import time

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application

STOP_TIMEOUT_SECONDS = 30.0


class _RequestHandler(WSGIRequestHandler):
    """Django's handler, telling the server whether its connection is waiting or serving a request."""

    busy = False

    def setup(self) -> None:
        super().setup()
        self.server.track(self)

    def parse_request(self) -> bool:
        with self.server.state_lock:
            self.busy = True  # a request line arrived: it is served to the end, even during a stop
        return super().parse_request()

    def handle_one_request(self) -> None:
        with self.server.state_lock:
            if self.server.stopping:
                self.close_connection = True
                return
        try:
            super().handle_one_request()
        finally:
            with self.server.state_lock:
                self.busy = False
                if self.server.stopping:
                    self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self)


def _request_arrived(handler: _RequestHandler) -> bool:
    """Whether a request is waiting to be read on a connection not yet serving one (it will be served)."""
    try:
        return bool(handler.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except BlockingIOError:
        return False  # nothing has arrived: the connection is idle
    except OSError:
        return False


class ApiServer(ThreadedWSGIServer):
    """Django's threaded server with connection tracking and a clean `stop()`."""

    daemon_threads = True  # `stop()` waits for the requests in flight itself, with a bound

    def __init__(self, address: tuple[str, int]):
        self.state_lock = threading.Lock()
        self.stopping = False
        self._handlers: dict[_RequestHandler, threading.Thread] = {}
        super().__init__(address, _RequestHandler)
        self.set_app(get_internal_wsgi_application())  # WhiteNoise serves the static files, as on a stage
        self._thread = threading.Thread(target=self.serve_forever, name="api-server", daemon=True)

    def start(self) -> "ApiServer":
        self._thread.start()
        return self

    def track(self, handler: _RequestHandler) -> None:
        with self.state_lock:
            self._handlers[handler] = threading.current_thread()

    def untrack(self, handler: _RequestHandler) -> None:
        with self.state_lock:
            self._handlers.pop(handler, None)

    def serving(self) -> int:
        """How many connections are serving a request now (a request line has arrived on them)."""
        with self.state_lock:
            return sum(handler.busy for handler in self._handlers)

    def stop(self, *, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        """Stop accepting, close idle connections, wait for the requests in flight; how many there were."""
        self.shutdown()  # the accept loop ends; it must not run in the serving thread
        self.socket.close()
        with self.state_lock:
            self.stopping = True
            handlers = dict(self._handlers)
            waiting = [handler for handler in handlers if not handler.busy and not _request_arrived(handler)]
            for handler in waiting:  # waiting for a next request: wake its read with an end of stream
                with contextlib.suppress(OSError):
                    handler.connection.shutdown(socket.SHUT_RDWR)
            in_flight = len(handlers) - len(waiting)
        deadline = time.monotonic() + timeout
        for thread in handlers.values():
            thread.join(max(0.0, deadline - time.monotonic()))
        return in_flight
