"""Commands: create_tenant, create_user, index_admins."""
