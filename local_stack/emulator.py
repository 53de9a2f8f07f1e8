"""Start the embedded AWS emulator: moto's server on loopback, with our DynamoDB fixes installed.

The pytest session fixture, `make run` and the benchmarks all start it through here, so
they all run the same, patched emulator, behind the layer that refuses browsers
(local_stack/browser_guard.py).
"""

import logging
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from local_stack import dynamodb_query, dynamodb_responses, dynamodb_transactions, lambda_mappings
from local_stack.browser_guard import refuse_browsers
from local_stack.write_pause import pausable

DEFAULT_HOST = "127.0.0.1"


class Emulator:
    """moto's WSGI app behind `refuse_browsers`, served by a threaded werkzeug server in a daemon thread.

    It serves as moto's ThreadedMotoServer does (same app, same request handler, a thread per
    request), with the guard in front of the app.
    """

    def __init__(self, *, host: str, port: int):
        # The journal replays into `app`; `pausable` lets `export_tables` hold the writes while it reads.
        self.app = refuse_browsers(pausable(DomainDispatcherApplication(create_backend_app)))
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def get_host_and_port(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), port

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()


def tables_holding_items() -> set[str]:
    """The names of this process's emulator tables that hold an item, read in memory (no request).

    A test's clean-up empties only these, through the API, rather than scanning every table.
    """
    from moto.dynamodb.models import dynamodb_backends

    return {
        name
        for account in dynamodb_backends.values()
        for backend in account.values()
        for name, table in backend.tables.items()
        if len(table)
    }


def start_emulator(*, port: int, host: str = DEFAULT_HOST) -> Emulator:
    """Install the fixes, then serve DynamoDB, Streams, S3 and Glue on http://host:port (0: any free port)."""
    dynamodb_transactions.install()
    dynamodb_query.install()
    dynamodb_responses.install()
    lambda_mappings.install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per emulator call drowns the API's log
    server = Emulator(host=host, port=port)
    server.start()
    return server


def main() -> None:
    """`python -m local_stack.emulator --port N`: the patched emulator alone, in its own process, until killed."""
    import argparse
    import signal
    import threading

    parser = argparse.ArgumentParser(description="Serve the patched AWS emulator on loopback until interrupted.")
    parser.add_argument("--port", type=int, required=True, help="The loopback port to serve on.")
    args = parser.parse_args()
    server = start_emulator(port=args.port)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
