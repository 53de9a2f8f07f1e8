"""The create_tenant command (accounts/services.py: tenant_create)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from bookstore.models import Tenant


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
