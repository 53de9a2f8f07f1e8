"""Tracing (bookstore/tracing.py): off by default and never imported then; on, AWS and search calls are subsegments.

A fresh interpreter loads the production settings with XRAY_TRACING on, opens a segment as
Lambda's active tracing would (here by hand, with the SDK's recorder sending to an emitter
that keeps what it is given), serves a catalogue read and a search through Django, lists the
S3 buckets, and reports the subsegments recorded. What is not proven offline: that Lambda
opens the segment (zappa's `xray_tracing` sets TracingConfig Active) and that the X-Ray daemon
accepts what the SDK sends.
"""

import json
import subprocess
import sys

from django.conf import settings

TRACED_REQUESTS = """
import json, sys
from django.core.wsgi import get_wsgi_application
from django.test import Client
get_wsgi_application()
from aws_xray_sdk.core import xray_recorder
from bookstore.aws import client

class KeptEntities:
    def __init__(self):
        self.entities = []
    def send_entity(self, entity):
        self.entities.append(entity)
    def set_daemon_address(self, address):
        pass

kept = KeptEntities()
xray_recorder.configure(emitter=kept, streaming_threshold=10_000)
web = Client(HTTP_HOST="api-test.bookstore.example.com", HTTP_X_FORWARDED_PROTO="https", HTTP_X_TENANT_ID=sys.argv[1])
xray_recorder.begin_segment("bookstore-test")
codes = [web.get("/api/v1/books", secure=True).status_code,
         web.get("/api/v1/books/search", {"q": "code"}, secure=True).status_code]
client("s3").list_buckets()
xray_recorder.end_segment()

def walk(entity):
    for sub in entity.subsegments:
        yield [sub.name, sub.namespace]
        yield from walk(sub)

print(json.dumps([codes, [pair for segment in kept.entities for pair in walk(segment)]]))
"""

OFF = """
import sys
from django.core.wsgi import get_wsgi_application
from django.test import Client
get_wsgi_application()
web = Client(HTTP_HOST="api-test.bookstore.example.com", HTTP_X_FORWARDED_PROTO="https", HTTP_X_TENANT_ID=sys.argv[1])
assert web.get("/api/v1/books/search", {"q": "code"}, secure=True).status_code == 200
print("aws_xray_sdk" in sys.modules)
"""


def run(script: str, tenant_id: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, tenant_id],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def traced_env(production_env, **overrides: str) -> dict[str, str]:
    return production_env(
        "test", AWS_ENDPOINT_URL=settings.AWS_ENDPOINT_URL, ELASTICSEARCH_URL=settings.ELASTICSEARCH_URL, **overrides
    )


def test_with_tracing_on_dynamodb_s3_and_search_calls_are_subsegments(
    stage_secrets, production_env, tenant, book_factory, index_books
):
    stage_secrets("test")
    index_books(book_factory(title="Clean Code"))

    codes, subsegments = json.loads(
        run(TRACED_REQUESTS, tenant.tenant_id, traced_env(production_env, XRAY_TRACING="true"))
    )

    assert codes == [200, 200]
    assert ["dynamodb", "aws"] in subsegments
    assert ["s3", "aws"] in subsegments
    assert ["elasticsearch", "remote"] in subsegments


def test_with_tracing_off_the_sdk_is_never_imported(stage_secrets, production_env, tenant, book_factory, index_books):
    stage_secrets("test")
    index_books(book_factory(title="Clean Code"))

    assert run(OFF, tenant.tenant_id, traced_env(production_env)) == "False"


def test_each_stage_turns_tracing_on_in_lambda_and_in_the_app_together():
    stages = json.loads((settings.BASE_DIR / "zappa_settings.json").read_text())
    for name, stage in stages.items():
        app_side = stage.get("environment_variables", {}).get("XRAY_TRACING", "false").lower()
        assert bool(stage.get("xray_tracing", False)) == (app_side in {"1", "true", "yes", "on"}), name
