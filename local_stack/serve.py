"""`make run`: compile the catalogues, start the emulator and noida-db, create the tables, seed, serve the API.

The stream poller (`consume_streams`) runs in a background thread with a short poll
interval, so the stream handlers (search index, data lake, best-sellers) follow every
write as the Lambda event source mappings do on AWS; the outbound worker (`outbound_worker`)
reads the emulator's outbound queue as the queue's mapping does. Everything runs in this one process.
The emulator journals every acknowledged write; at start the last snapshot is restored, the
journal replayed over it, and what lives outside the tables reconciled with them, before the
poller and the API start (`local_stack/snapshots.py`); the demo world is set up on a first
start only. Ctrl-C or SIGTERM stops cleanly (`local_stack/api_server.py`): no new
connections, idle keep-alive connections closed, requests in flight answered, then a
snapshot is saved and the servers stop. Where
each server listens is recorded in the local stack file (`.local/stack.json`), so
`manage.py` commands in another terminal reach this stack without exporting its ports. The
emulator listens on EMULATOR_PORT (default 5005) and the API on RUN_ADDRESS (default
127.0.0.1:8000). noida-db, the local Elasticsearch-API server, is a child process on SEARCH_PORT
(default 9200) with its data under `.local/noida-db`; every start rebuilds every tenant's
search index from DynamoDB (an alias swap), so it always matches the restored data.
"""

import os
import signal
import threading

# How often `make run` runs the scheduled jobs a stage runs from Zappa's schedule events.
JOBS_INTERVAL_SECONDS = 300
DEFAULT_EMULATOR_PORT = "5005"
DEFAULT_ADDRESS = "127.0.0.1:8000"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")
    # This process starts the stack: it must not follow the file of another one that is running.
    os.environ.setdefault("EMULATOR_PORT", DEFAULT_EMULATOR_PORT)
    import django
    from django.conf import settings
    from django.core.management import call_command

    from deploy.catalogues import compile_catalogues

    compile_catalogues()  # a build step: the .mo files are never committed
    django.setup()
    from local_stack.api_server import ApiServer
    from local_stack.demo import demo_credentials, demo_setup
    from local_stack.emulator import start_emulator
    from local_stack.search_engine import start_search_engine
    from local_stack.snapshots import kept_durable
    from local_stack.stack import STACK_FILE, stack_clear, stack_record
    from local_stack.webhook_receiver import DEFAULT_PORT as DEFAULT_RECEIVER_PORT
    from local_stack.webhook_receiver import DEMO_WEBHOOK_TENANT, WebhookReceiver, demo_endpoint_secrets

    stop = _stop_on_signals()
    address = os.environ.get("RUN_ADDRESS", DEFAULT_ADDRESS)
    emulator = start_emulator(port=settings.EMULATOR_PORT)
    stack_record(emulator=settings.DYNAMODB_ENDPOINT_URL, api=f"http://{address}")
    print(f"Emulator (DynamoDB, Streams, S3, Glue) on {settings.DYNAMODB_ENDPOINT_URL}")
    print(f"Stack recorded in {STACK_FILE}: manage.py in another terminal uses it.")
    try:
        search_engine = start_search_engine(port=settings.SEARCH_PORT, data_dir=settings.SEARCH_DATA_DIR)
    except RuntimeError:
        stack_clear()
        emulator.stop()
        raise
    print(f"Search engine (noida-db, Elasticsearch API) on {search_engine.url}, data in {search_engine.data_dir}")
    try:
        from bookstore.dynamodb.registry import clients_build

        clients_build()  # every table's client on one botocore loader: seconds faster than one by one
        call_command("create_tables")  # before a restore, which writes into them
        from outbound.wiring import outbound_queues_ensure

        outbound_queues_ensure()
        with kept_durable(app=emulator.app) as recovered:
            if recovered.fresh:
                demo_setup()  # also builds the demo tenants' search indexes
            print("\nDemo admin accounts:")
            print(demo_credentials())
            # A daemon thread: it ends with the process (bookstore imports no app, so it goes through the command).
            poller = threading.Thread(target=call_command, args=("consume_streams",), name="stream-poller", daemon=True)
            poller.start()
            threading.Thread(target=_run_jobs, name="scheduled-jobs", daemon=True).start()
            # The outbound worker (webhook deliveries, emails), as Lambda's mapping of the queue on a stage.
            outbound = threading.Thread(target=call_command, args=("outbound_worker",), daemon=True)
            outbound.start()
            receiver = WebhookReceiver(
                port=int(os.environ.get("WEBHOOK_RECEIVER_PORT", DEFAULT_RECEIVER_PORT)),
                log_file=settings.LOCAL_STATE_DIR / "webhook-receiver" / "received.jsonl",
            )
            receiver.secrets = demo_endpoint_secrets(receiver.url)
            receiver.start()
            print(f"Webhook receiver of {DEMO_WEBHOOK_TENANT}'s endpoint on {receiver.url} (GET it to list deliveries)")
            print(f"Stream poller every {settings.STREAMS_POLL_INTERVAL_SECONDS}s; lake in {settings.LOCAL_STATE_DIR}")
            host, port = address.rsplit(":", 1)
            server = ApiServer((host, int(port))).start()
            print(f"\nAPI on http://{address}/api/v1/  (docs: http://{address}/api/docs/)  Ctrl-C stops.\n")
            while not stop.wait(0.5):
                pass
            print("Stopping: no new connections; answering the requests in flight...")
            answered = server.stop()
            print(f"API stopped ({answered} requests were in flight). Saving a snapshot...")
    except KeyboardInterrupt:  # a Ctrl-C before the API served: stop here too
        pass
    finally:
        stack_clear()
        search_engine.stop()
        emulator.stop()


def _stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C (SIGINT) or SIGTERM: `make run` then stops cleanly instead of dying mid-request."""
    stop = threading.Event()

    def request_stop(signum, frame):
        if stop.is_set():  # a second Ctrl-C while stopping
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop


def _run_jobs() -> None:
    """The stage's scheduled jobs, locally: expire unpaid orders every JOBS_INTERVAL_SECONDS."""
    import time

    from django.core.management import call_command

    while True:
        time.sleep(JOBS_INTERVAL_SECONDS)
        try:
            call_command("expire_pending_orders", verbosity=0)
        except Exception as exc:  # a failed run is reported and retried at the next interval
            print(f"expire_pending_orders failed: {exc}")


if __name__ == "__main__":
    main()
