"""The create_user command (accounts/services.py: user_add): users for an existing tenant, idempotently."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User


def run(*args) -> str:
    out = StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def login(api_client, email, password, tenant_id="tenant1"):
    return api_client.post(
        "/api/v1/users/login", {"email": email, "password": password, "tenant_id": tenant_id}, format="json"
    )


def test_an_admin_added_to_an_existing_tenant_can_log_in_as_admin(tenant, api_client):
    output = run(
        "--tenant", "tenant1", "--email", "Boss@Example.com", "--role", "admin", "--password", "a-long-password"
    )

    assert "Added admin 'boss@example.com' to 'tenant1'" in output
    response = login(api_client, "boss@example.com", "a-long-password")
    assert response.status_code == 200
    assert response.json()["user"]["role"] == "admin"


def test_an_existing_email_is_reported_and_left_unchanged(tenant, api_client):
    run("--tenant", "tenant1", "--email", "ana@example.com", "--password", "first-long-password")
    again = run("--tenant", "tenant1", "--email", "ANA@example.com", "--role", "admin", "--password", "other-password")

    assert "'ana@example.com' already exists in 'tenant1' (role customer); nothing changed" in again
    assert len(list(User.scan())) == 1
    assert login(api_client, "ana@example.com", "first-long-password").json()["user"]["role"] == "customer"
    assert login(api_client, "ana@example.com", "other-password").status_code == 401


def test_the_password_is_prompted_for_twice_when_not_given(tenant, api_client, monkeypatch):
    answers = iter(["typed-long-password", "typed-long-password"])
    monkeypatch.setattr("accounts.management.commands.create_user.getpass", lambda prompt: next(answers))
    run("--tenant", "tenant1", "--email", "typed@example.com")
    assert login(api_client, "typed@example.com", "typed-long-password").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nobody", "--email", "a@example.com", "--password", "a-long-password"], "Tenant not found"),
        (["--tenant", "tenant1", "--email", "not-an-email", "--password", "a-long-password"], "email:"),
        (["--tenant", "tenant1", "--email", "a@example.com", "--password", "123"], "password:"),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing(tenant, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert list(User.scan()) == []


def test_create_tenant_on_an_existing_tenant_says_how_to_add_an_admin(tenant):
    out = StringIO()
    call_command(
        "create_tenant", "tenant1", name="Again", admin_email="new@example.com", admin_password="x" * 12, stdout=out
    )

    assert "already exists; nothing changed" in out.getvalue()
    assert "python manage.py create_user --tenant tenant1 --email new@example.com --role admin" in out.getvalue()
    assert list(User.scan()) == []
