"""`make reset`: delete the local state (snapshots, journal, search data, data lake) after a confirmation.

Refuses while `make run` is running (its pid is in `stack.json`), since it would save a new
snapshot on exit anyway. `--yes` skips the question, for scripts.
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path


def _running_pid(state: Path) -> int | None:
    """The pid of a live `make run` recorded in the stack file, if any."""
    try:
        pid = int(json.loads((state / "stack.json").read_text())["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--yes", action="store_true", help="Do not ask for a confirmation.")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")
    from django.conf import settings

    state = Path(settings.LOCAL_STATE_DIR)
    if not state.exists():
        print(f"{state} does not exist: nothing to reset.")
        return 0
    pid = _running_pid(state)
    if pid:
        print(f"make run is running (pid {pid}): stop it first.", file=sys.stderr)
        return 1
    contents = ", ".join(sorted(p.name for p in state.iterdir())) or "empty"
    print(f"{state} holds {_size(state) / 1e6:.1f} MB ({contents}).")
    if not args.yes and input("Delete it all? The next make run starts from fresh demo data. [y/N] ").lower() != "y":
        print("Kept.")
        return 1
    shutil.rmtree(state)
    print(f"Deleted {state}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
