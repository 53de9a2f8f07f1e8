"""The stage's Lambda entry, driven offline: `zappa.handler.LambdaHandler` with the settings Zappa generates.

`zappa save-python-settings-file dev` writes the module the real bundle carries; the handler
loads it and serves API Gateway v1 (REST) and v2 (HTTP API) events, DynamoDB Streams events
and scheduled events, against the emulator. Django is already set up with the test settings
(Zappa only sets DJANGO_SETTINGS_MODULE if it is unset), so the handler serves this test
session's app. The handler is a process singleton: each test gets a fresh one, and the
environment variables it exports are put back afterwards.
"""

import base64
import json
import os
import subprocess
import sys
import types
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from zappa.handler import LambdaHandler

ROOT = Path(__file__).resolve().parent.parent.parent
DOMAIN = "api-dev.bookstore.example.com"
CLIENT_IP = "203.0.113.7"
STREAM_EVENT = ROOT / "streams" / "tests" / "fixtures" / "dynamodb_stream_event.json"


@pytest.fixture(scope="module")
def zappa_settings_file(tmp_path_factory):
    """The dev stage's generated settings module (DJANGO_SETTINGS, ENVIRONMENT_VARIABLES, event map...)."""
    folder = tmp_path_factory.mktemp("zappa")
    zappa = Path(sys.executable).parent / "zappa"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"}
    subprocess.run(
        [str(zappa), "save-python-settings-file", "dev", "-o", str(folder / "zappa_settings.py")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return folder / "zappa_settings.py"


@pytest.fixture
def lambda_handler(zappa_settings_file, monkeypatch, settings):
    """A fresh LambdaHandler on the generated settings; the process environment is restored afterwards."""
    from streams import zappa_routing

    saved_environ = dict(os.environ)
    monkeypatch.syspath_prepend(str(zappa_settings_file.parent))
    monkeypatch.delitem(sys.modules, "zappa_settings", raising=False)
    settings.ALLOWED_HOSTS = [DOMAIN]
    LambdaHandler._LambdaHandler__instance = None
    LambdaHandler.settings = None
    handler = LambdaHandler("zappa_settings")
    # In a container Django starts after Zappa imported its settings, and StreamsConfig.ready()
    # installs the stream routing then; here Django started first, so install it the same way.
    zappa_routing.install()
    yield handler
    LambdaHandler._LambdaHandler__instance = None
    LambdaHandler.settings = None
    os.environ.clear()
    os.environ.update(saved_environ)


class Context:
    """The parts of a Lambda context object the handler reads."""

    aws_request_id = "lambda-invocation-1"
    function_name = "bookstore-dev"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def rest_event(method: str, path: str, *, body: dict | None = None, headers: dict | None = None) -> dict:
    """An API Gateway REST API (payload v1) proxy event, as on the stage's custom domain."""
    all_headers = {
        "Host": DOMAIN,
        "Content-Type": "application/json",
        "X-Forwarded-For": f"198.51.100.66, {CLIENT_IP}",  # the first entry is written by the client
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        **(headers or {}),
    }
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "requestId": f"rest-{uuid.uuid4()}",
            "stage": "dev",
            "httpMethod": method,
            "path": f"/dev{path}",
            "identity": {"sourceIp": CLIENT_IP, "userAgent": "curl/8"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def http_api_event(method: str, path: str, *, body: dict | None = None, headers: dict | None = None) -> dict:
    """An API Gateway HTTP API (payload v2) event on the `$default` stage."""
    all_headers = {
        "host": DOMAIN,
        "content-type": "application/json",
        "x-forwarded-for": f"198.51.100.66, {CLIENT_IP}",
        "x-forwarded-proto": "https",
        "x-forwarded-port": "443",
        **{name.lower(): value for name, value in (headers or {}).items()},
    }
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": all_headers,
        "requestContext": {
            "requestId": f"http-{uuid.uuid4()}",
            "stage": "$default",
            "domainName": DOMAIN,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": CLIENT_IP},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def body_of(response: dict) -> dict:
    raw = response["body"]
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return json.loads(raw)


EVENT_SHAPES = pytest.mark.parametrize("make_event", [rest_event, http_api_event], ids=["rest-v1", "http-api-v2"])


def test_the_generated_settings_name_the_production_settings_and_no_stream_events(zappa_settings_file):
    generated = types.ModuleType("generated")
    exec(zappa_settings_file.read_text(), generated.__dict__)
    assert generated.DJANGO_SETTINGS == "bookstore.settings.production"
    assert generated.DEBUG is False  # Zappa's debug mode logs whole events, Authorization headers included
    assert generated.AWS_EVENT_MAPPING == {}  # streams are wired by wire_streams, not by Zappa
    assert generated.ENVIRONMENT_VARIABLES["BOOKSTORE_DOMAIN"] == generated.DOMAIN == DOMAIN


@EVENT_SHAPES
def test_health(lambda_handler, make_event):
    response = lambda_handler.handler(make_event("GET", "/api/v1/health"), Context())
    assert response["statusCode"] == 200
    assert body_of(response) == {"status": "ok", "services": {"search": "ok"}}


@EVENT_SHAPES
def test_login_then_an_authenticated_cart_call(lambda_handler, make_event, customer, password, book, cart_with):
    cart_with(customer, book, 2)
    login = lambda_handler.handler(
        make_event(
            "POST",
            "/api/v1/users/login",
            body={"email": customer.email, "password": password, "tenant_id": customer.tenant_id},
        ),
        Context(),
    )
    assert login["statusCode"] == 200, login["body"]
    access = body_of(login)["access"]

    cart = lambda_handler.handler(
        make_event("GET", "/api/v1/cart", headers={"Authorization": f"Bearer {access}"}), Context()
    )
    assert cart["statusCode"] == 200, cart["body"]
    lines = body_of(cart)["items"]
    assert [(line["book_id"], line["quantity"]) for line in lines] == [(book.book_id, 2)]

    anonymous = lambda_handler.handler(make_event("GET", "/api/v1/cart"), Context())
    assert anonymous["statusCode"] == 401


@EVENT_SHAPES
def test_the_client_address_is_api_gateways_source_ip(lambda_handler, make_event, settings, tenant, clock):
    """A client-written X-Forwarded-For entry never becomes the address a limit counts."""
    from bookstore.models import RateLimitCounter
    from bookstore.ratelimit import plan_chunk, plan_window

    settings.TENANT_RATE_LIMITS_ENABLED = True
    event = make_event("GET", "/api/v1/books", headers={"X-Tenant-ID": tenant.tenant_id})
    limit, _ = plan_window(tenant.plan)
    for _ in range(plan_chunk(limit)):  # a container writes its count once per chunk of hits
        assert lambda_handler.handler(event, Context())["statusCode"] == 200
    keys = [counter.key for counter in RateLimitCounter.scan()]
    assert len(keys) == 1
    assert f"#ip:{CLIENT_IP}#" in keys[0]


@pytest.fixture
def request_log():
    """The request log's records as production formats them (JSON lines)."""
    import io
    import logging

    from bookstore.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("bookstore.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_request_is_logged_as_one_json_line_without_secrets(request_log, lambda_handler, customer, password):
    event = rest_event(
        "POST",
        "/api/v1/users/login",
        body={"email": customer.email, "password": password, "tenant_id": customer.tenant_id},
    )
    access = body_of(lambda_handler.handler(event, Context()))["access"]
    cart = rest_event("GET", "/api/v1/cart", headers={"Authorization": f"Bearer {access}"})
    lambda_handler.handler(cart, Context())

    login_line, cart_line = request_log()
    assert login_line["request_id"] == event["requestContext"]["requestId"]
    assert (login_line["method"], login_line["path"], login_line["status"]) == ("POST", "/api/v1/users/login", 200)
    assert login_line["latency_ms"] > 0
    assert (cart_line["tenant"], cart_line["user"], cart_line["status"]) == (customer.tenant_id, customer.user_id, 200)
    for line in (login_line, cart_line):
        assert password not in json.dumps(line)
        assert access not in json.dumps(line)


def stage_stream_event(table: str) -> dict:
    """The documented Streams event's records of `table`, on this stage's stream ARN."""
    from django.conf import settings

    event = json.loads(STREAM_EVENT.read_text())
    table_arn = f"arn:aws:dynamodb:eu-west-1:123456789012:table/{settings.DYNAMODB_TABLE_PREFIX}{table}"
    arn = f"{table_arn}/stream/2026-01-01T00:00:00.000"
    records = [r for r in event["Records"] if f"-{table}/" in r["eventSourceARN"]]
    return {"Records": [{**record, "eventSourceARN": arn} for record in records]}


def test_a_purchases_stream_event_reaches_the_stream_entry_point(lambda_handler, lake_rows, units_sold):
    event = stage_stream_event("purchases")
    insert = {"Records": event["Records"][:1]}
    response = lambda_handler.handler(insert, Context())
    assert response == {"batchItemFailures": []}
    assert units_sold("tenant1", "book-a") == 2
    assert {row["event_type"] for row in lake_rows()} == {"purchased"}


def test_a_books_stream_event_reaches_the_stream_entry_point(lambda_handler):
    event = stage_stream_event("books")
    response = lambda_handler.handler(event, Context())
    # Zappa answers None when no function is mapped; the entry point always reports its failures.
    assert set(response) == {"batchItemFailures"}
    sequence_numbers = {record["dynamodb"]["SequenceNumber"] for record in event["Records"]}
    assert {failure["itemIdentifier"] for failure in response["batchItemFailures"]} <= sequence_numbers


def scheduled_event(function: str) -> dict:
    """The EventBridge event of a Zappa schedule: the rule is named `{project}-{stage}-{function}`."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-01-01T01:30:00Z",
        "region": "eu-west-1",
        "resources": [f"arn:aws:events:eu-west-1:123456789012:rule/bookstore-dev-{function}"],
        "detail": {},
    }


def test_the_hourly_schedule_expires_unpaid_orders(lambda_handler, customer, book, placed_order, clock, stock_of):
    order = placed_order(customer, book, quantity=2, payment_method="transfer")
    assert stock_of(book) == 8
    clock.advance(timedelta(hours=49))

    lambda_handler.handler(scheduled_event("bookstore.scheduled.expire_pending_orders"), Context())

    from orders.models import Purchase

    assert Purchase.get(order.pk, order.sk, consistent_read=True).status == "cancelled"
    assert stock_of(book) == 10


@EVENT_SHAPES
def test_an_error_in_spanish_for_accept_language_es(lambda_handler, make_event):
    event = make_event("GET", "/api/v1/books", headers={"Accept-Language": "es-ES,es;q=0.9"})
    response = lambda_handler.handler(event, Context())
    assert response["statusCode"] == 400
    assert body_of(response)["error"] == {
        "code": "tenant_required",
        "message": "Indica la tienda en la cabecera X-Tenant-ID o en el parámetro tenant_id.",
        "details": {},
    }
    assert response["headers"]["Content-Language"] == "es"
