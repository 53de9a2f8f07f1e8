"""docs/development/adding-an-app.md stays true: every app of ours is named in each place the checklist lists.

"Ours" is every INSTALLED_APPS entry that is a top-level package of this repository, except the
project package itself (the core, which holds ROOT_URLCONF). Each check is keyed by the text the
checklist page shows for it, so a check added here without its line on the page fails too.
"""

import ast
import fnmatch
import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLResolver, get_resolver

from bookstore.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "docs" / "development" / "adding-an-app.md"
PROJECT_PACKAGE = settings.ROOT_URLCONF.split(".")[0]
# An app raises the core's codes only when it has no failure of its own to name: say why here.
WITHOUT_ERROR_CODES = {
    "recommendations": "a read-only ranking: its failures are the core's (not_found, permission_denied)",
    "streams": "no endpoints: a handler's failure is a retried or parked record, never an HTTP error",
    "outbound": "no endpoints: a handler's failure is a message the queue delivers again, never an HTTP error",
}
# Files that make a top-level package a Django app (an app missing from INSTALLED_APPS is caught by them).
APP_MARKERS = ("apps.py", "models.py", "views.py", "urls.py")


def our_apps() -> list[str]:
    return [app for app in settings.INSTALLED_APPS if (ROOT / app / "__init__.py").is_file() and app != PROJECT_PACKAGE]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _contracts() -> list[dict]:
    return _pyproject()["tool"]["importlinter"]["contracts"]


def _contract_named(words: str) -> dict:
    return next(c for c in _contracts() if words in c["name"])


def _included_urlconfs(patterns) -> set[str | None]:
    found = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            # include("app.urls") holds the imported module; an inline list of paths has no name.
            found.add(getattr(entry.urlconf_name, "__name__", None))
            found |= _included_urlconfs(entry.url_patterns)
    return found


def _module_assignment(path: Path, name: str):
    """The literal value assigned to `name` at the top of a module (read with ast: the module is not imported)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{path}: no {name} = ...")


def _ready_imports(app: str) -> set[str]:
    """The modules the app's AppConfig.ready() imports (`from app import x` gives `app.x`)."""
    config = apps.get_app_config(app)
    source = Path(config.module.__file__).parent / "apps.py"
    if type(config).__module__ != f"{app}.apps" or not source.exists():
        return set()
    imported = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    imported |= {inner.module, *(f"{inner.module}.{alias.name}" for alias in inner.names)}
                elif isinstance(inner, ast.Import):
                    imported |= {alias.name for alias in inner.names}
    return imported


def check_installed(app: str) -> bool:
    return app in settings.INSTALLED_APPS


def check_urls_included(app: str) -> bool:
    return not (ROOT / app / "urls.py").exists() or f"{app}.urls" in _included_urlconfs(get_resolver().url_patterns)


def check_root_packages(app: str) -> bool:
    return app in _pyproject()["tool"]["importlinter"]["root_packages"]


def check_layers(app: str) -> bool:
    """In the layers contract, or kept from importing every other app by a forbidden contract of its own."""
    layered = {
        name.strip()
        for c in _contracts()
        if c["type"] == "layers"
        for layer in c["layers"]
        for name in layer.split("|")
    }
    others = set(our_apps()) - {app}
    fenced = any(
        c["type"] == "forbidden" and c["source_modules"] == [app] and others <= set(c["forbidden_modules"])
        for c in _contracts()
    )
    return app in layered or fenced


def check_core_imports_no_app(app: str) -> bool:
    return app in _contract_named("bookstore imports no app")["forbidden_modules"]


def check_never_imports_local_stack(app: str) -> bool:
    return app in _contract_named("never imports the local stack")["source_modules"]


def check_testpaths(app: str) -> bool:
    return app in _pyproject()["tool"]["pytest"]["ini_options"]["testpaths"]


