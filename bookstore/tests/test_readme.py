"""The README runs: its ```bash blocks, in order, in one shell, against a live server (local_stack/walkthrough.py).

A wrong or stale example breaks `make test`, naming the README line, the section and the
status it got. The server is Django's live server on a free port, on the session's emulator,
after the same demo set-up as `make run` with a smaller catalogue.
"""

import os
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from local_stack.walkthrough import ConventionError, expectations, run_walkthrough, runnable_blocks

# Enough for the curated core (the real books the README's examples name) and a few synthetic ones.
WALKTHROUGH_BOOKS = 80


@pytest.fixture
def live_stack(emulator, tmp_path):
    """A live server on a free port and the environment `manage.py` needs to reach the same emulator."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1")
    server._live_server_modified_settings.enable()
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        # What a newcomer's second terminal has: manage.py's default settings, pointed at this emulator.
        "DJANGO_SETTINGS_MODULE": "bookstore.settings.local",
        "DYNAMODB_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
        "DYNAMODB_TABLE_PREFIX": settings.DYNAMODB_TABLE_PREFIX,
        "BOOKSTORE_STAGE": settings.STAGE,
        "ELASTICSEARCH_URL": settings.ELASTICSEARCH_URL,  # the session's noida-db
        "LOCAL_STATE_DIR": str(tmp_path),
    }
    yield server.url, env
    server._live_server_modified_settings.disable()
    server.stop()


def test_the_readme_runs_top_to_bottom(live_stack):
    from local_stack.demo import demo_setup

    demo_setup(books=WALKTHROUGH_BOOKS, verbosity=0)  # what `make run` starts with
    base, env = live_stack
    result = run_walkthrough(base=base, env=env)
    assert result.failure is None, result.failure
    assert result.ran == result.expected >= 3  # health, a catalogue read, a login; the rest is in docs/


def _readme(tmp_path, text: str) -> Path:
    path = tmp_path / "README.md"
    path.write_text(textwrap.dedent(text))
    return path


def test_only_plain_bash_blocks_run_and_each_curl_promises_a_status(tmp_path):
    text = _readme(
        tmp_path,
        """\
        # Title
        ```bash skip
        make run
        ```
        ## Section
        ```bash
        TOKEN=$(curl -s "$BASE/a" \\
          -d '{}' | python3 -c 'print(1)')   # → 200
        curl "$BASE/b"  # → 409 isbn_taken
        ```
        ```json
        {"curl": 1}
        ```
        """,
    ).read_text()
    blocks = runnable_blocks(text)
    assert [(b.line, b.heading) for b in blocks] == [(7, "Section")]
    assert [(e.line, e.status, e.code) for e in expectations(blocks)] == [(7, "200", ""), (9, "409", "isbn_taken")]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('curl "$BASE/a"\n', "README.md:3: a curl without"),
        ('curl "$BASE/a" && curl "$BASE/b"  # → 200\n', "README.md:3: one curl per command"),
        ("echo hi  # → 200\n", "follows no curl"),
    ],
)
def test_a_curl_without_an_expected_status_breaks_the_convention(tmp_path, body, problem):
    text = "# T\n```bash\n" + body + "```\n"
    with pytest.raises(ConventionError, match=problem):
        expectations(runnable_blocks(text))


def test_a_status_that_differs_from_the_readme_names_the_line_and_the_status(live_stack, tenant, tmp_path):
    base, env = live_stack
    readme = _readme(
        tmp_path,
        """\
        ## Health
        ```bash
        curl -s "$BASE/api/v1/health"   # → 200
        curl -s "$BASE/api/v1/books/not-a-book" -H "X-Tenant-ID: tenant1"   # → 200
        echo never reached
        ```
        """,
    )
    result = run_walkthrough(base=base, env=env, readme=readme)
    assert result.failure.startswith("README.md:4 (Health): expected 200, got 404")
    assert "book_not_found" in result.failure
    assert "never reached" not in result.output


def test_a_wrong_error_code_or_a_failing_command_fails_the_walkthrough(live_stack, tmp_path):
    base, env = live_stack
    wrong_code = _readme(
        tmp_path, '## A\n```bash\ncurl -s "$BASE/api/v1/books/x" -H "X-Tenant-ID: tenant1"  # → 404 isbn_taken\n```\n'
    )
    assert "expected error code isbn_taken" in run_walkthrough(base=base, env=env, readme=wrong_code).failure

    failing = _readme(tmp_path, "## B\n```bash\ntrue\nfalse\n```\n")
    assert run_walkthrough(base=base, env=env, readme=failing).failure.startswith("README.md:4: a command failed")
