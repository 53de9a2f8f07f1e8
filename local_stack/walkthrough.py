"""Run the documentation as one walkthrough: every page's ```bash blocks, in order, in one shell.

The pages, in this order (`documentation_pages`): README.md, then docs/tutorial/*.md sorted by
name, then every other docs/**/*.md sorted by path (folder by folder, case-sensitive). They run
as one script in one `bash -eo pipefail` process, so a variable a page captures (a token, a book
id) is there for the pages after it.

The convention (docs/development/testing.md): every ```bash block runs (```bash skip blocks
and other languages do not); every `curl` command ends with `# → <status> [error_code]` on
its last line, one curl per command. A `curl` function wrapped around the real one records the
status and stops the shell at the first answer that differs from the page, naming the page, the
line, the section and the status. `bookstore/tests/test_docs_run.py` runs it against a live
server on every `make test`; `python -m local_stack.walkthrough [BASE] [FILES...]` runs all
pages, or the pages given, against the stack `make run` serves (it writes data: run it on a
fresh stack).
"""

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(.*)$")
# `# → 201`, `# → 409 isbn_taken` (one space before the code), `# → 200  free text` (two spaces, or ` — `).
EXPECT = re.compile(r"#\s*(?:→|->)\s*(\d{3})(?: ([a-z][a-z0-9_]*)(?=\s|$))?")
CURL = re.compile(r"(?:^|[\s;&|(`])curl\s")


def documentation_pages(root: Path = PROJECT_ROOT) -> list[Path]:
    """README.md, then docs/tutorial/*.md by name, then every other docs/**/*.md by path: the run order."""
    docs = root / "docs"
    readme = [root / "README.md"] if (root / "README.md").is_file() else []
    tutorial = sorted(p for p in (docs / "tutorial").glob("*.md") if p.is_file())
    others = sorted(
        (p for p in docs.rglob("*.md") if p.is_file() and p not in tutorial),
        key=lambda p: p.relative_to(root).parts,
    )
    return [*readme, *tutorial, *others]


def page_name(page: Path, root: Path = PROJECT_ROOT) -> str:
    """The page's path relative to `root`, as failures name it (`docs/api/errors.md`)."""
    try:
        return page.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return page.name


@dataclass
class Block:
    """A runnable ```bash block: its page, its first line's number in the page, its lines and section."""

    line: int
    lines: list[str] = field(default_factory=list)
    heading: str = ""
    page: str = "README.md"


@dataclass(frozen=True)
class Expectation:
    """The status (and optional error code) a page promises for the curl starting at `line`."""

    line: int
    status: str
    code: str = ""
    heading: str = ""
    page: str = "README.md"


class ConventionError(ValueError):
    """A page breaks the walkthrough convention (a curl without an expected status, ...)."""


def runnable_blocks(text: str, *, page: str = "README.md") -> list[Block]:
    """Every ```bash block (exactly that info string), with the heading it sits under."""
    blocks, current, heading, in_fence = [], None, "", False
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence and not in_fence:
            in_fence = True
            if fence.group(1).strip() == "bash":
                current = Block(line=number + 1, heading=heading, page=page)
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
                problems.append(f"{block.page}:{number}: one curl per command, each ending with `# → <status>`")
            if curls:
                pending = number
            if expect:
                if pending is None:
                    problems.append(f"{block.page}:{number}: `# → {expect.group(1)}` follows no curl")
                else:
                    found.append(
                        Expectation(pending, expect.group(1), expect.group(2) or "", block.heading, block.page)
                    )
                pending = None
        if pending is not None:
            problems.append(f"{block.page}:{pending}: a curl without `# → <status>` on its last line")
    if problems:
        raise ConventionError("\n".join(problems))
    return found


