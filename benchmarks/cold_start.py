"""Lambda cold start, split as Lambda splits it: INIT (the handler's module loading), the first invoke, a warm invoke.

    python -m benchmarks.cold_start

It runs the code Lambda runs: the dev stage's bundle (`deploy/bundle.py`, `zappa package`
plus its bytecode), unzipped into a read-only folder as Lambda's `/var/task` is, and run by
deploy/lambda_runtime.py in a fresh interpreter that sees only that folder (`python -I -S`).
Each cold start is a new process: INIT imports the stage's handler module and reports its
duration (what Lambda bills as Init Duration, and what provisioned concurrency runs ahead of
traffic); then one API Gateway event is the first invoke, and the same event sent
`WARM_INVOKES` more times gives the warm invoke (their median). Two handlers are compared:

- `bookstore.lambda_handler.lambda_handler` (the stage's): INIT builds Zappa's handler, so the
  settings, the SSM secrets, `django.setup()`, the URL conf and views, the first URL
  resolutions and the DynamoDB clients are all done before the first event;
- `handler.lambda_handler` (Zappa's own): INIT only imports Zappa, and the first invoke does
  all of that.

For `GET /api/v1/health` and a book page (`GET /api/v1/books/{id}`). Goal: with the stage's
handler, the first invoke is within 1.5x a warm invoke. AWS calls go to the emulator started
here (SSM for the secrets, DynamoDB for the book), on loopback: much faster than a real
container's first calls to AWS, so the figures are the import and set-up work.
"""

import json
import os
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

from benchmarks.harness import emulated_stack, print_table, record
from deploy.bundle import bundle_build

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
WARM_INVOKES = 5
GOAL_FIRST_OVER_WARM = 1.5
TENANT = "bench-cold"
DOMAIN = "api-dev.bookstore.example.com"
HANDLERS = (
    ("bookstore.lambda_handler.lambda_handler", "stage's (INIT sets up)"),
    ("handler.lambda_handler", "Zappa's own"),
)


def api_event(path: str) -> dict:
    headers = {"Host": DOMAIN, "X-Forwarded-Proto": "https", "X-Tenant-ID": TENANT}
    return {
        "httpMethod": "GET",
        "path": path,
        "body": None,
        "isBase64Encoded": False,
        "headers": headers,
        "queryStringParameters": None,
        "requestContext": {"requestId": "cold", "identity": {"sourceIp": "203.0.113.7"}},
    }


def _seed() -> str:
    """The secrets in the emulator's SSM and a tenant with 20 books; returns one book's id."""
    from bookstore.aws import client
    from bookstore.tenants import tenant_create
    from catalog.isbn import isbn13_check_digit
    from catalog.services import book_create

    ssm = client("ssm")
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"):
        ssm.put_parameter(Name=f"/bookstore/dev/{name}", Value=f"benchmark-{name}-" + "x" * 50, Type="SecureString")
    tenant_create(tenant_id=TENANT, name="Cold start benchmark")
    books = []
    for n in range(20):
        first12 = f"979{n:09d}"
        books.append(
            book_create(
                tenant_id=TENANT,
                isbn=first12 + isbn13_check_digit(first12),
                title=f"Cold book {n}",
                author="Bench Author",
                category="Fiction",
                price=Decimal("10.00"),
                stock_quantity=5,
            )
        )
    return books[0].book.book_id


def _unpack_read_only(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(folder)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return folder


def _environment(settings, task_root: Path, handler: str) -> dict:
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": handler,
        "AWS_LAMBDA_FUNCTION_NAME": "bookstore-dev",
        "AWS_REGION": settings.AWS_REGION,
        "AWS_ACCESS_KEY_ID": settings.AWS_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": settings.AWS_SECRET_ACCESS_KEY,
        "AWS_ENDPOINT_URL": settings.AWS_ENDPOINT_URL,
        "DYNAMODB_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
    }


def cold_start(*, task_root: Path, env: dict, stage_environment: dict, event: dict) -> dict[str, float]:
    """One container: seconds from spawn to INIT's end, INIT itself, the first invoke, the median warm invoke."""
    command = [
        sys.executable,
        "-I",
        "-S",
        str(ROOT / "deploy" / "lambda_runtime.py"),
        "--stage-environment",
        json.dumps(stage_environment),
    ]
    spawned = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=task_root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        init = json.loads(process.stdout.readline())
        if "init_seconds" not in init:
            raise RuntimeError(init.get("init_error", "the runtime exited during INIT"))
        ready = time.perf_counter() - spawned
        invokes = []
        for _ in range(1 + WARM_INVOKES):
            process.stdin.write(json.dumps(event) + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            if answer.get("result", {}).get("statusCode") != 200:
                raise RuntimeError(f"{event['path']}: {answer}")
            invokes.append(answer["seconds"])
    finally:
        process.kill()
        process.wait()
    return {
        "ready": ready,
        "init": init["init_seconds"],
        "first": invokes[0],
        "warm": statistics.median(invokes[1:]),
    }


def main() -> None:
    archive = bundle_build("dev").path
    with emulated_stack(), tempfile.TemporaryDirectory() as folder:
        from django.conf import settings

        book_id = _seed()
        task_root = _unpack_read_only(archive, Path(folder) / "task")
        stage_environment = {
            # The stage's values that name this run's emulator and tables (Zappa's settings would win otherwise).
            "AWS_REGION": settings.AWS_REGION,
            "DYNAMODB_TABLE_PREFIX": settings.DYNAMODB_TABLE_PREFIX,
            "ELASTICSEARCH_URL": "http://127.0.0.1:9",  # nothing listens: the health probe answers at once
        }
        rows = []
        for handler, label in HANDLERS:
            env = _environment(settings, task_root, handler)
            for path in ("/api/v1/health", f"/api/v1/books/{book_id}"):
                runs = [
                    cold_start(task_root=task_root, env=env, stage_environment=stage_environment, event=api_event(path))
                    for _ in range(RUNS)
                ]
                ready, init, first, warm = (statistics.median(run[key] for run in runs) for key in runs[0])
                shown = "GET /api/v1/books/{id}" if "books" in path else f"GET {path}"
                ratio = first / warm
                rows.append(
                    (
                        shown,
                        label,
                        f"{ready:.3f}",
                        f"{init:.3f}",
                        f"{first * 1000:.1f}",
                        f"{warm * 1000:.1f}",
                        f"{ratio:.1f}x",
                    )
                )
                record(
                    "cold start",
                    f"{shown}, {label}",
                    f"INIT {init:.3f} s, first invoke {first * 1000:.0f} ms = {ratio:.1f}x warm ({warm * 1000:.0f} ms)",
                )
        print_table(
            ("request", "handler", "spawn to ready s", "INIT s", "first invoke ms", "warm invoke ms", "first/warm"),
            rows,
        )
        print(
            f"(medians of {RUNS} cold starts; warm: median of {WARM_INVOKES} more invokes each; "
            f"goal with the stage's handler: first/warm <= {GOAL_FIRST_OVER_WARM})"
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.test")
    main()
