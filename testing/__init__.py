"""Test support shared by every suite: factories, fixtures, waiting on conditions, once-per-run builds.

Never imported by production code (an import-linter contract) and never in the Lambda bundle
(zappa_settings.json's `exclude_glob`).
"""
