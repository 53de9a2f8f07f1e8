"""Resilience suites: the API under load, under attack and with its backing services failing."""
