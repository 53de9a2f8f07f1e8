"""CORS (django-cors-headers): only the stage's configured browser origins may call the API."""

import pytest


@pytest.fixture
def front_end(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]
    return "https://shop.example.com"


def test_a_configured_origin_may_call_the_api(api_client, front_end):
    preflight = api_client.options(
        "/api/v1/books",
        HTTP_ORIGIN=front_end,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-tenant-id, idempotency-key",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == front_end
    allowed = preflight["Access-Control-Allow-Headers"].split(", ")
    assert {"authorization", "x-tenant-id", "idempotency-key"} <= set(allowed)


def test_a_front_end_can_read_retry_after(api_client, front_end):
    response = api_client.get("/api/v1/health", HTTP_ORIGIN=front_end)
    assert response["Access-Control-Expose-Headers"] == "Retry-After"


def test_any_other_origin_gets_no_cors_headers(api_client, front_end):
    response = api_client.get("/api/v1/health", HTTP_ORIGIN="https://evil.example.net")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_by_default_no_origin_is_allowed(api_client):
    response = api_client.get("/api/v1/health", HTTP_ORIGIN="https://shop.example.com")
    assert "Access-Control-Allow-Origin" not in response
