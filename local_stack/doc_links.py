"""The documentation's relative links: each names an existing file, and each #anchor a heading or an id.

The pages are the walkthrough's (README.md and docs/**/*.md). A link is `[text](target)`,
`![alt](target)` or a reference definition `[name]: target`, outside code fences and code spans.
http(s) and mailto links are left alone. An anchor matches a heading's slug as GitHub makes it
(lowercase; punctuation other than hyphens, spaces and underscores dropped; each space a hyphen;
a repeated heading gets -1, -2, ...) or an explicit `<a id="...">` (or `name=`).
`bookstore/tests/test_doc_links.py` runs it on every `make test`; `python -m local_stack.doc_links`
lists the broken links of the working tree.
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from local_stack.walkthrough import PROJECT_ROOT, documentation_pages, page_name

FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:[^>]*\s)?(?:id|name)=[\"']([^\"']+)[\"']", re.IGNORECASE)
IGNORED_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Link:
    """A relative link: where it is (page and line) and what it points at."""

    page: Path
    line: int
    target: str


def _prose_lines(text: str) -> list[tuple[int, str, str]]:
    """The page's lines outside code fences: number (from 1), the line, and the line with code spans blanked."""
    lines, fence = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if opening:
            if fence is None:
                fence = opening.group(1)
            elif line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if fence is None:
            lines.append((number, line, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)))
    return lines


def heading_slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (before duplicates get their -N suffix)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def page_anchors(text: str) -> set[str]:
    """Every anchor a page offers: its headings' slugs (duplicates numbered) and its explicit ids."""
    anchors, seen = set(), {}
    for _, line, prose in _prose_lines(text):
        heading = HEADING.match(line)
        if heading:
            slug = heading_slug(heading.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
        anchors.update(EXPLICIT_ANCHOR.findall(prose))
    return anchors


def page_links(page: Path) -> list[Link]:
    """The page's relative links (schemes other than http(s) and mailto count as relative)."""
    found = []
    for number, _, prose in _prose_lines(page.read_text()):
        targets = [m.group(1) for m in INLINE_LINK.finditer(prose)]
        definition = REFERENCE_DEFINITION.match(prose)
        if definition:
            targets.append(definition.group(1))
        for target in targets:
            target = target.strip("<>")
            if not target.lower().startswith(IGNORED_SCHEMES):
                found.append(Link(page, number, target))
    return found


def broken_links(root: Path = PROJECT_ROOT) -> list[str]:
    """`page:line: target (why)` for every relative link under `root` that leads nowhere."""
    anchors_of: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in anchors_of:
            anchors_of[path] = page_anchors(path.read_text())
        return anchors_of[path]

    problems = []
    for page in documentation_pages(root):
        for link in page_links(page):
            where = f"{page_name(page, root)}:{link.line}: {link.target}"
            path_part, _, anchor = link.target.partition("#")
            path_part = unquote(path_part)
            if not path_part:
                target = page
            elif path_part.startswith("/"):
                target = (root / path_part.lstrip("/")).resolve()
            else:
                target = (page.parent / path_part).resolve()
            if not target.is_relative_to(root.resolve()):
                problems.append(f"{where} (outside the repository)")
            elif not target.exists():
                problems.append(f"{where} (no such file)")
            elif anchor and target.is_file() and target.suffix == ".md" and unquote(anchor) not in anchors(target):
                problems.append(f"{where} (no heading or id `{anchor}` in {page_name(target, root)})")
    return problems


def main() -> None:
    """`python -m local_stack.doc_links`: list the broken relative links of README.md and docs/."""
    problems = broken_links()
    print("\n".join(problems) or "Every relative link and anchor resolves.")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
