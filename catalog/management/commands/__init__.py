"""seed_catalog and the other catalogue commands."""
