"""The tenant's admins: the sparse admin-index lists admins only, and the repair indexes admins written without it."""

from io import StringIO

from django.core.management import call_command

from accounts.models import User
from accounts.selectors import admins_list
from bookstore.authentication import ROLE_ADMIN


def test_admins_are_listed_and_customers_are_not(tenant, other_tenant, admin, customer, other_tenant_admin):
    assert [a.email for a in admins_list(tenant_id=tenant.tenant_id)] == [admin.email]


def test_an_admin_written_without_the_index_key_is_indexed_by_the_repair(tenant, admin, user_factory):
    user_factory(tenant, role=ROLE_ADMIN, email="boss@example.com")
    admin.update(actions=[User.admin_key.remove()])  # as an admin created before admin-index existed
    assert [a.email for a in admins_list(tenant_id=tenant.tenant_id)] == ["boss@example.com"]
    out = StringIO()
    call_command("index_admins", "--tenant", tenant.tenant_id, stdout=out)
    assert "1 admins indexed" in out.getvalue()
    assert sorted(a.email for a in admins_list(tenant_id=tenant.tenant_id)) == [admin.email, "boss@example.com"]
    call_command("index_admins", "--tenant", tenant.tenant_id, stdout=out)
    assert "0 admins indexed" in out.getvalue()
