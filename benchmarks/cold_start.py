"""Lambda cold start: a fresh interpreter to the first response through Zappa's handler.

    python -m benchmarks.cold_start

It runs the code Lambda runs: the dev stage's bundle (`deploy/bundle.py`, `zappa package`),
unzipped into a folder nothing can write bytecode to, as on Lambda, and run by an interpreter
that sees only that folder (`-S`). Each run is a new process that imports `zappa.handler`,
builds `LambdaHandler` on the settings `zappa save-python-settings-file dev` generates
(Django with the production settings, secrets from SSM), and serves one API Gateway event:
`GET /api/v1/health` or `GET /api/v1/books`. It runs the bundle twice: as Zappa packages it
(no `__pycache__`, so every module is compiled from source at every cold start) and as we
ship it (with the bytecode `bundle_add_bytecode` adds). The baseline is a bare
`import django; settings.configure(); django.setup()` from the shipped bundle, in the same run.
AWS calls go to the emulator started here (SSM for the secrets, DynamoDB for the books), so
the network part is loopback, much faster than a real container's first calls to AWS: the
figures are the import and set-up work.
Then `python -X importtime` names the ten top-level imports that cost the most.
"""

import json
import os
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
TENANT = "bench-cold"
DOMAIN = "api-dev.bookstore.example.com"

BASELINE = """
import time
import django
from django.conf import settings
settings.configure()
django.setup()
print(time.time())
"""

FIRST_RESPONSE = """
import time
started = time.time()
import json, sys
sys.path.insert(0, sys.argv[1])
from zappa.handler import LambdaHandler
imported = time.time()

class Context:
    aws_request_id = "cold-start"
    def get_remaining_time_in_millis(self):
        return 30000

handler = LambdaHandler("zappa_settings")
ready = time.time()
event = {
    "httpMethod": "GET", "path": sys.argv[2], "body": None, "isBase64Encoded": False,
    "headers": {"Host": sys.argv[3], "X-Forwarded-Proto": "https", "X-Tenant-ID": sys.argv[4]},
    "queryStringParameters": None,
    "requestContext": {"requestId": "cold", "identity": {"sourceIp": "203.0.113.7"}},
}
response = handler.handler(event, Context())
assert response["statusCode"] == 200, response
print(json.dumps([started, imported, ready]))
print(time.time())
"""


def _run(code: str, *args: str, bundle: Path, env: dict, importtime: bool = False) -> tuple[list[float], str]:
    """Seconds from spawning a fresh interpreter on `bundle` to each clock `code` printed (the last: the end)."""
    command = [sys.executable, "-S", *(["-X", "importtime"] if importtime else []), "-c", code, *args]
    spawned = time.time()
    result = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True, check=True)
    *phases, end = result.stdout.strip().splitlines()
    marks = (json.loads(phases[-1]) if phases else []) + [float(end)]
    return [mark - spawned for mark in marks], result.stderr


def _zappa_settings(folder: Path, settings) -> Path:
    """The dev stage's generated settings, with the data endpoints moved to this run's emulator."""
    zappa = Path(sys.executable).parent / "zappa"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"}
    target = folder / "zappa_settings.py"
    subprocess.run([str(zappa), "save-python-settings-file", "dev", "-o", str(target)], cwd=ROOT, env=env, check=True)
    overrides = {"DYNAMODB_TABLE_PREFIX": settings.DYNAMODB_TABLE_PREFIX, "AWS_REGION": settings.AWS_REGION}
    with target.open("a") as module:
        module.write(f"ENVIRONMENT_VARIABLES.update({overrides!r})\n")
    return folder


def _stage_environment(settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "DYNAMODB_"))}
    env.pop("PYTHONPATH", None)
    env.update(
        {
            "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's code folder is read-only
            "AWS_ACCESS_KEY_ID": settings.AWS_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": settings.AWS_SECRET_ACCESS_KEY,
            "AWS_ENDPOINT_URL_SSM": settings.AWS_ENDPOINT_URL,
            "DYNAMODB_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
        }
    )
    return env


