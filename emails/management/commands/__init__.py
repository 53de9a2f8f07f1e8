"""Commands: set_tenant_sender."""
