"""A saved `make bench` run as Markdown, for a dated page of docs/performance/results/.

    python -m benchmarks.report                       # benchmarks/results/reference.json
    python -m benchmarks.report benchmarks/results/bench-20261128T030000Z.json

Prints the machine line and one `| part | figure | value |` table, the same cells as the
table `make bench` prints.
"""

import json
import sys
from pathlib import Path

from benchmarks.harness import format_value

REFERENCE = Path(__file__).resolve().parent / "results" / "reference.json"


def markdown(run: dict) -> str:
    about = run["machine"]
    described = f"{about['date']}: {about['cores']} cores, {about['memory_gib']} GiB, Python {about['python']}"
    described += f" ({about['platform']})"
    if run.get("seconds"):
        parts = (f"{name.rsplit('.', 1)[1]} {seconds:,.0f} s" for name, seconds in run["seconds"].items())
        described += f"; wall time per part: {', '.join(parts)}"
    lines = [
        described,
        "",
        "| part | figure | value |",
        "|---|---|---|",
    ]
    for figure in run["figures"]:
        cells = (figure["part"], figure["figure"], format_value(figure["value"]))
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if run.get("failed"):
        lines += ["", f"FAILED: {', '.join(run['failed'])}"]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else REFERENCE).read_text())))