def _seed() -> None:
    from bookstore.aws import client
    from bookstore.tenants import tenant_create
    from catalog.isbn import isbn13_check_digit
    from catalog.services import book_create

    ssm = client("ssm")
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"):
        ssm.put_parameter(Name=f"/bookstore/dev/{name}", Value=f"benchmark-{name}-" + "x" * 50, Type="SecureString")
    tenant_create(tenant_id=TENANT, name="Cold start benchmark")
    for n in range(20):
        first12 = f"979{n:09d}"
        book_create(
            tenant_id=TENANT,
            isbn=first12 + isbn13_check_digit(first12),
            title=f"Cold book {n}",
            author="Bench Author",
            category="Fiction",
            price=Decimal("10.00"),
            stock_quantity=5,
        )


def _unpack(archive: Path, folder: Path, *, bytecode: bool) -> Path:
    """The bundle unzipped into `folder`; without its pycs when `bytecode` is False (Zappa's own zip)."""
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(folder, [n for n in bundle.namelist() if bytecode or "/__pycache__/" not in f"/{n}"])
    return folder


def import_top(stderr: str, count: int = 10) -> list[tuple[str, float]]:
    """The `count` top-level imports with the largest cumulative time, from `-X importtime` output."""
    tops = []
    for line in stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(fields) != 3 or not fields[1].strip().isdigit():
            continue
        name = fields[2].removeprefix(" ")
        if not name.startswith(" "):  # nested imports are indented under their importer
            tops.append((name, int(fields[1]) / 1e6))
    return sorted(tops, key=lambda item: -item[1])[:count]


def main() -> None:
    archive = bundle_build("dev").path
    with emulated_stack(), tempfile.TemporaryDirectory() as folder:
        from django.conf import settings

        _seed()
        settings_dir = str(_zappa_settings(Path(folder), settings))
        env = _stage_environment(settings)
        shipped = _unpack(archive, Path(folder) / "shipped", bytecode=True)
        zappa_default = _unpack(archive, Path(folder) / "zappa-default", bytecode=False)
        baseline = statistics.median(_run(BASELINE, bundle=shipped, env=env)[0][-1] for _ in range(RUNS))
        rows = [("bare django.setup()", "", "", "", "", f"{baseline:.3f}", "1.0x")]
        for bundle, label in ((zappa_default, "no bytecode (Zappa's zip)"), (shipped, "with bytecode (shipped)")):
            for path in ("/api/v1/health", "/api/v1/books"):
                args = (settings_dir, path, DOMAIN, TENANT)
                runs = [_run(FIRST_RESPONSE, *args, bundle=bundle, env=env)[0] for _ in range(RUNS)]
                start, imported, ready, done = (statistics.median(run[i] for run in runs) for i in range(4))
                ratio = f"{done / baseline:.1f}x"
                rows.append(
                    (
                        f"GET {path}",
                        label,
                        f"{start:.3f}",
                        f"{imported - start:.3f}",
                        f"{ready - imported:.3f}",
                        f"{done:.3f}",
                        ratio,
                    )
                )
                record("cold start", f"GET {path}, {label}", f"{done:.3f} s ({ratio} bare django.setup())")
        record("cold start", "bare django.setup()", f"{baseline:.3f} s")
        print_table(
            (
                "fresh interpreter to",
                "bundle",
                "interpreter",
                "import zappa",
                "settings+SSM+setup",
                "first response",
                "x bare",
            ),
            rows,
        )
        print(f"(medians of {RUNS} runs, seconds; the request itself is the rest of the total)")
        args = (settings_dir, "/api/v1/health", DOMAIN, TENANT)
        _, stderr = _run(FIRST_RESPONSE, *args, bundle=shipped, env=env, importtime=True)
        print("\nImport time, top 10 top-level imports (cumulative, GET /api/v1/health, shipped bundle):")
        print_table(("module", "seconds"), [(name, f"{seconds:.3f}") for name, seconds in import_top(stderr)])


if __name__ == "__main__":
    main()
