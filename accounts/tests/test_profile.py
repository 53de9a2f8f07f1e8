"""Profile and password endpoints (accounts/services.py: profile_update, password_change)."""

PROFILE = "/api/v1/users/profile"
PASSWORD_URL = "/api/v1/users/password"
LOGIN = "/api/v1/users/login"


def test_profile_get_and_patch(customer_client):
    assert customer_client.get(PROFILE).json()["email"] == "customer@example.com"
    response = customer_client.patch(
        PROFILE,
        {"first_name": "Ana", "preferences": {"categories": ["Fiction", "History"], "language": "es"}},
        format="json",
    )
    assert response.status_code == 200
    body = customer_client.get(PROFILE).json()
    assert body["first_name"] == "Ana"
    assert body["last_name"] == ""
    assert body["preferences"] == {"categories": ["Fiction", "History"], "language": "es"}
    assert body["updated_at"] is not None

    # A partial preferences update keeps the other preference.
    customer_client.patch(PROFILE, {"preferences": {"language": "en"}}, format="json")
    preferences = customer_client.get(PROFILE).json()["preferences"]
    assert preferences == {"categories": ["Fiction", "History"], "language": "en"}


def test_profile_rejects_bad_input_and_changes_nothing(customer_client):
    bad_bodies = (
        {"preferences": {"language": "xx"}},
        {"preferences": {"categories": "Fiction"}},
        {"first_name": "x" * 101},
        {},
    )
    for body in bad_bodies:
        response = customer_client.patch(PROFILE, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "validation_error"
    profile = customer_client.get(PROFILE).json()
    assert (profile["first_name"], profile["preferences"]["language"]) == ("Test", None)


def test_profile_never_exposes_the_password_hash(customer_client, password):
    assert "password" not in customer_client.get(PROFILE).json()


def test_password_change(customer_client, api_client, customer, password):
    wrong = customer_client.post(
        PASSWORD_URL, {"current_password": "nope-nope-nope", "new_password": "a-new-long-password"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "wrong_password"
    weak = customer_client.post(PASSWORD_URL, {"current_password": password, "new_password": "123"}, format="json")
    assert weak.status_code == 400
    assert "new_password" in weak.json()["error"]["details"]

    ok = customer_client.post(
        PASSWORD_URL, {"current_password": password, "new_password": "a-new-long-password"}, format="json"
    )
    assert ok.status_code == 204
    old = api_client.post(LOGIN, {"email": customer.email, "password": password, "tenant_id": "tenant1"}, format="json")
    assert old.status_code == 401
    new = api_client.post(
        LOGIN, {"email": customer.email, "password": "a-new-long-password", "tenant_id": "tenant1"}, format="json"
    )
    assert new.status_code == 200


def test_deactivated_tenant_locks_out_its_users(customer_client, tenant):
    tenant.update(actions=[type(tenant).is_active.set(False)])
    response = customer_client.get(PROFILE)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_password_change_ends_earlier_refresh_tokens(customer_client, customer, api_client, password):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.tokens import tokens_for_user

    earlier = RefreshToken(tokens_for_user(customer)["refresh"])
    earlier.set_iat(at_time=timezone.now() - timedelta(seconds=5))
    refresh = "/api/v1/users/token/refresh"
    assert api_client.post(refresh, {"refresh": str(earlier)}, format="json").status_code == 200

    customer_client.post(
        PASSWORD_URL, {"current_password": password, "new_password": "a-new-long-password"}, format="json"
    )
    response = api_client.post(refresh, {"refresh": str(earlier)}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"
    fresh = api_client.post(
        LOGIN, {"email": customer.email, "password": "a-new-long-password", "tenant_id": "tenant1"}, format="json"
    ).json()["refresh"]
    assert api_client.post(refresh, {"refresh": fresh}, format="json").status_code == 200


def test_refresh_of_a_deactivated_user_is_401(customer, api_client):
    from accounts.models import User
    from accounts.tokens import tokens_for_user

    refresh = tokens_for_user(customer)["refresh"]
    customer.update(actions=[User.is_active.set(False)])
    response = api_client.post("/api/v1/users/token/refresh", {"refresh": refresh}, format="json")
    assert response.status_code == 401
