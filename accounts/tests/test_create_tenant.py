"""The create_tenant command (accounts/services.py: tenant_create_with_admin, user_create)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from bookstore.models import Tenant, UniqueKey


def run(*args) -> str:
    out = StringIO()
    call_command("create_tenant", *args, stdout=out)
    return out.getvalue()


def test_create_tenant_with_admin_then_again_changes_nothing(api_client):
    output = run(
        "acme-books",
        "--name",
        "Acme Books",
        "--admin-email",
        "boss@acme.example",
        "--admin-password",
        "a-strong-password",
    )
    assert "Created tenant 'acme-books'" in output
    admin = next(User.scan())
    assert (admin.tenant_id, admin.role) == ("acme-books", "admin")

    again = run("acme-books", "--name", "Renamed")
    assert "already exists; nothing changed" in again
    assert Tenant.get(Tenant.key("acme-books"), "TENANT").name == "Acme Books"
    assert len(list(User.scan())) == 1

    login = api_client.post(
        "/api/v1/users/login",
        {"email": "boss@acme.example", "password": "a-strong-password", "tenant_id": "acme-books"},
        format="json",
    )
    assert login.json()["user"]["role"] == "admin"


@pytest.mark.parametrize("tenant_id", ["ab", "Upper", "has_underscore", "-leading", "x" * 41])
def test_create_tenant_rejects_bad_slugs(tenant_id):
    with pytest.raises(CommandError):
        run(tenant_id, "--name", "Bad")
    assert list(Tenant.scan()) == []


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("nope", "a-strong-password", "email: Enter a valid email address."),
        ("boss@acme.example", "x", "password: This password is too short."),
        ("boss@acme.example", "12345678", "This password is entirely numeric."),
    ],
)
def test_a_refused_admin_leaves_nothing_and_a_corrected_rerun_creates_both(api_client, email, password, message):
    with pytest.raises(CommandError, match=message):
        run("acme-books", "--name", "Acme Books", "--admin-email", email, "--admin-password", password)
    assert list(Tenant.scan()) == []
    assert list(User.scan()) == []
    assert list(UniqueKey.scan()) == []

    output = run(
        "acme-books", "--name", "Acme Books", "--admin-email", "Boss@Acme.example", "--admin-password", "a-strong-pass"
    )

    assert "Created tenant 'acme-books'" in output
    assert "Admin: boss@acme.example" in output
    login = api_client.post(
        "/api/v1/users/login",
        {"email": "boss@acme.example", "password": "a-strong-pass", "tenant_id": "acme-books"},
        format="json",
    )
    assert login.json()["user"]["role"] == "admin"


def test_bad_email_and_weak_password_are_reported_together():
    with pytest.raises(CommandError) as refused:
        run("acme-books", "--name", "Acme Books", "--admin-email", "nope", "--admin-password", "x")
    assert "email:" in str(refused.value)
    assert "password:" in str(refused.value)
    assert list(Tenant.scan()) == []


def test_create_tenant_with_a_default_language(api_client):
    assert "language es" in run("tienda-sol", "--name", "Tienda Sol", "--language", "es")
    assert Tenant.get(Tenant.key("tienda-sol"), "TENANT").language == "es"
    refused = api_client.get("/api/v1/books/no-such-book", HTTP_X_TENANT_ID="tienda-sol")
    assert refused.json()["error"]["message"] == "Libro no encontrado."
    with pytest.raises(CommandError):
        run("tienda-luna", "--name", "Tienda Luna", "--language", "fr")
    assert "language en" in run("shop-moon", "--name", "Shop Moon")
