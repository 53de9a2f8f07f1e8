"""Commands: create_tenant, create_user."""
