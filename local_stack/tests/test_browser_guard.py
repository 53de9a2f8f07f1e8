"""The emulator refuses web pages (local_stack/browser_guard.py), and still serves signed clients.

Talks to the session's emulator over HTTP, as a browser would (httpx with browser headers)
and as the app does (boto3).
"""

import httpx
import pytest
from django.conf import settings

from bookstore.aws import client
from local_stack.browser_guard import from_a_browser

EVIL = "https://evil.example"
LIST_TABLES = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}


@pytest.fixture
def emulator_url(emulator):
    return settings.DYNAMODB_ENDPOINT_URL


def _no_cors_headers(response: httpx.Response) -> bool:
    return not any(name.lower().startswith("access-control-") for name in response.headers)


def test_a_preflight_from_another_origin_is_403_without_cors_headers(emulator_url):
    response = httpx.options(
        emulator_url + "/",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-amz-target,content-type",
        },
    )
    assert response.status_code == 403
    assert _no_cors_headers(response), response.headers


def test_a_post_carrying_an_origin_is_403_and_never_reaches_the_emulator(emulator_url):
    refused = httpx.post(emulator_url + "/", headers={**LIST_TABLES, "Origin": EVIL}, content=b"{}")
    assert refused.status_code == 403
    assert _no_cors_headers(refused), refused.headers
    assert b"TableNames" not in refused.content

    unsigned_but_no_browser = httpx.post(emulator_url + "/", headers=LIST_TABLES, content=b"{}")
    assert unsigned_but_no_browser.status_code == 200  # the guard, not moto, refused the first one


def test_requests_without_origin_that_a_page_caused_are_refused(emulator_url):
    image_tag = httpx.get(emulator_url + "/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert image_tag.status_code == 403
    rebound_dns = httpx.post(emulator_url + "/", headers={**LIST_TABLES, "Host": "evil.example:5005"}, content=b"{}")
    assert rebound_dns.status_code == 403


def test_signed_clients_still_work(emulator_url):
    dynamodb = client("dynamodb")
    assert any(name.endswith("shopping_cart") for name in dynamodb.list_tables()["TableNames"])
    assert "Buckets" in client("s3").list_buckets()


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({}, False),
        ({"HTTP_HOST": "127.0.0.1:5005"}, False),
        ({"HTTP_HOST": "localhost:5005"}, False),
        ({"HTTP_HOST": "[::1]:5005"}, False),
        ({"HTTP_SEC_FETCH_SITE": "none"}, False),  # an address the developer typed
        ({"HTTP_SEC_FETCH_SITE": "same-origin"}, False),  # moto's dashboard calling itself
        ({"HTTP_ORIGIN": "null"}, True),
        ({"HTTP_ORIGIN": "http://127.0.0.1:8000"}, True),
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, True),
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, True),
        ({"HTTP_HOST": "evil.example"}, True),
        ({"HTTP_HOST": "10.0.0.2:5005"}, True),
    ],
)
def test_what_counts_as_a_browser(headers, refused):
    assert from_a_browser(headers) is refused
