"""The Lambda bundle (deploy/bundle.py): `zappa package dev` offline, measured, inspected and run.

Marked `bundle`: building it takes about two minutes (most of it compressing pyarrow), so
`-m "not bundle"` leaves it out while developing; `make test` runs it. The zip is built once
per test run, in the run's temporary folder, and every xdist worker reads that same file.
"""

import json
import subprocess
import sys
import zipfile
from pathlib import PurePosixPath

import pytest

from deploy.bundle import DEV_ONLY_PACKAGES, LAMBDA_UNZIPPED_LIMIT

pytestmark = pytest.mark.bundle

APPS = (
    "bookstore", "accounts", "catalog", "orders", "reviews", "recommendations", "analytics", "emails", "webhooks",
    "streams", "outbound",
)  # fmt: skip
RUN_IN_BUNDLE = """
import json, sys
sys.path.insert(0, ".")
import handler

class Context:
    aws_request_id = "bundle-test"
    def get_remaining_time_in_millis(self):
        return 30000

events = json.loads(sys.stdin.read())
print(json.dumps([handler.lambda_handler(event, Context()) for event in events]))
"""
PARQUET_IN_BUNDLE = """
import sys, tempfile
sys.path.insert(0, ".")
import pyarrow as pa, pyarrow.dataset as ds, pyarrow.fs, pyarrow.parquet as pq
folder = tempfile.mkdtemp()
table = pa.table({"tenant_id": ["tenant1", "tenant1"], "quantity": [1, 2]})
ds.write_dataset(table, folder, format="parquet", partitioning=["tenant_id"], partitioning_flavor="hive")
print(ds.dataset(folder, format="parquet", partitioning="hive").to_table()["quantity"].to_pylist(),
      pyarrow.fs.S3FileSystem.__name__)
"""


@pytest.fixture(scope="module")
def unpacked(task_root):
    """The bundle unpacked read-only, shared with the Lambda-shaped run (deploy/tests/conftest.py)."""
    return task_root


def run_isolated(code: str, *, cwd, env: dict | None = None, stdin: str = "") -> str:
    """Run `code` on the bundle alone: `-S` leaves every site-packages folder, the dev venv's too, off the path."""
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_the_bundle_fits_lambda_without_slim_handler(bundle):
    """With the bytecode (~23 MiB, worth 1.5 s of every cold start) it is ~214 MiB: 10% stays free."""
    assert bundle.unzipped_bytes < LAMBDA_UNZIPPED_LIMIT * 0.9, f"{bundle.unzipped_bytes / 2**20:.0f} MiB"


def test_no_dev_only_package_is_inside(bundle):
    distributions = {name.split("-")[0].lower().replace("_", "-") for name in bundle.top_level if "dist-info" in name}
    assert not bundle.names() & set(DEV_ONLY_PACKAGES)
    assert not distributions & {"moto", "noida-db", "tantivy", "duckdb", "pytest", "ruff", "import-linter"}


def test_the_apps_are_inside_without_tests_or_local_code(bundle):
    with zipfile.ZipFile(bundle.path) as archive:
        names = archive.namelist()
    assert {"handler.py", "zappa_settings.py", "django_zappa_app.py"} <= set(names)
    for app in APPS:
        assert f"{app}/__init__.py" in names, app
    never = ("local_stack/", "testing/", "benchmarks/", "deploy/", "e2e/", "resilience/", ".coverage")
    assert not [n for n in names if n.startswith(never)]
    assert not [n for n in names if n.split("/")[0] in APPS and "/tests/" in n]
    assert "conftest.py" not in names


def test_zappas_build_time_dependencies_stay_out(bundle):
    assert not bundle.names() & {"requests", "charset_normalizer", "idna", "click", "troposphere", "pip"}


def test_every_module_ships_its_bytecode(bundle):
    """Lambda's code folder is read-only: a module without its pyc is compiled at every cold start."""
    with zipfile.ZipFile(bundle.path) as archive:
        names = set(archive.namelist())
    sources = [PurePosixPath(n) for n in names if n.endswith(".py")]
    missing = [
        str(source)
        for source in sources
        if str(source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc") not in names
    ]
    assert len(sources) > 1000
    assert not missing, missing[:5]


def test_the_bytecode_is_loaded_without_checking_the_source(bundle, tmp_path):
    """Unzipping does not keep timestamps, so the pycs must not depend on them: a changed source is not read."""
    pyc = f"bookstore/__pycache__/__init__.{sys.implementation.cache_tag}.pyc"
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extract("bookstore/__init__.py", tmp_path)
        archive.extract(pyc, tmp_path)
    (tmp_path / "bookstore" / "__init__.py").write_text("raise SystemExit('compiled from source')\n")
    code = "import bookstore; print(bookstore.__doc__ is not None)"
    assert run_isolated(code, cwd=tmp_path, env={"PYTHONDONTWRITEBYTECODE": "1"}) == "True"


def test_the_unpacked_bundle_serves_health_a_spanish_error_and_stream_events(unpacked, stage_secrets, production_env):
    stage_secrets("dev", region="eu-west-1")  # the stage's region, which Zappa exports as AWS_REGION
    health = {
        "httpMethod": "GET",
        "path": "/api/v1/health",
        "headers": {"Host": "api-dev.bookstore.example.com", "X-Forwarded-Proto": "https"},
        "requestContext": {"requestId": "r1", "identity": {"sourceIp": "203.0.113.7"}},
        "body": None,
        "isBase64Encoded": False,
    }
    stream_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/bookstore-dev-books/stream/2026-01-01T00:00:00.000"
    books = {
        "Records": [
            {
                "eventID": "1",
                "eventName": "REMOVE",
                "eventSource": "aws:dynamodb",
                "eventSourceARN": stream_arn,
                "dynamodb": {
                    "Keys": {"pk": {"S": "tenant1#book-1"}, "sk": {"S": "BOOK"}},
                    "SequenceNumber": "100",
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }
        ]
    }
    # The catalogues are compiled into the bundle: a request that names no tenant, in Spanish.
    spanish = {**health, "path": "/api/v1/books", "headers": {**health["headers"], "Accept-Language": "es"}}
    output = run_isolated(
        RUN_IN_BUNDLE, cwd=unpacked, env=production_env("dev"), stdin=json.dumps([health, books, spanish])
    )
    served, streamed, refused = json.loads(output)
    assert refused["statusCode"] == 400
    assert json.loads(refused["body"])["error"]["message"] == (
        "Indica la tienda en la cabecera X-Tenant-ID o en el parámetro tenant_id."
    )
    assert served["statusCode"] == 200
    health_body = json.loads(served["body"])
    assert health_body["status"] == "ok"
    assert health_body["services"]["search"] in {"ok", "unavailable"}  # no engine is configured here
    assert served["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert set(streamed) == {"batchItemFailures"}  # routed to streams.lambda_entry.handle


def test_the_trimmed_pyarrow_still_writes_and_reads_partitioned_parquet(unpacked):
    assert run_isolated(PARQUET_IN_BUNDLE, cwd=unpacked) == "[1, 2] S3FileSystem"
