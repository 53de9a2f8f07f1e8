"""The message catalogues: extract them from the code (`make messages`) and compile them for the build.

The Spanish catalogue is `bookstore/locale/es/LC_MESSAGES/django.po`, one for the whole
project (every app's messages and templates), kept in the repository. Its compiled `.mo` is never committed:
the build makes it, in `make run`, in the test session (`testing.fixtures`) and in the Lambda
bundle (`deploy.bundle`), with `python -m deploy.catalogues`.

Compiling uses polib (PyPI, pure Python), not GNU gettext's `msgfmt`: Debian's `gettext`
package is not on a fresh machine (nor in CI's, nor on an operator's laptop), and a build
step that needs a system package fails there. Extracting (`make_messages`) is Django's
`makemessages`, which needs GNU `xgettext`: only a developer who changes a message runs it,
and the test that the catalogue is up to date (`.ci/run` installs `gettext` for it).

`compile_catalogues` writes each `.mo` under a temporary name and renames it into place, so
two test workers compiling at once never leave a half-written file for a reader.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "bookstore" / "locale"
# The languages with a catalogue: every language of LANGUAGES but English, the messages' source language.
TRANSLATED_LANGUAGES = ("es",)
# What `makemessages` does not read: tools that never answer an API client, tests and local state.
# A folder named `locale` is skipped, so every message goes where `make_messages` says (its LOCALE_PATHS); the
# working folder (ROOT) has none, which makemessages would take as the catalogue of every file below it.
MAKEMESSAGES_IGNORE = [
    ".*",
    "locale",
    "build",
    "node_modules",
    "local_stack",
    "testing",
    "benchmarks",
    "deploy",
    "e2e",
    "resilience",
    "docs",
    "*/tests",
    "*/tests/*",
    "conftest.py",
    "manage.py",
]


def catalogue_paths(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every `.po` under `locale_dir`."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every `.po` under `locale_dir` to its `.mo` (skipped when the `.mo` is newer); returns the `.mo`s."""
    import polib  # a build tool: never imported by the API

    compiled = []
    for po_path in catalogue_paths(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        compiled.append(mo_path)
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        handle, partial = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.name}.", suffix=".partial")
        os.close(handle)
        try:
            polib.pofile(str(po_path)).save_as_mofile(partial)
            os.replace(partial, mo_path)
        finally:
            Path(partial).unlink(missing_ok=True)
    return compiled


def make_messages(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Run Django's `makemessages` over the project for TRANSLATED_LANGUAGES, into `locale_dir`; returns the `.po`s.

    An existing catalogue there keeps its translations (gettext's msgmerge); a new message
    arrives untranslated. Needs Django set up and GNU gettext's `xgettext` and `msgmerge`.
    """
    from django.core.management import call_command
    from django.test import override_settings

    cwd = os.getcwd()
    os.chdir(ROOT)  # makemessages reads the tree below the working folder
    try:
        with override_settings(LOCALE_PATHS=[str(locale_dir)]):
            call_command(
                "makemessages",
                locale=list(TRANSLATED_LANGUAGES),
                ignore_patterns=MAKEMESSAGES_IGNORE,
                add_location="file",
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return catalogue_paths(locale_dir)


def main(argv: list[str]) -> int:
    """`python -m deploy.catalogues` compiles; `python -m deploy.catalogues extract` updates the `.po` files first."""
    if argv[:1] == ["extract"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")
        import django

        django.setup()
        for path in make_messages():
            print(f"updated {path.relative_to(ROOT)}")
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
