"""The message catalogues (deploy/catalogues.py): complete, up to date with the code, compiled by the build.

Generic over every app: an app's error codes are found by importing its modules, and the
catalogue is compared with what `makemessages` extracts from the whole project now, so a
new app's messages fail here until they are in `bookstore/locale/es` and translated (`make messages`).
"""

import importlib
import os
import pkgutil
import shutil
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from bookstore.errors import ErrorCode
from deploy.catalogues import LOCALE_DIR, ROOT, TRANSLATED_LANGUAGES, compile_catalogues, make_messages

# Modules that do their work on import, in Lambda only: the stage's handler builds Zappa's handler (INIT).
ENTRY_POINTS = {"bookstore.lambda_handler"}


def project_app_modules() -> list[str]:
    """Every module of the project's apps (the top-level folders of ROOT), tests, commands and settings aside."""
    names = []
    for config in apps.get_app_configs():
        if Path(config.path).parent != ROOT:
            continue
        names.append(config.name)
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if (
                not {"tests", "management", "settings"} & set(module.name.split("."))
                and module.name not in ENTRY_POINTS
            ):
                names.append(module.name)
    return names


def error_codes() -> list[ErrorCode]:
    for name in project_app_modules():
        importlib.import_module(name)
    classes, pending = [], list(ErrorCode.__subclasses__())
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending += cls.__subclasses__()
    return [member for cls in classes for member in cls]


def committed(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def test_every_error_message_is_translated_in_every_language():
    codes = [code for code in error_codes() if ".tests" not in type(code).__module__]
    assert len(codes) > 60  # every app's codes were found
    untranslated = []
    for code in codes:
        if not isinstance(code.message, Promise):  # a plain string is never looked up in a catalogue
            untranslated.append(f"{type(code).__name__}.{code.name} (not marked for translation)")
            continue
        for language in TRANSLATED_LANGUAGES:
            with translation.override(language):
                translated = str(code.message)
            with translation.override("en"):
                if translated == str(code.message):
                    untranslated.append(f"{type(code).__name__}.{code.name} ({language})")
    assert not untranslated, "messages without a translation; run `make messages` and translate them"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_entry_of_the_catalogue_is_translated(language):
    catalogue = committed(language)
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()  # gettext ignores a fuzzy entry: its message would stay English
    assert catalogue.percent_translated() == 100


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="makemessages needs GNU gettext (apt-get install gettext; .ci/run installs it)",
)
def test_the_catalogue_holds_exactly_the_messages_of_the_code(tmp_path):
    """What `makemessages` extracts now (into a temporary folder) has the msgids of the committed catalogue."""
    extracted = {path.parent.parent.name: polib.pofile(str(path)) for path in make_messages(tmp_path)}
    assert set(extracted) == set(TRANSLATED_LANGUAGES)
    for language, fresh in extracted.items():
        ids = {(entry.msgctxt, entry.msgid) for entry in fresh}
        kept = {(entry.msgctxt, entry.msgid) for entry in committed(language) if not entry.obsolete}
        missing, gone = sorted(ids - kept, key=str), sorted(kept - ids, key=str)
        assert not missing, f"not in bookstore/locale/{language} (run `make messages`, then translate them)"
        assert not gone, f"no longer in the code, still in bookstore/locale/{language} (run `make messages`)"


def test_compiling_writes_a_catalogue_gettext_reads(tmp_path):
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po", folder / "django.po")
    [mo_path] = compile_catalogues(tmp_path)
    import gettext

    with mo_path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("Book not found.") == "Libro no encontrado."
    assert compile_catalogues(tmp_path) == [mo_path]  # up to date: left as it is
