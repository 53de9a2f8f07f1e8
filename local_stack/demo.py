"""The demo world `make run` starts with, and that the test running the docs recreates.

Two tenants, each with an admin whose credentials `make run` prints, and a seeded catalogue with
seeded reviews.
The docs' examples rely on exactly this (tenant ids, admin emails and passwords), so the
test that runs them (bookstore/tests/test_docs_run.py) calls the same function with a smaller catalogue.
"""

import os

from django.core.management import call_command

DEMO_BOOKS = int(os.environ.get("BOOKSTORE_DEMO_BOOKS", "300"))  # the browser tests seed fewer
DEMO_TENANTS = (
    ("tenant1", "Demo Bookshop One", "admin@tenant1.example.com", "tenant1-admin-pass"),
    ("tenant2", "Demo Bookshop Two", "admin@tenant2.example.com", "tenant2-admin-pass"),
)


def demo_setup(*, books: int = DEMO_BOOKS, verbosity: int = 1) -> None:
    """Create the tables, the demo tenants and their admins, seed each catalogue to `books` books, index it.

    Idempotent: an existing tenant, admin or catalogue is left as it is.
    """
    call_command("create_tables", verbosity=verbosity)
    for tenant_id, name, email, password in DEMO_TENANTS:
        call_command("create_tenant", tenant_id, name=name, verbosity=verbosity)
        call_command("create_user", tenant=tenant_id, email=email, password=password, role="admin", verbosity=verbosity)
        call_command("seed_catalog", tenant=tenant_id, target=books, seed=0, verbosity=verbosity)
        call_command("seed_reviews", tenant=tenant_id, seed=0, verbosity=verbosity)
        call_command("rebuild_search_index", tenant=tenant_id, verbosity=verbosity)


def demo_credentials() -> str:
    """The demo admin accounts, one per line, as `make run` prints them."""
    return "\n".join(
        f"  tenant_id={tenant_id}  email={email}  password={password}" for tenant_id, _, email, password in DEMO_TENANTS
    )
