"""Commands: create_tenant."""
