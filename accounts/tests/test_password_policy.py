"""The password rules (AUTH_PASSWORD_VALIDATORS, accounts/password_validation.py) on every path that sets a password.

Register, the password change, `create_user` and `create_tenant --admin-password` all go
through accounts/services.py (`user_create`, `password_change`), which validates with the user,
so a password like the email or the names is refused as well as one of whitespace alone.
"""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from bookstore.models import Tenant

EMAIL = "ana.garcia@example.com"
SPACES = " " * 8
REFUSED = [SPACES, EMAIL, "ana.garcia@example", "Garcia-Lopez"]


def stored_users() -> list[User]:
    return list(User.scan())


@pytest.mark.parametrize("password", REFUSED)
def test_register_refuses_it(api_client, tenant, password):
    body = {
        "email": EMAIL,
        "password": password,
        "first_name": "Ana",
        "last_name": "Garcia-Lopez",
        "tenant_id": "tenant1",
    }
    response = api_client.post("/api/v1/users/register", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "password" in response.json()["error"]["details"]
    assert stored_users() == []


@pytest.mark.parametrize("password", [SPACES, "customer@example.com", "customer"])
def test_the_password_change_refuses_it(customer_client, customer, password):
    body = {"current_password": "correct-horse-battery-staple", "new_password": password}
    response = customer_client.post("/api/v1/users/password", body, format="json")
    assert response.status_code == 400
    assert "new_password" in response.json()["error"]["details"]
    assert User.get(customer.pk, customer.sk).password == customer.password


@pytest.mark.parametrize("password", REFUSED[:2])
def test_create_user_refuses_it(tenant, password):
    with pytest.raises(CommandError, match="password"):
        call_command("create_user", "--tenant", "tenant1", "--email", EMAIL, "--password", password)
    assert stored_users() == []


@pytest.mark.parametrize("password", REFUSED[:2])
def test_create_tenant_refuses_it_and_creates_nothing(password):
    with pytest.raises(CommandError, match="password"):
        call_command("create_tenant", "acme", "--name", "Acme", "--admin-email", EMAIL, "--admin-password", password)
    assert stored_users() == []
    assert list(Tenant.scan()) == []


def test_a_password_with_spaces_inside_is_fine(api_client, tenant):
    body = {"email": EMAIL, "password": "  four words of it  ", "tenant_id": "tenant1"}
    assert api_client.post("/api/v1/users/register", body, format="json").status_code == 201
