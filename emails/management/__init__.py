"""Management commands of the emails app."""
