"""Tests of bookstore/caching.py: ETag, 304 and who may cache a read; no-store on tokens and personal data."""

import time

import pytest

from testing.waiting import wait_until

BOOKS = "/api/v1/books"


@pytest.fixture
def public_urls(book):
    """Every public catalogue read, for a tenant holding one book."""
    return [
        BOOKS,
        f"{BOOKS}/{book.book_id}",
        f"{BOOKS}/isbn/{book.isbn}",
        f"{BOOKS}/categories",
        f"{BOOKS}/authors?prefix=ga",
        f"{BOOKS}/bestsellers",
    ]


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_every_anonymous_catalogue_read_is_public_with_an_etag(api_client, tenant, public_urls, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 45
    settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE = 300
    for url in public_urls:
        response = api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id)
        assert response.status_code == 200, url
        assert response["ETag"].startswith('"'), url
        assert _directives(response) == {"public", "max-age=45", "stale-while-revalidate=300"}, url
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"x-tenant-id", "authorization", "accept"} <= vary, url


def test_a_matching_if_none_match_is_304_without_a_body(api_client, tenant, public_urls):
    for url in public_urls:
        first = api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id)
        again = api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert "public" in _directives(again)


def test_a_change_to_the_book_changes_the_etag(api_client, admin_client, tenant, book):
    url = f"{BOOKS}/{book.book_id}"
    first = api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id)
    assert admin_client.patch(url, {"description": "Now with a new preface."}, format="json").status_code == 200

    after = api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after.json()["description"] == "Now with a new preface."
    assert after["ETag"] != first["ETag"]


def test_another_tenant_gets_its_own_body_and_etag(api_client, tenant, other_tenant, book, book_factory):
    book_factory(other_tenant, title="Otra tienda")
    mine = api_client.get(BOOKS, HTTP_X_TENANT_ID=tenant.tenant_id)
    theirs = api_client.get(BOOKS, HTTP_X_TENANT_ID=other_tenant.tenant_id, HTTP_IF_NONE_MATCH=mine["ETag"])
    assert theirs.status_code == 200
    assert [b["title"] for b in theirs.json()["results"]] == ["Otra tienda"]


def test_reads_with_credentials_are_private(customer_client, admin_client, book):
    for client in (customer_client, admin_client):
        response = client.get(f"{BOOKS}/{book.book_id}")
        assert response.status_code == 200
        assert _directives(response) == {"private", "no-cache"}
        # The caller's own browser may still revalidate.
        again = client.get(f"{BOOKS}/{book.book_id}", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304


def test_the_users_own_data_is_private(customer_client):
    response = customer_client.get("/api/v1/cart")
    assert response.status_code == 200
    assert "public" not in _directives(response)
    assert "private" in _directives(response)


def test_errors_are_never_stored(api_client, tenant):
    missing = api_client.get(f"{BOOKS}/00000000-0000-4000-8000-000000000000", HTTP_X_TENANT_ID=tenant.tenant_id)
    assert missing.status_code == 404
    assert "no-store" in _directives(missing)
    assert "ETag" not in missing

    no_tenant = api_client.get(BOOKS)
    assert no_tenant.status_code == 400
    assert "no-store" in _directives(no_tenant)


def test_the_browsable_html_page_is_not_public(api_client, tenant):
    response = api_client.get(BOOKS, HTTP_X_TENANT_ID=tenant.tenant_id, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "public" not in _directives(response)


def test_writes_carry_no_cache_headers(admin_client, book):
    response = admin_client.patch(f"{BOOKS}/{book.book_id}", {"title": "Otro"}, format="json")
    assert response.status_code == 200
    assert "ETag" not in response
    assert "Cache-Control" not in response


def test_the_tenant_in_the_query_string_is_public_too(api_client, tenant):
    response = api_client.get(BOOKS, {"tenant_id": tenant.tenant_id})
    assert response.status_code == 200
    assert "public" in _directives(response)


def test_a_tenant_picked_by_cookie_is_not_public(api_client, tenant, settings):
    # A cache keyed on the URL and X-Tenant-ID would serve this shop's page to another.
    api_client.cookies[settings.TENANT_COOKIE_NAME] = tenant.tenant_id
    response = api_client.get(BOOKS)
    assert response.status_code == 200
    assert "public" not in _directives(response)
    assert "private" in _directives(response)


def test_a_page_with_a_next_cursor_keeps_its_etag_from_one_second_to_the_next(api_client, tenant, book_factory):
    for _ in range(3):
        book_factory()
    first = api_client.get("/api/v1/books", {"limit": 2}, HTTP_X_TENANT_ID=tenant.tenant_id)
    assert first.json()["next"]
    second = int(time.time())
    # In the next second, a signed cursor that carried its signing time (whole seconds) would change.
    wait_until(lambda: int(time.time()) > second, what="the next second")
    again = api_client.get(
        "/api/v1/books", {"limit": 2}, HTTP_X_TENANT_ID=tenant.tenant_id, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def _login(api_client, customer, password):
    body = {"email": customer.email, "password": password, "tenant_id": "tenant1"}
    return api_client.post("/api/v1/users/login", body, format="json")


def test_responses_with_tokens_are_never_stored(api_client, customer, password):
    login = _login(api_client, customer, password)
    refresh = api_client.post("/api/v1/users/token/refresh", {"refresh": login.json()["refresh"]}, format="json")
    register = api_client.post(
        "/api/v1/users/register",
        {"email": "new@example.com", "password": "a-long-password", "tenant_id": "tenant1"},
        format="json",
    )
    logout = api_client.post("/api/v1/users/logout", {"refresh": login.json()["refresh"]}, format="json")
    failed = api_client.post("/api/v1/users/login", {"email": "x@example.com", "password": "nope"}, format="json")
    for response, status in ((login, 200), (refresh, 200), (register, 201), (logout, 204), (failed, 400)):
        assert response.status_code == status
        assert {"no-store", "private"} <= _directives(response), response.request["PATH_INFO"]


@pytest.mark.parametrize(
    "path", ["/api/v1/users/profile", "/api/v1/users/favorites", "/api/v1/users/wishlist", "/api/v1/cart"]
)
def test_the_users_own_data_is_never_stored(customer_client, path):
    response = customer_client.get(path)
    assert response.status_code == 200
    assert {"no-store", "private"} <= _directives(response)
    assert "no-cache" not in _directives(response)
    assert "ETag" not in response


def test_a_profile_change_is_never_stored(customer_client):
    response = customer_client.patch("/api/v1/users/profile", {"first_name": "Ana"}, format="json")
    assert response.status_code == 200
    assert "no-store" in _directives(response)


def test_the_browser_login_answer_is_never_stored(customer, password):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    page = client.get("/api/auth/login/")
    assert "no-store" in _directives(page)
    form = {"tenant_id": "tenant1", "email": customer.email, "password": password}
    response = client.post("/api/auth/login/", {**form, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert "no-store" in _directives(response)