def check_coverage(app: str) -> bool:
    """Coverage measures the app and leaves its tests out (once pyproject.toml configures coverage)."""
    run = _pyproject()["tool"].get("coverage", {}).get("run")
    return run is None or (app in run.get("source", []) and f"{app}/tests/*" in run.get("omit", []))


def check_tests_package(app: str) -> bool:
    return (ROOT / app / "tests" / "__init__.py").is_file()


def check_bundle_apps(app: str) -> bool:
    return app in _module_assignment(ROOT / "deploy" / "tests" / "test_bundle.py", "APPS")


def check_bundle_leaves_tests_out(app: str) -> bool:
    stages = json.loads((ROOT / "zappa_settings.json").read_text()).values()
    patterns = [p for stage in stages for p in stage.get("exclude_glob", [])]
    return any(fnmatch.fnmatch(f"{app}/tests", pattern) for pattern in patterns)


def check_stream_handlers_registered(app: str) -> bool:
    return not (ROOT / app / "stream_handlers.py").exists() or f"{app}.stream_handlers" in _ready_imports(app)


def check_error_codes(app: str) -> bool:
    if app in WITHOUT_ERROR_CODES:
        return not (ROOT / app / "errors.py").exists()  # an app that gains codes leaves the list
    if not (ROOT / app / "errors.py").exists():
        return False
    module = __import__(f"{app}.errors", fromlist=["*"])
    return any(isinstance(v, type) and issubclass(v, ErrorCode) and v is not ErrorCode for v in vars(module).values())


def check_repository_map(app: str) -> bool:
    return f"{app}/" in (ROOT / "README.md").read_text()


# The text the checklist shows for each place → the check that the place names the app.
CHECKS: dict[str, Callable[[str], bool]] = {
    "`INSTALLED_APPS`": check_installed,
    "`bookstore/urls.py`": check_urls_included,
    "`root_packages`": check_root_packages,
    "the layers contract": check_layers,
    '"bookstore imports no app"': check_core_imports_no_app,
    '"Production code never imports the local stack"': check_never_imports_local_stack,
    "`testpaths`": check_testpaths,
    "`[tool.coverage.run]`": check_coverage,
    "`tests/__init__.py`": check_tests_package,
    "`APPS` in `deploy/tests/test_bundle.py`": check_bundle_apps,
    "`exclude_glob`": check_bundle_leaves_tests_out,
    "`AppConfig.ready()`": check_stream_handlers_registered,
    "`errors.py`": check_error_codes,
    "the repository map in `README.md`": check_repository_map,
}


def test_our_apps_are_the_installed_packages_of_this_repository():
    assert our_apps() == [
        "accounts", "catalog", "orders", "reviews", "recommendations", "analytics", "emails", "webhooks", "streams",
        "outbound",
    ]  # fmt: skip
    packages = {p.parent.name for marker in APP_MARKERS for p in ROOT.glob(f"*/{marker}")}
    assert packages - {PROJECT_PACKAGE} <= set(our_apps()), "a top-level app package missing from INSTALLED_APPS"


@pytest.mark.parametrize("app", our_apps())
def test_every_place_the_checklist_lists_names_the_app(app):
    missing = [place for place, check in CHECKS.items() if not check(app)]
    assert not missing, f"{app} is missing from: {', '.join(missing)} (docs/development/adding-an-app.md)"


def test_the_checklist_names_every_place_checked_and_every_exemption():
    page = CHECKLIST.read_text()
    assert [place for place in CHECKS if place not in page] == []
    assert [app for app in WITHOUT_ERROR_CODES if f"`{app}`" not in page] == []


def test_an_app_no_place_names_fails_every_check_that_applies_to_it():
    passing = [place for place, check in CHECKS.items() if check("giftcards")]
    # Without urls.py or stream_handlers.py there is nothing to include or register; `*/tests` covers any app.
    expected = ["`bookstore/urls.py`", "`exclude_glob`", "`AppConfig.ready()`"]
    if "coverage" not in _pyproject()["tool"]:
        expected.insert(1, "`[tool.coverage.run]`")
    assert passing == expected
