"""Every relative link in README.md and docs/ leads somewhere: an existing file, and a heading or id for an anchor.

The checker is local_stack/doc_links.py; its own rules are tested here on a tree in tmp_path.
"""

import textwrap
from pathlib import Path

from local_stack.doc_links import broken_links, heading_slug, page_anchors


def test_every_relative_link_and_anchor_in_the_docs_resolves():
    problems = broken_links()
    assert not problems, "Broken links:\n" + "\n".join(problems)


def _page(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_the_checker_names_each_broken_file_and_anchor_with_its_page_and_line(tmp_path):
    _page(
        tmp_path,
        "README.md",
        """\
        # Bookstore
        See [the errors](docs/api/errors.md#the-error-shape) and [settings](docs/operations/settings.md).
        A [missing page](docs/api/nowhere.md), [a missing anchor](docs/api/errors.md#no-such-section),
        [here](#bookstore), [there](#nowhere), [out](../elsewhere.md), [site](https://example.com/x.md#y).
        `[not a link](code.md)`

        ```bash
        echo "[not a link either](fenced.md)"
        ```
        [ref]: docs/api/gone.md
        """,
    )
    _page(
        tmp_path,
        "docs/api/errors.md",
        """\
        # Errors
        ## The error shape
        ## Codes
        ## Codes
        <a id="retry-after"></a>
        Back to the [README](../../README.md#bookstore), [codes](#codes-1), [retry](#retry-after),
        [settings](../operations/settings.md#unknown).
        """,
    )
    _page(tmp_path, "docs/operations/settings.md", "# Settings\n")
    assert broken_links(tmp_path) == [
        "README.md:3: docs/api/nowhere.md (no such file)",
        "README.md:3: docs/api/errors.md#no-such-section (no heading or id `no-such-section` in docs/api/errors.md)",
        "README.md:4: #nowhere (no heading or id `nowhere` in README.md)",
        "README.md:4: ../elsewhere.md (outside the repository)",
        "README.md:10: docs/api/gone.md (no such file)",
        "docs/api/errors.md:7: ../operations/settings.md#unknown"
        " (no heading or id `unknown` in docs/operations/settings.md)",
    ]


def test_anchors_follow_githubs_slugs_with_numbered_duplicates_and_explicit_ids():
    assert heading_slug("Deploy: wiring the streams (`wire_streams`)") == "deploy-wiring-the-streams-wire_streams"
    assert heading_slug("1. One-time prerequisites (per AWS account and stage)") == (
        "1-one-time-prerequisites-per-aws-account-and-stage"
    )
    assert heading_slug("What we fixed in moto's DynamoDB") == "what-we-fixed-in-motos-dynamodb"
    assert heading_slug("Backups: point-in-time recovery, or export/import") == (
        "backups-point-in-time-recovery-or-exportimport"
    )
    assert heading_slug("See [the API](api.md) & more") == "see-the-api--more"
    text = '# Tests\n## Tests\n```bash\n# Tests\n```\n### Tests\n<a name="legacy"></a>\n'
    assert page_anchors(text) == {"tests", "tests-1", "tests-2", "legacy"}
