"""Start the embedded AWS emulator: moto's server on loopback, with our DynamoDB fixes installed.

The pytest session fixture, `make run` and the benchmarks all start it through here, so
they all run the same, patched emulator.
"""

import logging

from moto.server import ThreadedMotoServer

from local_stack import dynamodb_query, dynamodb_transactions, lambda_mappings

DEFAULT_HOST = "127.0.0.1"


def start_emulator(*, port: int, host: str = DEFAULT_HOST) -> ThreadedMotoServer:
    """Install the fixes, then serve DynamoDB, Streams, S3 and Glue on http://host:port."""
    dynamodb_transactions.install()
    dynamodb_query.install()
    lambda_mappings.install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per emulator call drowns the API's log
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
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
