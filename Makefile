# The two commands: `make run` serves the API on the embedded default, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-e2e lint bench clean reset messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# playwright (PyPI) drives Debian's chromium: it must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

$(STAMP): $(BIN)/python requirements.txt requirements-local.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# After changing a message: extract every message into the .po files (needs GNU gettext: apt-get install gettext),
# then translate the new entries; a test fails while one is untranslated or the catalogue is out of date.
messages: $(STAMP)
	$(BIN)/python -m deploy.catalogues extract

run: $(STAMP)
	$(BIN)/python -m local_stack.serve

# Two pytest workers (each starts its own emulator and search server on free ports), measuring
# branch coverage of the product packages ([tool.coverage.*] in pyproject.toml): the total and
# every module below 100% are printed at the end, after the 25 slowest tests (the suite's budget).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --cov --cov-branch --cov-report=term:skip-covered --durations=25
	$(MAKE) --no-print-directory lint

# A person in a browser: headless chromium (apt-get install chromium) against a `make run` server
# on free ports; screenshots of every step land in e2e/screenshots/.
test-e2e: $(STAMP)
	$(BIN)/python -m pytest e2e --confcutdir=e2e -p no:cacheprovider

# ruff's rules, ruff's format, and the import-linter layers contract (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Delete the local state (.local/: snapshots, search data, data lake) after a confirmation; YES=1 skips it.
reset: $(STAMP)
	$(BIN)/python -m local_stack.reset $(if $(filter 1,$(YES)),--yes)

clean:
	rm -rf $(VENV) .pytest_cache
