"""Management commands of the outbound app."""