_PRELUDE = r"""
set -eo pipefail
__docs_fail() { printf '%s\n' "$1" > "$__DOCS_RUN_DIR/failure"; printf '%s\n' "$1" >&2; }
trap 'echo "$LINENO" > "$__DOCS_RUN_DIR/err_line"' ERR
curl() {
  local n where expect code heading body status
  n=$(( $(cat "$__DOCS_RUN_DIR/count") + 1 ))
  echo "$n" > "$__DOCS_RUN_DIR/count"
  IFS=$'\x1f' read -r where expect code heading < <(sed -n "${n}p" "$__DOCS_RUN_DIR/expected")
  body="$__DOCS_RUN_DIR/body.$n"
  if ! status=$(command curl -sS -o "$body" -w '%{http_code}' "$@"); then
    __docs_fail "$where ($heading): curl could not reach the server"
    return 1
  fi
  cat "$body"
  if [ "$status" != "$expect" ]; then
    __docs_fail "$where ($heading): expected $expect, got $status: $(head -c 600 "$body")"
    return 1
  fi
  if [ "$code" != "-" ] && ! grep -q "\"code\": *\"$code\"" "$body"; then
    __docs_fail "$where ($heading): expected error code $code in: $(head -c 600 "$body")"
    return 1
  fi
}
"""


@dataclass(frozen=True)
class WalkthroughResult:
    """What a run did: the pages it ran, how many curls ran out of how many they hold, the first failure."""

    ran: int
    expected: int
    failure: str | None
    output: str
    pages: tuple[str, ...] = ()


def run_walkthrough(
    *,
    base: str,
    env: dict[str, str] | None = None,
    pages: Sequence[Path] | None = None,
    root: Path = PROJECT_ROOT,
) -> WalkthroughResult:
    """Run the pages' runnable blocks against `base`, in one bash process, and report the first failure.

    `pages` defaults to every documentation page under `root`, in the run order; failures name each
    page by its path relative to `root`. The shell runs in the repository, as a reader's would.
    """
    pages = documentation_pages(root) if pages is None else list(pages)
    blocks: list[Block] = []
    for page in pages:
        blocks += runnable_blocks(page.read_text(), page=page_name(page, root))
    expected = expectations(blocks)
    ran_pages = tuple(dict.fromkeys(block.page for block in blocks))
    with tempfile.TemporaryDirectory(prefix="docs-run-") as directory:
        state = Path(directory)
        (state / "count").write_text("0\n")
        (state / "expected").write_text(
            "".join(f"{e.page}:{e.line}\x1f{e.status}\x1f{e.code or '-'}\x1f{e.heading}\n" for e in expected),
        )
        script_lines, origin = _PRELUDE.splitlines(), {}
        for block in blocks:
            for offset, line in enumerate(block.lines):
                script_lines.append(line.replace(DEFAULT_BASE, base))
                origin[len(script_lines)] = f"{block.page}:{block.line + offset}"
        (state / "walkthrough.sh").write_text("\n".join(script_lines) + "\n")
        process = subprocess.run(
            ["bash", str(state / "walkthrough.sh")],
            cwd=PROJECT_ROOT,
            env={**os.environ, **(env or {}), "BASE": base, "__DOCS_RUN_DIR": directory},
            capture_output=True,
            text=True,
            timeout=600,
        )
        ran = int((state / "count").read_text())
        failure = None
        if (state / "failure").exists():
            failure = (state / "failure").read_text().strip()
        elif process.returncode != 0:
            err_line = (state / "err_line").read_text().strip() if (state / "err_line").exists() else ""
            where = origin.get(int(err_line)) if err_line.isdigit() else None
            failure = f"{where or '?'}: a command failed (exit {process.returncode}): {process.stderr[-800:]}"
        elif ran != len(expected):
            failure = f"{ran} curls ran but the pages hold {len(expected)}: a curl in a loop, a function or a branch?"
        return WalkthroughResult(ran, len(expected), failure, process.stdout + process.stderr, ran_pages)


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m local_stack.walkthrough [BASE] [FILES...]`: run the docs against a running `make run`."""
    from local_stack.stack import stack_read

    args = list(sys.argv[1:] if argv is None else argv)
    base = args.pop(0) if args and re.match(r"https?://", args[0]) else None
    base = base or os.environ.get("BASE") or stack_read().get("api") or DEFAULT_BASE
    pages = [Path(arg).resolve() for arg in args] or None
    result = run_walkthrough(base=base, pages=pages)
    print(f"{result.ran}/{result.expected} examples in {', '.join(result.pages)} answered as documented at {base}.")
    if result.failure:
        sys.exit(result.failure)


if __name__ == "__main__":
    main()
