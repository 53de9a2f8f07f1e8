"""The browsable API's cookie login (accounts/browser.py)."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.tokens import token_refresh
from bookstore.errors import ApplicationError

LOGIN_PAGE = "/api/auth/login/"
PROFILE = "/api/v1/users/profile"


def browser() -> APIClient:
    return APIClient(enforce_csrf_checks=True)


def test_browser_login_sets_httponly_cookie_and_browses_profile(customer, password):
    client = browser()
    page = client.get(LOGIN_PAGE, {"next": PROFILE})
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        LOGIN_PAGE,
        {
            "tenant_id": "tenant1",
            "email": customer.email,
            "password": password,
            "next": PROFILE,
            "csrfmiddlewaretoken": csrf,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    cookie = response.cookies[settings.JWT_COOKIE_NAME]
    assert cookie["httponly"]

    html = client.get(PROFILE, HTTP_ACCEPT="text/html")
    assert html.status_code == 200
    assert b"customer@example.com" in html.content
    assert b"Log out" in html.content or b"logout" in html.content


def test_browser_login_without_csrf_token_is_refused(customer, password):
    response = browser().post(LOGIN_PAGE, {"tenant_id": "tenant1", "email": customer.email, "password": password})
    assert response.status_code == 403
    assert settings.JWT_COOKIE_NAME not in response.cookies


def test_browser_login_with_wrong_password_shows_the_form_again(customer, password):
    client = browser()
    client.get(LOGIN_PAGE)
    response = client.post(
        LOGIN_PAGE,
        {
            "tenant_id": "tenant1",
            "email": customer.email,
            "password": "wrong-password",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 401
    assert b"Invalid email or password." in response.content
    assert settings.JWT_COOKIE_NAME not in response.cookies


def test_cookie_authenticated_writes_need_csrf(customer, password):
    client = browser()
    client.get(LOGIN_PAGE)
    csrf = client.cookies["csrftoken"].value
    client.post(
        LOGIN_PAGE, {"tenant_id": "tenant1", "email": customer.email, "password": password, "csrfmiddlewaretoken": csrf}
    )
    refused = client.patch(PROFILE, {"first_name": "Mallory"}, format="json")
    assert refused.status_code == 403
    allowed = client.patch(PROFILE, {"first_name": "Ana"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 200
    assert allowed.json()["first_name"] == "Ana"


def test_logout_clears_the_cookie(customer, password):
    client = browser()
    client.get(LOGIN_PAGE)
    csrf = client.cookies["csrftoken"].value
    client.post(
        LOGIN_PAGE, {"tenant_id": "tenant1", "email": customer.email, "password": password, "csrfmiddlewaretoken": csrf}
    )
    response = client.post("/api/auth/logout/", {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert response.cookies[settings.JWT_COOKIE_NAME].value == ""
    assert client.get(PROFILE).status_code == 401


def test_browser_logout_revokes_the_refresh_token(tenant, customer, password):
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/login/")
    client.post(
        "/api/auth/login/",
        {
            "tenant_id": "tenant1",
            "email": customer.email,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE_NAME]
    assert refresh["httponly"]
    assert refresh["path"] == "/api/auth/logout/"
    token_refresh(refresh=refresh.value)  # valid before logout

    response = client.post("/api/auth/logout/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    with pytest.raises(ApplicationError) as exc:
        token_refresh(refresh=refresh.value)
    assert exc.value.code == "token_revoked"
    assert client.get("/api/v1/users/profile").status_code == 401


LOGOUT_PAGE = "/api/auth/logout/"


def _logged_in_browser(customer, password) -> APIClient:
    client = browser()
    client.get(LOGIN_PAGE)
    csrf = client.cookies["csrftoken"].value
    client.post(
        LOGIN_PAGE, {"tenant_id": "tenant1", "email": customer.email, "password": password, "csrfmiddlewaretoken": csrf}
    )
    return client


def test_a_get_of_the_logout_url_only_shows_the_logout_button(customer, password):
    client = _logged_in_browser(customer, password)
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE_NAME].value

    page = client.get(LOGOUT_PAGE, {"next": "/api/v1/"})
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert b'method="post"' in page.content
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert b'id="logout-confirm"' in page.content
    assert "no-store" in page["Cache-Control"]
    assert not page.cookies.get(settings.JWT_COOKIE_NAME)  # no cookie cleared
    token_refresh(refresh=refresh)  # not revoked
    assert client.get(PROFILE).status_code == 200


def test_a_logout_post_without_the_csrf_token_is_refused(customer, password):
    client = _logged_in_browser(customer, password)
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE_NAME].value

    response = client.post(LOGOUT_PAGE, {})
    assert response.status_code == 403
    token_refresh(refresh=refresh)  # not revoked
    assert client.get(PROFILE).status_code == 200


def test_the_logout_pages_button_logs_out_and_goes_to_next(customer, password):
    client = _logged_in_browser(customer, password)
    refresh = client.cookies[settings.JWT_REFRESH_COOKIE_NAME].value

    response = client.post(LOGOUT_PAGE, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "next": "/api/v1/"})
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/"
    with pytest.raises(ApplicationError) as exc:
        token_refresh(refresh=refresh)
    assert exc.value.code == "token_revoked"
    assert client.get(PROFILE).status_code == 401


def test_the_navbar_logs_out_with_a_post_form(customer, password):
    client = _logged_in_browser(customer, password)
    html = client.get(PROFILE, HTTP_ACCEPT="text/html").content.decode()
    form = html[html.index('action="/api/auth/logout/') - 200 : html.index('id="logout"')]
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
