"""Run every benchmark and print its table: `python -m benchmarks` (or `make bench`).

Each benchmark runs in its own process, so each starts from a fresh emulator and the
unpatched-moto half of the transactions benchmark runs before any patch is installed.
"""

import subprocess
import sys

BENCHMARKS = (
    "benchmarks.transactions",
    "benchmarks.catalog",
    "benchmarks.orders",
    "benchmarks.streams",
    "benchmarks.capacity",
    "benchmarks.operations",
    "benchmarks.cold_start",
)


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        print(f"\n=== {module} ===", flush=True)
        failed += subprocess.call([sys.executable, "-m", module]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
