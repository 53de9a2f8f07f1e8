"""`make run`: start the patched emulator, create the tables, seed demo tenants, serve the API.

The stream poller (`consume_streams`) runs in a background thread with a short poll
interval, so the stream handlers (search index, data lake, best-sellers) follow every
write as the Lambda event source mappings do on AWS. Everything runs in this one
process, so Ctrl-C (or SIGTERM) stops it all. The data is restored from the last local
snapshot at start, before the poller starts, and saved every few minutes and when stopped
(`bookstore/local/snapshots.py`); the demo tenants are seeded on a first start only.
While it runs, `manage.py` commands in another terminal reach the same emulator on
EMULATOR_PORT (default 5005).
"""

import os
import threading

DEMO_BOOKS = int(os.environ.get("BOOKSTORE_DEMO_BOOKS", "300"))  # the browser tests seed fewer
# How often `make run` runs the scheduled jobs a stage runs from Zappa's schedule events.
JOBS_INTERVAL_SECONDS = 300
DEMO_TENANTS = (
    ("tenant1", "Demo Bookshop One", "admin@tenant1.example.com", "tenant1-admin-pass"),
    ("tenant2", "Demo Bookshop Two", "admin@tenant2.example.com", "tenant2-admin-pass"),
)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    from bookstore.local.emulator import start_emulator
    from bookstore.local.snapshots import kept_in_snapshots

    address = os.environ.get("RUN_ADDRESS", "127.0.0.1:8000")
    emulator = start_emulator(port=settings.EMULATOR_PORT)
    print(f"Emulator (DynamoDB, Streams, S3, Glue) on {settings.DYNAMODB_ENDPOINT_URL}")
    try:
        call_command("create_tables")
        with kept_in_snapshots() as restored:
            if restored is None:
                for tenant_id, name, email, password in DEMO_TENANTS:
                    call_command("create_tenant", tenant_id, name=name, admin_email=email, admin_password=password)
                    call_command("seed_catalog", tenant=tenant_id, count=DEMO_BOOKS, seed=0)
            print("\nDemo admin accounts:")
            for tenant_id, _, email, password in DEMO_TENANTS:
                print(f"  tenant_id={tenant_id}  email={email}  password={password}")
            # A daemon thread: it ends with the process (bookstore imports no app, so it goes through the command).
            poller = threading.Thread(target=call_command, args=("consume_streams",), name="stream-poller", daemon=True)
            poller.start()
            threading.Thread(target=_run_jobs, name="scheduled-jobs", daemon=True).start()
            print(f"Stream poller every {settings.STREAMS_POLL_INTERVAL_SECONDS}s; lake in {settings.LOCAL_STATE_DIR}")
            print(f"\nAPI on http://{address}/api/v1/  (docs: http://{address}/api/docs/)\n")
            call_command("runserver", address, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


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
