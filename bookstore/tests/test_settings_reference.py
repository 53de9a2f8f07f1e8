"""docs/operations/settings.md lists every environment variable the settings read, once, and no other.

"Read" means, found with ast in bookstore/settings/ (every module, at any depth) and local_stack/
(outside its tests): `os.environ[...]`, `os.environ.get`, `os.environ.setdefault` (the environment
wins over its default), `os.getenv`, and any call of a function whose name starts with `env`
(`env`, `env_int`, `env_bool`, ...) whose first argument is an UPPER_SNAKE string literal; plus
the `environment_variables` of every stage in zappa_settings.json. "Listed" means named in
backticks in the first column of one of the page's tables.
"""

import ast
import json
import re
import textwrap
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "operations" / "settings.md"
SOURCES = ("bookstore/settings", "local_stack")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
ENVIRON_CALLS = {"os.environ.get", "os.environ.setdefault", "os.getenv"}
# Bare names count only where the module imports them from os (a WSGI app's `environ` is a request).
BARE_ENVIRON_CALLS = {"environ.get", "environ.setdefault", "getenv"}


def _dotted(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.match(node.value):
        return node.value
    return None


def variables_read_by(source: str) -> set[str]:
    """The environment variables one module reads (see the module docstring for what counts)."""
    tree = ast.parse(source)
    from_os = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "os"
        for alias in node.names
    }
    calls = ENVIRON_CALLS | {call for call in BARE_ENVIRON_CALLS if call.partition(".")[0] in from_os}
    subscripted = {"os.environ"} | ({"environ"} & from_os)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            function = _dotted(node.func)
            if function in calls or function.rpartition(".")[2].lstrip("_").startswith("env"):
                found.add(_literal(node.args[0]))
        elif isinstance(node, ast.Subscript) and _dotted(node.value) in subscripted:
            found.add(_literal(node.slice))
    return found - {None}


def variables_read(root: Path = ROOT) -> set[str]:
    """Every variable the settings, the local stack and the stages' Zappa environments read."""
    found = set()
    for folder in SOURCES:
        for module in (root / folder).rglob("*.py"):
            if "tests" not in module.relative_to(root).parts:
                found |= variables_read_by(module.read_text())
    zappa = root / "zappa_settings.json"
    if zappa.exists():
        for stage in json.loads(zappa.read_text()).values():
            found |= set(stage.get("environment_variables", {}))
    return found


def variables_listed(page: str) -> Counter:
    """How many times each variable is named in the first column of the page's tables."""
    listed = Counter()
    for line in page.splitlines():
        cells = line.strip().split("|")
        if line.lstrip().startswith("|") and len(cells) > 2 and not set(cells[1].strip()) <= {"-", ":"}:
            listed.update(name for name in re.findall(r"`([^`]+)`", cells[1]) if ENV_NAME.match(name))
    return listed


def test_every_variable_the_settings_read_is_listed_once_and_every_listed_one_is_read():
    read, listed = variables_read(), variables_listed(REFERENCE.read_text())
    assert len(read) > 70  # the scan found the settings
    assert sorted(read - set(listed)) == [], "read but not in docs/operations/settings.md"
    assert sorted(set(listed) - read) == [], "in docs/operations/settings.md but read nowhere"
    assert sorted(name for name, count in listed.items() if count > 1) == [], "listed more than once"


def test_the_scan_follows_every_way_of_reading_the_environment():
    source = textwrap.dedent(
        """\
        import os
        from os import environ, getenv

        def env(name, default=""):
            return os.environ.get(name, default)

        A = env("A_VAR", "x")
        B = env_int("B_VAR", 3)
        C = base.env_bool("C_VAR") or _env("C2_VAR")
        D = os.environ["D_VAR"]
        E = os.getenv("E_VAR")
        os.environ.setdefault("F_VAR", "1")
        G = environ.get("G_VAR") or getenv("H_VAR")
        NOT_ENV = other("I_VAR"), env(f"{prefix}_X"), env("lowercase"), os.environ.get(name)
        """
    )
    assert variables_read_by(source) == {f"{name}_VAR" for name in ("A", "B", "C", "C2", "D", "E", "F", "G", "H")}


def test_a_wsgi_environ_is_a_request_not_the_environment():
    source = 'def app(environ, start_response):\n    return environ.get("HTTP_HOST"), environ["HTTP_ORIGIN"]\n'
    assert variables_read_by(source) == set()


def test_the_scan_covers_nested_settings_modules_and_the_zappa_stages_but_not_tests(tmp_path):
    (tmp_path / "bookstore/settings/security").mkdir(parents=True)
    (tmp_path / "bookstore/settings/security/jwt.py").write_text('X = env_int("JWT_X", 1)\n')
    (tmp_path / "local_stack/tests").mkdir(parents=True)
    (tmp_path / "local_stack/serve.py").write_text('import os\nA = os.environ.get("RUN_X")\n')
    (tmp_path / "local_stack/tests/test_serve.py").write_text('import os\nA = os.environ.get("TEST_ONLY")\n')
    (tmp_path / "zappa_settings.json").write_text(
        json.dumps({"dev": {"environment_variables": {"STAGE_X": "1"}}, "prod": {"extends": "dev"}})
    )
    assert variables_read(tmp_path) == {"JWT_X", "RUN_X", "STAGE_X"}


def test_only_the_first_column_of_a_table_lists_a_variable():
    page = textwrap.dedent(
        """\
        `PROSE_VAR` in prose is not listed.
        | variable | default | meaning |
        |---|---|---|
        | `A_VAR`, `B_VAR` | `C_VAR` | follows `D_VAR` |
        | `A_VAR` | 1 | again |
        """
    )
    assert variables_listed(page) == Counter({"A_VAR": 2, "B_VAR": 1})
