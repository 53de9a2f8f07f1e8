"""Browser tests: playwright drives Debian's chromium against a real `make run` server (`make test-e2e`)."""
