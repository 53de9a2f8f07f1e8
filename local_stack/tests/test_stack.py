"""The local stack file (local_stack/stack.py), the settings that follow it, and manage.py's 'no stack' line."""

import json
import os
import subprocess
import sys

from django.conf import settings

from bookstore.tenants import tenant_get
from local_stack.processes import free_port
from local_stack.stack import stack_clear, stack_read, stack_record


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DYNAMODB_ENDPOINT_URL", "EMULATOR_PORT"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "bookstore.settings.local", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_servers_record_their_urls_and_the_owner_clears_the_file(tmp_path):
    path = tmp_path / "stack.json"
    stack_record(path=path, emulator="http://127.0.0.1:5105", api="http://127.0.0.1:8100")
    stack_record(path=path, search="http://127.0.0.1:9205")  # another server of the same stack adds its own

    assert stack_read(path=path) == {
        "pid": os.getpid(),
        "emulator": "http://127.0.0.1:5105",
        "api": "http://127.0.0.1:8100",
        "search": "http://127.0.0.1:9205",
    }
    stack_clear(path=path)
    assert not path.exists()
    assert stack_read(path=path) == {}


def test_a_file_left_by_a_killed_stack_reads_as_empty_and_is_replaced(tmp_path):
    path = tmp_path / "stack.json"
    path.write_text(json.dumps({"pid": _dead_pid(), "emulator": "http://127.0.0.1:5999"}))
    assert stack_read(path=path) == {}

    stack_record(path=path, emulator="http://127.0.0.1:5105")
    assert stack_read(path=path) == {"pid": os.getpid(), "emulator": "http://127.0.0.1:5105"}


def test_a_foreign_stack_file_is_not_removed_and_garbage_reads_as_empty(tmp_path):
    path = tmp_path / "stack.json"
    path.write_text(json.dumps({"pid": os.getppid(), "emulator": "http://127.0.0.1:5105"}))
    stack_clear(path=path)
    assert path.exists()

    path.write_text("{not json")
    assert stack_read(path=path) == {}


def test_manage_py_in_another_terminal_finds_the_running_stack(emulator, tmp_path):
    # The running stack here is this test session: its pid is alive and its emulator answers.
    (tmp_path / "stack.json").write_text(json.dumps({"pid": os.getpid(), "emulator": settings.DYNAMODB_ENDPOINT_URL}))
    env = {"LOCAL_STATE_DIR": str(tmp_path), "DYNAMODB_TABLE_PREFIX": settings.DYNAMODB_TABLE_PREFIX}

    result = manage("create_tenant", "found-shop", "--name", "Found", env=env)

    assert result.returncode == 0, result.stderr
    assert tenant_get(tenant_id="found-shop").name == "Found"


def test_with_no_stack_running_a_command_says_so_in_one_line(tmp_path):
    env = {"LOCAL_STATE_DIR": str(tmp_path), "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}

    result = manage("create_tenant", "lonely-shop", "--name", "Lonely", env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"No local stack is running at {env['DYNAMODB_ENDPOINT_URL']}: start it with `make run` in another terminal "
        "(or set DYNAMODB_ENDPOINT_URL)."
    ]
