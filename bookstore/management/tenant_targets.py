"""Which tenants a repair command works on: `--tenant T` or `--all` (every active tenant), one rule for all."""

from argparse import ArgumentParser

from bookstore.tenants import active_tenant_ids


def tenant_target_arguments(parser: ArgumentParser, *, what: str, active_only: bool = False) -> None:
    """Add the required choice between `--tenant T` and `--all`; `what` names what is repaired ("counts")."""
    target = parser.add_mutually_exclusive_group(required=True)
    tenant = "active tenant" if active_only else "tenant"
    target.add_argument("--tenant", help=f"Id of the {tenant} whose {what} to repair.")
    target.add_argument("--all", action="store_true", help=f"Repair the {what} of every active tenant.")


def tenant_targets(*, tenant: str | None, all: bool) -> list[str]:
    """The tenants the options name: every active one for `--all`, else the one given."""
    return active_tenant_ids() if all else [tenant]
