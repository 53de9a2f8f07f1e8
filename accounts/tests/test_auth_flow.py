"""Register, login, refresh, logout and the token rules (accounts/views.py, accounts/tokens.py)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from bookstore.models import UniqueKey

REGISTER = "/api/v1/users/register"
LOGIN = "/api/v1/users/login"
REFRESH = "/api/v1/users/token/refresh"
LOGOUT = "/api/v1/users/logout"
PROFILE = "/api/v1/users/profile"

NEW_USER = {
    "email": "User@Example.com",
    "password": "securepassword123",
    "first_name": "John",
    "last_name": "Doe",
    "tenant_id": "tenant1",
}


def register(client, **overrides):
    return client.post(REGISTER, {**NEW_USER, **overrides}, format="json")


def login(client, email="user@example.com", password="securepassword123", tenant_id="tenant1"):
    return client.post(LOGIN, {"email": email, "password": password, "tenant_id": tenant_id}, format="json")


def stored_users() -> list[User]:
    return list(User.scan())


def test_register_returns_user_without_password(api_client, tenant, password):
    response = register(api_client)
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "user@example.com"  # normalised
    assert body["role"] == "customer"
    assert "password" not in body
    assert "securepassword123" not in response.content.decode()
    assert stored_users()[0].password.startswith("bcrypt_sha256$")


def test_register_login_refresh_logout_round_trip(api_client, tenant):
    assert register(api_client).status_code == 201
    response = login(api_client, email="USER@example.com")
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["user"]["email"] == "user@example.com"
    claims = AccessToken(tokens["access"])
    assert (claims["tenant_id"], claims["role"]) == ("tenant1", "customer")
    assert claims["user_id"] == tokens["user"]["user_id"]

    refreshed = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert api_client.get(PROFILE).json()["email"] == "user@example.com"

    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json").status_code == 204
    again = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "token_revoked"


def test_same_email_twice_in_a_tenant_is_a_conflict_but_allowed_in_another(api_client, tenant, other_tenant):
    assert register(api_client).status_code == 201
    duplicate = register(api_client, email="user@EXAMPLE.com")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "email_taken"
    assert register(api_client, tenant_id="tenant2").status_code == 201
    assert sorted(u.tenant_id for u in stored_users()) == ["tenant1", "tenant2"]


def test_concurrent_duplicate_registrations_exactly_one_wins(tenant):
    def attempt(_):
        return register(APIClient()).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(8)))
    assert sorted(codes) == [201] + [409] * 7
    assert len(stored_users()) == 1
    assert [k.key for k in UniqueKey.scan()] == ["tenant1#EMAIL#user@example.com"]


def test_login_failures_look_the_same(api_client, tenant, password):
    register(api_client)
    wrong_password = login(api_client, password="not-the-password")
    unknown_email = login(api_client, email="nobody@example.com")
    unknown_tenant = login(api_client, tenant_id="no-such-tenant")
    for response in (wrong_password, unknown_email, unknown_tenant):
        assert response.status_code == 401
        assert response.json() == wrong_password.json()
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"


def test_register_in_unknown_or_inactive_tenant_is_404(api_client, tenant, password):
    response = register(api_client, tenant_id="no-such-tenant")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "tenant_not_found"
    tenant.update(actions=[type(tenant).is_active.set(False)])
    assert register(api_client).json()["error"]["code"] == "tenant_not_found"
    assert stored_users() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("password", "short1"),
        ("password", "12345678901"),
        ("password", "password123"),
        ("first_name", "x" * 101),
        ("tenant_id", None),
    ],
)
def test_bad_registration_is_a_field_error_and_writes_nothing(api_client, tenant, field, value):
    body = {**NEW_USER, field: value}
    if value is None:
        del body[field]
    response = api_client.post(REGISTER, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]
    assert stored_users() == []
    assert list(UniqueKey.scan()) == []


def test_malformed_json_is_a_400(api_client, tenant):
    response = api_client.post(REGISTER, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_forged_and_wrongly_typed_tokens_are_401_invalid_token(customer, api_client):
    from accounts.tokens import tokens_for_user

    tokens = tokens_for_user(customer)
    header, payload, signature = tokens["access"].split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    expired = AccessToken(tokens["access"])
    expired.set_exp(lifetime=-timedelta(seconds=1))
    header, payload, signature = str(expired).split(".")
    forged_expired = f"{header}.{payload}.{signature[::-1]}"  # expiry is only believed of a genuine token
    for token in (forged, forged_expired, tokens["refresh"], "garbage"):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = api_client.get(PROFILE)
        assert response.status_code == 401, token
        error = response.json()["error"]
        assert (error["code"], error["message"]) == ("invalid_token", "The token is not valid.")


def test_an_expired_access_token_is_401_token_expired(customer, api_client):
    from accounts.tokens import tokens_for_user

    expired = AccessToken(tokens_for_user(customer)["access"])
    expired.set_exp(lifetime=-timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")
    response = api_client.get(PROFILE)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert "users/token/refresh" in response.json()["error"]["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_refresh_token_is_401_token_expired(customer, api_client):
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.tokens import tokens_for_user

    expired = RefreshToken(tokens_for_user(customer)["refresh"])
    expired.set_exp(lifetime=-timedelta(seconds=1))
    response = api_client.post(REFRESH, {"refresh": str(expired)}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_refresh_with_access_token_or_garbage_is_401(customer, api_client):
    from accounts.tokens import tokens_for_user

    for token in (tokens_for_user(customer)["access"], "garbage"):
        response = api_client.post(REFRESH, {"refresh": token}, format="json")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"


def test_no_token_is_401(api_client, tenant):
    response = api_client.get(PROFILE)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_tenant_in_request_must_match_token(customer_client, other_tenant):
    assert customer_client.get(PROFILE, {"tenant_id": "tenant2"}).status_code == 403
    assert customer_client.get(PROFILE, HTTP_X_TENANT_ID="tenant2").status_code == 403
    response = customer_client.patch(PROFILE, {"first_name": "Eve", "tenant_id": "tenant2"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "tenant_mismatch"
    assert customer_client.get(PROFILE).json()["first_name"] == "Test"
    assert customer_client.get(PROFILE, {"tenant_id": "tenant1"}).status_code == 200


def test_login_failures_are_throttled_per_account_and_address_with_retry_after(
    api_client, customer, settings, password
):
    settings.LOGIN_THROTTLE_PER_PAIR = (3, 300)
    codes = [login(api_client, email=customer.email, password="wrong-password").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    blocked = login(api_client, email=customer.email, password=password)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    assert 0 < int(blocked["Retry-After"]) <= 300
    # Another account from the same address is not affected by this account's limit.
    assert login(api_client, email="someone-else@example.com").status_code == 401


def test_login_is_throttled_per_ip(api_client, customer, settings, password):
    settings.LOGIN_THROTTLE_PER_IP = (2, 60)
    for n in range(2):
        assert login(api_client, email=f"user{n}@example.com").status_code == 401
    response = login(api_client, email=customer.email, password=password)
    assert response.status_code == 429
    assert "Retry-After" in response
