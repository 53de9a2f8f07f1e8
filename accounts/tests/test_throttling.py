"""Throttles that hold (accounts/throttling.py, bookstore/ratelimit.py).

The address is REMOTE_ADDR, never the client-supplied X-Forwarded-For; the login counters
are keyed on the normalised tenant and email, exactly as login compares them.
"""

import pytest

from accounts.models import User
from bookstore.authentication import ROLE_ADMIN, ROLE_CUSTOMER

LOGIN = "/api/v1/users/login"
REGISTER = "/api/v1/users/register"
REFRESH = "/api/v1/users/token/refresh"
LOGOUT = "/api/v1/users/logout"


def login(client, *, email, tenant_id="tenant1", password="wrong-password", **headers):
    body = {"email": email, "password": password, "tenant_id": tenant_id}
    return client.post(LOGIN, body, format="json", **headers)


def test_varying_x_forwarded_for_does_not_reset_the_address_limit(api_client, tenant, settings):
    settings.LOGIN_THROTTLE_PER_IP = (5, 300)
    codes = [
        login(api_client, email=f"user{n}@example.com", HTTP_X_FORWARDED_FOR=f"10.0.{n}.1").status_code
        for n in range(8)
    ]
    assert codes == [401] * 5 + [429] * 3


def test_padding_the_tenant_or_changing_the_email_case_does_not_reset_the_pair_limit(
    api_client, customer, settings, password
):
    settings.LOGIN_THROTTLE_PER_PAIR = (3, 300)
    variants = [("tenant1", customer.email), (" tenant1", customer.email.upper()), ("tenant1 ", f" {customer.email} ")]
    codes = [login(api_client, email=email, tenant_id=tenant_id).status_code for tenant_id, email in variants]
    assert codes == [401, 401, 401]
    blocked = login(api_client, email=customer.email.title(), tenant_id="  tenant1", password=password)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"


def test_a_huge_x_forwarded_for_is_not_a_500(api_client, tenant):
    response = login(api_client, email="a@example.com", HTTP_X_FORWARDED_FOR="1.2.3.4, " * 300)
    assert response.status_code == 401


@pytest.mark.parametrize("proxies", [1])
def test_with_one_trusted_proxy_only_its_entry_counts(api_client, tenant, settings, proxies):
    settings.LOGIN_THROTTLE_PER_IP = (2, 300)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    # The proxy appends the real client last; whatever the client put before it is ignored.
    codes = [
        login(api_client, email="x@example.com", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9").status_code
        for n in range(3)
    ]
    assert codes == [401, 401, 429]


def test_registration_is_limited_per_address(api_client, tenant, settings):
    settings.REGISTER_THROTTLE_PER_IP = (2, 3600)
    body = {"password": "securepassword123", "tenant_id": "tenant1"}
    codes = [
        api_client.post(REGISTER, {**body, "email": f"new{n}@example.com"}, format="json").status_code for n in range(3)
    ]
    assert codes == [201, 201, 429]
    assert len(list(User.scan())) == 2


def test_refresh_is_limited_per_address(api_client, tenant, settings):
    settings.REFRESH_THROTTLE_PER_IP = (2, 300)
    codes = [api_client.post(REFRESH, {"refresh": "garbage"}, format="json").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_a_refresh_carries_the_role_the_user_has_now(api_client, tenant, user_factory, password):
    admin = user_factory(tenant, role=ROLE_ADMIN, email="boss@example.com")
    tokens = login(api_client, email=admin.email, password=password).json()
    admin.update(actions=[User.role.set(ROLE_CUSTOMER)])

    refreshed = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert api_client.get("/api/v1/admin/purchases").status_code == 403


def test_logout_is_limited_per_address_and_a_refused_one_writes_nothing(
    api_client, customer, password, settings, dynamodb_calls
):
    settings.LOGOUT_THROTTLE_PER_IP = (2, 300)
    refresh = login(api_client, email=customer.email, password=password).json()["refresh"]
    codes = [api_client.post(LOGOUT, {"refresh": refresh}, format="json").status_code for _ in range(3)]
    assert codes == [204, 204, 429]

    dynamodb_calls.clear()
    refused = api_client.post(LOGOUT, {"refresh": refresh}, format="json")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert sum(dynamodb_calls.values()) == 0  # this process already knows the window is spent
    # Another address has its own count.
    assert api_client.post(LOGOUT, {"refresh": refresh}, format="json", REMOTE_ADDR="192.0.2.7").status_code == 204


def test_the_browser_logout_is_limited_too(customer, password, settings):
    from rest_framework.test import APIClient

    settings.LOGOUT_THROTTLE_PER_IP = (1, 300)
    browser = APIClient(enforce_csrf_checks=True)
    browser.get("/api/auth/logout/")
    form = {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    assert browser.post("/api/auth/logout/", form).status_code == 302
    assert browser.get("/api/auth/logout/").status_code == 200  # the page itself is not counted
    assert browser.post("/api/auth/logout/", form).status_code == 429
