"""What a cold container imports to serve its first request: nothing the first request does not need.

A fresh interpreter loads the production settings (secrets from the emulator's SSM), serves
`GET /api/v1/health` and `GET /api/v1/books` through Django's WSGI handler, and reports which
heavy or schema-only modules it imported. The timings are in `benchmarks/cold_start.py`.
"""

import json

# drf-spectacular's AutoSchema is imported by every `@extend_schema` as views load; its
# generator and views stay out until a schema is asked for (they cost ~10 ms: not worth more).
DEFERRED = ("pyarrow", "elasticsearch", "elasticsearch_dsl", "duckdb", "moto", "storages.backends.s3", "tqdm")
FIRST_REQUESTS = f"""
import json, sys
from django.core.wsgi import get_wsgi_application
from django.test import Client
get_wsgi_application()
client = Client(HTTP_HOST="api-test.bookstore.example.com", HTTP_X_FORWARDED_PROTO="https")
codes = [client.get("/api/v1/health", secure=True).status_code,
         client.get("/api/v1/books", HTTP_X_TENANT_ID=sys.argv[1], secure=True).status_code]
print(json.dumps([codes, sorted(m for m in {DEFERRED!r} if m in sys.modules)]))
"""


def test_the_first_requests_import_no_heavy_or_schema_module(stage_secrets, production_env, tenant, book):
    import subprocess
    import sys

    from django.conf import settings

    stage_secrets("test")
    result = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS, tenant.tenant_id],
        cwd=settings.BASE_DIR,
        env=production_env("test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    codes, imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert codes == [200, 200]
    assert imported == []
