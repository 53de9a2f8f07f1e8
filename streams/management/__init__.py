"""Management commands of the streams app."""
