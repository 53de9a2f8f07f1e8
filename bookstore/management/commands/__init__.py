"""Project-level commands: table creation."""
