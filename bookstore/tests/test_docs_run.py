"""The docs run: every page's ```bash blocks, in order, in one shell, against a live server.

The runner is local_stack/walkthrough.py. A wrong or stale example breaks `make test`, naming
the page, the line, the section and the status it got. The server is Django's live server on a
free port, on the session's emulator, after the same demo set-up as `make run` with a smaller
catalogue. The convention's own rules are tested here too, on pages written to tmp_path.
"""

import os
import sys
import textwrap
from pathlib import Path

import pytest

from local_stack.walkthrough import (
    ConventionError,
    documentation_pages,
    expectations,
    run_walkthrough,
    runnable_blocks,
)

# Enough for the curated core (the real books the examples name) and a few synthetic ones.
WALKTHROUGH_BOOKS = 80


@pytest.fixture
def live_stack(emulator, tmp_path, settings):
    """A live server on a free port and the environment `manage.py` needs to reach the same emulator."""
    from pytest_django.live_server_helper import LiveServer

    settings.LOCAL_STATE_DIR = tmp_path  # the server reads the local outbox `manage.py outbound_worker` writes

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


def test_every_page_runs_top_to_bottom_in_one_shell(live_stack):
    from django.core.management import call_command

    from local_stack.demo import demo_setup

    demo_setup(books=WALKTHROUGH_BOOKS, verbosity=0)  # what `make run` starts with
    # `make run`'s poller works through the seeded reviews before a reader reaches a page. Seeding
    # counted them (with their markers), so the pages' `consume_streams` skip them, not redo 30 s of it.
    call_command("consume_streams", skip_backlog=True, tables="reviews", verbosity=0)
    base, env = live_stack
    result = run_walkthrough(base=base, env=env)
    assert result.failure is None, result.failure
    assert result.ran == result.expected > 20
    assert result.pages[0] == "README.md"


def _page(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_the_readme_runs_first_then_the_tutorial_then_the_other_pages_by_path(tmp_path):
    for name in [
        "docs/operations/settings.md",
        "docs/tutorial/02-catalogue.md",
        "docs/api/errors.md",
        "docs/SCALING.md",
        "docs/tutorial/01-quick-start.md",
        "docs/api-guide/x.md",
        "README.md",
        "docs/development/adding-an-app.md",
    ]:
        _page(tmp_path, name, "# Page\n")
    (tmp_path / "docs" / "notes.txt").write_text("not a page")
    assert [p.relative_to(tmp_path).as_posix() for p in documentation_pages(tmp_path)] == [
        "README.md",
        "docs/tutorial/01-quick-start.md",
        "docs/tutorial/02-catalogue.md",
        "docs/SCALING.md",
        "docs/api/errors.md",
        "docs/api-guide/x.md",
        "docs/development/adding-an-app.md",
        "docs/operations/settings.md",
    ]


def test_only_plain_bash_blocks_run_and_each_curl_promises_a_status():
    text = textwrap.dedent(
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
        """
    )
    blocks = runnable_blocks(text, page="docs/api/errors.md")
    assert [(b.line, b.heading, b.page) for b in blocks] == [(7, "Section", "docs/api/errors.md")]
    assert [(e.page, e.line, e.status, e.code) for e in expectations(blocks)] == [
        ("docs/api/errors.md", 7, "200", ""),
        ("docs/api/errors.md", 9, "409", "isbn_taken"),
    ]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('curl "$BASE/a"\n', "docs/x.md:3: a curl without"),
        ('curl "$BASE/a" && curl "$BASE/b"  # → 200\n', "docs/x.md:3: one curl per command"),
        ("echo hi  # → 200\n", "docs/x.md:3: `# → 200` follows no curl"),
    ],
)
def test_a_curl_without_an_expected_status_breaks_the_convention(body, problem):
    text = "# T\n```bash\n" + body + "```\n"
    with pytest.raises(ConventionError, match=problem):
        expectations(runnable_blocks(text, page="docs/x.md"))


def test_a_status_that_differs_from_a_page_names_the_page_line_section_and_status(live_stack, tenant, tmp_path):
    base, env = live_stack
    readme = _page(
        tmp_path,
        "README.md",
        """\
        ## Health
        ```bash
        curl -s "$BASE/api/v1/health"   # → 200
        BOOK=not-a-book
        ```
        """,
    )
    errors = _page(
        tmp_path,
        "docs/api/errors.md",
        """\
        # Errors
        A variable the README set is still there:
        ```bash
        curl -s "$BASE/api/v1/books/$BOOK" -H "X-Tenant-ID: tenant1"   # → 200
        echo never reached
        ```
        """,
    )
    result = run_walkthrough(base=base, env=env, pages=[readme, errors], root=tmp_path)
    assert result.failure.startswith("docs/api/errors.md:4 (Errors): expected 200, got 404")
    assert "book_not_found" in result.failure
    assert "never reached" not in result.output
    assert (result.ran, result.expected, result.pages) == (2, 2, ("README.md", "docs/api/errors.md"))


def test_a_wrong_error_code_or_a_failing_command_fails_the_run(live_stack, tmp_path):
    base, env = live_stack
    wrong_code = _page(
        tmp_path,
        "docs/a.md",
        '## A\n```bash\ncurl -s "$BASE/api/v1/books/x" -H "X-Tenant-ID: tenant1"  # → 404 isbn_taken\n```\n',
    )
    result = run_walkthrough(base=base, env=env, pages=[wrong_code], root=tmp_path)
    assert result.failure.startswith("docs/a.md:3 (A): expected error code isbn_taken")

    failing = _page(tmp_path, "docs/b.md", "## B\n```bash\ntrue\nfalse\n```\n")
    result = run_walkthrough(base=base, env=env, pages=[failing], root=tmp_path)
    assert result.failure.startswith("docs/b.md:4: a command failed")


def test_the_command_runs_the_pages_it_is_given_against_the_base_it_is_given(live_stack, tmp_path, capsys):
    from local_stack.walkthrough import main

    base, _ = live_stack
    health = _page(tmp_path, "health.md", '## H\n```bash\ncurl -s "$BASE/api/v1/health"   # → 200\n```\n')
    main([base, str(health)])
    assert f"1/1 examples in health.md answered as documented at {base}." in capsys.readouterr().out

    wrong = _page(tmp_path, "wrong.md", '## W\n```bash\ncurl -s "$BASE/api/v1/health"   # → 404\n```\n')
    with pytest.raises(SystemExit, match=r"^wrong.md:3 \(W\): expected 404, got 200"):
        main([base, str(wrong)])
