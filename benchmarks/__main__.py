"""Run every benchmark and print one table of their figures: `python -m benchmarks` (or `make bench`).

Each part runs in its own process (`python -m benchmarks.<part>` runs it alone and prints
its own detailed table), so each starts from a fresh emulator and the unpatched-moto half
of the transactions benchmark runs before any patch is installed. Each part adds its
headline figures through `benchmarks.harness.record`; this prints them as one table and
saves them with the machine's description as JSON under benchmarks/results/.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import FIGURES_ENV, format_value, print_table

BENCHMARKS = (
    "benchmarks.transactions",
    "benchmarks.emulator_query",
    "benchmarks.journal",
    "benchmarks.catalog",
    "benchmarks.orders",
    "benchmarks.streams",
    "benchmarks.outbound",
    "benchmarks.capacity",
    "benchmarks.operations",
    "benchmarks.cold_start",
    "benchmarks.overhead",
    "benchmarks.load",
    "benchmarks.search",
    "benchmarks.analytics",
)
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    """Cores, memory and Python of this machine, for the dated results pages (docs/performance/results/)."""
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def main(parts: list[str]) -> int:
    modules = [m for m in BENCHMARKS if not parts or m.rsplit(".", 1)[1] in parts]
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as figures_file:
        figures_path = figures_file.name
    failed, durations = [], {}
    for module in modules:
        print(f"\n=== {module} ===", flush=True)
        started = time.perf_counter()
        if subprocess.call([sys.executable, "-m", module], env={**os.environ, FIGURES_ENV: figures_path}):
            failed.append(module)
        durations[module] = round(time.perf_counter() - started, 1)
        print(f"({module}: {durations[module]:,.0f} s)", flush=True)
    figures = [json.loads(line) for line in Path(figures_path).read_text().splitlines()]
    Path(figures_path).unlink()
    about = machine()
    described = f"{about['cores']} cores, {about['memory_gib']} GiB, Python {about['python']}, {about['date']}"
    print(f"\n=== all figures ({described}) ===")
    print_table(("part", "figure", "value"), [(f["part"], f["figure"], format_value(f["value"])) for f in figures])
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps({"machine": about, "figures": figures, "seconds": durations, "failed": failed}, indent=2) + "\n"
    )
    print(f"\nSaved {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
