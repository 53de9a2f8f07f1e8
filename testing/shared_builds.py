"""Something slow to build, built once per test run and shared by every pytest-xdist worker.

Workers of one run share the parent of their base temporary folders. The first worker to
take the lock there builds the file; the others wait on the lock and then read that same
file, which nothing rewrites during the run. A build writes its file complete or not at all,
so a failed build is tried again by the next worker that needs it.
"""

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every worker of this run shares (the base folder itself without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """The run's file `name`, made by `build(path)` the first time any worker asks for it.

    `build` must leave `path` complete or absent (write under another name and rename it).
    """
    folder = run_folder(tmp_path_factory)
    path = folder / name
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            build(path)
    return path
