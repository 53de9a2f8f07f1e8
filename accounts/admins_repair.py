"""A repair: put a tenant's admins written before `admin-index` existed into it (`manage.py index_admins`)."""

from accounts.models import User
from bookstore.authentication import ROLE_ADMIN


def admins_index(*, tenant_id: str) -> int:
    """Put the tenant's admins written without `admin_key` into `admin-index`; returns how many.

    A repair for admins created before the index existed: it Scans the users table (filtered
    to the tenant's admins that lack the key), so it is a command, never a request path. Each
    write is conditioned on the user still being an admin; running it again changes nothing.
    """
    found = User.scan(User.pk.startswith(f"{tenant_id}#") & (User.role == ROLE_ADMIN) & User.admin_key.does_not_exist())
    indexed = 0
    for user in found:
        user.update(
            actions=[User.admin_key.set(User.admin_key_for(tenant_id))],
            condition=User.pk.exists() & (User.role == ROLE_ADMIN),
        )
        indexed += 1
    return indexed
