"""Run the README as a walkthrough: its ```bash blocks, in order, in one shell, checking each curl's status.

The convention (the README's section "The README is tested"): every ```bash block runs
(```bash skip blocks and other languages do not); every `curl` command ends with
`# → <status> [error_code]` on its last line. A `curl` function wrapped around the real one
records the status, and stops the shell at the first answer that differs from the README,
naming the README line. `bookstore/tests/test_readme.py` runs it against a live server on
every `make test`; `python -m local_stack.walkthrough` runs it against the stack
`make run` serves (it writes data: run it on a fresh stack).
"""

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
DEFAULT_BASE = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(.*)$")
# `# → 201`, `# → 409 isbn_taken` (one space before the code), `# → 200  free text` (two spaces, or ` — `).
EXPECT = re.compile(r"#\s*(?:→|->)\s*(\d{3})(?: ([a-z][a-z0-9_]*)(?=\s|$))?")
CURL = re.compile(r"(?:^|[\s;&|(`])curl\s")


@dataclass
class Block:
    """A runnable ```bash block: its first line's number in the README and its lines."""

    line: int
    lines: list[str] = field(default_factory=list)
    heading: str = ""


@dataclass(frozen=True)
class Expectation:
    """The status (and optional error code) the README promises for the curl starting at `line`."""

    line: int
    status: str
    code: str = ""
    heading: str = ""


class ConventionError(ValueError):
    """The README breaks the walkthrough convention (a curl without an expected status, ...)."""


def runnable_blocks(text: str) -> list[Block]:
    """Every ```bash block (exactly that info string), with the heading it sits under."""
    blocks, current, heading, in_fence = [], None, "", False
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence and not in_fence:
            in_fence = True
            if fence.group(1).strip() == "bash":
                current = Block(line=number + 1, heading=heading)
            continue
        if fence and in_fence and not fence.group(1).strip():
            in_fence = False
            if current is not None:
                blocks.append(current)
            current = None
            continue
        if in_fence:
            if current is not None:
                current.lines.append(line)
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
    return blocks


def expectations(blocks: list[Block]) -> list[Expectation]:
    """One expectation per curl, in order; raises ConventionError naming every line that breaks the rules."""
    found, problems = [], []
    for block in blocks:
        pending: int | None = None
        for offset, line in enumerate(block.lines):
            number = block.line + offset
            expect = EXPECT.search(line)
            code_part = line[: expect.start()] if expect else line
            if line.lstrip().startswith("#"):
                code_part = ""  # a comment line
            curls = len(CURL.findall(" " + code_part))
            if curls > 1 or (curls and pending is not None):
                problems.append(f"README.md:{number}: one curl per command, each ending with `# → <status>`")
            if curls:
                pending = number
            if expect:
                if pending is None:
                    problems.append(f"README.md:{number}: `# → {expect.group(1)}` follows no curl")
                else:
                    found.append(Expectation(pending, expect.group(1), expect.group(2) or "", block.heading))
                pending = None
        if pending is not None:
            problems.append(f"README.md:{pending}: a curl without `# → <status>` on its last line")
    if problems:
        raise ConventionError("\n".join(problems))
    return found


_PRELUDE = r"""
set -eo pipefail
__readme_fail() { printf '%s\n' "$1" > "$__README_DIR/failure"; printf '%s\n' "$1" >&2; }
trap 'echo "$LINENO" > "$__README_DIR/err_line"' ERR
curl() {
  local n where expect code heading body status
  n=$(( $(cat "$__README_DIR/count") + 1 ))
  echo "$n" > "$__README_DIR/count"
  IFS=$'\x1f' read -r where expect code heading < <(sed -n "${n}p" "$__README_DIR/expected")
  body="$__README_DIR/body.$n"
  if ! status=$(command curl -sS -o "$body" -w '%{http_code}' "$@"); then
    __readme_fail "README.md:$where ($heading): curl could not reach the server"
    return 1
  fi
  cat "$body"
  if [ "$status" != "$expect" ]; then
    __readme_fail "README.md:$where ($heading): expected $expect, got $status: $(head -c 600 "$body")"
    return 1
  fi
  if [ "$code" != "-" ] && ! grep -q "\"code\": *\"$code\"" "$body"; then
    __readme_fail "README.md:$where ($heading): expected error code $code in: $(head -c 600 "$body")"
    return 1
  fi
}
"""


@dataclass(frozen=True)
class WalkthroughResult:
    """What a run did: how many curls ran out of how many the README has, and the first failure if any."""

    ran: int
    expected: int
    failure: str | None
    output: str


def run_walkthrough(*, base: str, env: dict[str, str] | None = None, readme: Path = README) -> WalkthroughResult:
    """Run the README's runnable blocks against `base`, in one bash process, and report the first failure."""
    blocks = runnable_blocks(readme.read_text())
    expected = expectations(blocks)
    with tempfile.TemporaryDirectory(prefix="readme-") as directory:
        state = Path(directory)
        (state / "count").write_text("0\n")
        (state / "expected").write_text(
            "".join(f"{e.line}\x1f{e.status}\x1f{e.code or '-'}\x1f{e.heading}\n" for e in expected),
        )
        script_lines, origin = _PRELUDE.splitlines(), {}
        for block in blocks:
            for offset, line in enumerate(block.lines):
                script_lines.append(line.replace(DEFAULT_BASE, base))
                origin[len(script_lines)] = block.line + offset
        (state / "walkthrough.sh").write_text("\n".join(script_lines) + "\n")
        process = subprocess.run(
            ["bash", str(state / "walkthrough.sh")],
            cwd=readme.parent,
            env={**os.environ, **(env or {}), "BASE": base, "__README_DIR": directory},
            capture_output=True,
            text=True,
            timeout=300,
        )
        ran = int((state / "count").read_text())
        failure = None
        if (state / "failure").exists():
            failure = (state / "failure").read_text().strip()
        elif process.returncode != 0:
            err_line = (state / "err_line").read_text().strip() if (state / "err_line").exists() else ""
            where = origin.get(int(err_line)) if err_line.isdigit() else None
            failure = f"README.md:{where or '?'}: a command failed (exit {process.returncode}): {process.stderr[-800:]}"
        elif ran != len(expected):
            failure = f"{ran} curls ran but the README has {len(expected)}: a curl in a loop, a function or a branch?"
        return WalkthroughResult(ran, len(expected), failure, process.stdout + process.stderr)


def main() -> None:
    """`python -m local_stack.walkthrough [BASE]`: run the README against a running `make run`."""
    from local_stack.stack import stack_read

    base = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BASE") or stack_read().get("api") or DEFAULT_BASE
    result = run_walkthrough(base=base)
    print(f"{result.ran}/{result.expected} README examples answered as documented against {base}.")
    if result.failure:
        sys.exit(result.failure)


if __name__ == "__main__":
    main()
