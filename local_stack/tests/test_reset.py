"""local_stack/reset.py (`make reset`): deletes the local state only after a confirmation."""

import json
import os
import subprocess
import sys

from django.conf import settings


def reset(state, *args, answer=""):
    env = {"LOCAL_STATE_DIR": str(state), "DJANGO_SETTINGS_MODULE": "bookstore.settings.local", "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "local_stack.reset", *args],
        input=answer,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        check=False,
    )


def test_reset_asks_first_and_keeps_the_state_unless_told_yes(tmp_path):
    state = tmp_path / "local"
    (state / "snapshots" / "20250101T000000.000000Z").mkdir(parents=True)
    kept = reset(state, answer="n\n")
    assert kept.returncode == 1
    assert "Delete it all?" in kept.stdout
    assert state.exists()

    deleted = reset(state, answer="y\n")
    assert deleted.returncode == 0, deleted.stderr
    assert not state.exists()


def test_reset_yes_skips_the_question_but_not_while_make_run_runs(tmp_path):
    state = tmp_path / "local"
    state.mkdir()
    (state / "stack.json").write_text(json.dumps({"pid": os.getpid()}))  # this live process
    refused = reset(state, "--yes")
    assert refused.returncode == 1
    assert "make run is running" in refused.stderr
    assert state.exists()

    (state / "stack.json").unlink()
    assert reset(state, "--yes").returncode == 0
    assert not state.exists()
