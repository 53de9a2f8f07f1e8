"""Build a stage's Lambda bundle offline with `zappa package`, and measure it.

`python -m deploy.bundle dev` builds `build/bookstore-dev.zip` and prints its sizes.

A build writes its zip under a temporary name beside the output and renames it into place when
it is complete, so a reader of the output path sees the previous bundle or the new one, never a
missing or half-written file. Builds take turns (a file lock): they share `.venv-lambda`.

Zappa packages the virtualenv it runs from, so the bundle is built from a venv of its own
(`.venv-lambda`) holding requirements.txt and Zappa, never from the development venv with
moto, pytest and ruff in it. Zappa's own build-time dependencies are left out by the
stage's `exclude` list (its handler needs only werkzeug, durationpy and boto3 at run time).
`use_precompiled_packages: false` keeps the build offline: the venv's wheels are already the
manylinux x86_64 CPython 3.11 wheels the Lambda runtime needs.

The message catalogues (`bookstore/locale`) are compiled to `.mo` before packaging
(`deploy.catalogues`), so the bundle answers in Spanish as `make run` does.

Zappa leaves every `__pycache__` out of the zip, and Lambda's code folder is read-only, so a
container compiles each module from source at every cold start and can never cache it: about
three times slower imports (`benchmarks/cold_start.py` measures both). `bundle_add_bytecode`
puts the bytecode back, as unchecked-hash pycs next to the sources (tracebacks keep their lines).
"""

import compileall
import fcntl
import hashlib
import json
import os
import py_compile
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy.catalogues import compile_catalogues

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_VENV = ROOT / ".venv-lambda"
BUILD_DIR = ROOT / "build"
# Lambda's limit on a function's unzipped code (with layers): what the bundle must stay under.
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
# Packages of the local stack, the tests and the lint that must never reach Lambda (import names).
DEV_ONLY_PACKAGES = (
    "moto",
    "noida",
    "noida_db",
    "tantivy",
    "duckdb",
    "pytest",
    "_pytest",
    "pytest_django",
    "ruff",
    "importlinter",
    "grimp",
    "flask",
)


def zappa_requirement() -> str:
    """`zappa==X.Y.Z`, exactly as pinned in requirements-dev.txt."""
    text = (ROOT / "requirements-dev.txt").read_text()
    return re.search(r"^zappa==\S+", text, re.MULTILINE).group(0)


def _fingerprint() -> str:
    return hashlib.sha256(((ROOT / "requirements.txt").read_text() + zappa_requirement()).encode()).hexdigest()


def lambda_venv() -> Path:
    """The bundle's venv, (re)built when requirements.txt or the Zappa pin changed."""
    stamp = LAMBDA_VENV / ".fingerprint"
    if stamp.exists() and stamp.read_text() == _fingerprint():
        return LAMBDA_VENV
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(LAMBDA_VENV)], check=True)
    # --no-compile: zappa leaves every __pycache__ out of the zip, and `bundle_add_bytecode` builds its own.
    pip = [
        str(LAMBDA_VENV / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--no-compile",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.txt"), zappa_requirement()], check=True)
    stamp.write_text(_fingerprint())
    return LAMBDA_VENV


@dataclass(frozen=True)
class Bundle:
    path: Path
    zipped_bytes: int
    unzipped_bytes: int
    top_level: Counter  # top-level name (package, module, file) -> unzipped bytes

    def names(self) -> set[str]:
        """Importable top-level names in the bundle (`pyarrow`, `six.py` → `six`, dist-info excluded)."""
        return {n.removesuffix(".py") for n in self.top_level if not n.endswith((".dist-info", ".pth"))}


def bundle_measure(path: Path) -> Bundle:
    """Sizes of a built bundle, per top-level entry."""
    sizes: Counter = Counter()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            sizes[info.filename.split("/")[0]] += info.file_size
    return Bundle(path=path, zipped_bytes=path.stat().st_size, unzipped_bytes=sum(sizes.values()), top_level=sizes)


def lambda_runtime() -> str:
    """The runtime in zappa_settings.json (`python3.11`; dev sets it, the other stages extend dev)."""
    return json.loads((ROOT / "zappa_settings.json").read_text())["dev"]["runtime"]


def bundle_add_bytecode(path: Path) -> int:
    """Add `__pycache__/<module>.cpython-3XX.pyc` for every module in the zip; returns how many.

    Unchecked-hash pycs (PEP 552): the runtime loads them without comparing the source's
    timestamp, which unzipping does not preserve. They are built by this interpreter, so it
    must be the runtime's version: another version's pycs would be ignored, silently.
    """
    if f"python{sys.version_info.major}.{sys.version_info.minor}" != lambda_runtime():
        raise RuntimeError(f"bytecode for {lambda_runtime()} cannot be built by Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        sources = [name for name in archive.namelist() if name.endswith(".py")]
        for name in sources:
            archive.extract(name, folder)
        compileall.compile_dir(
            folder, quiet=2, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        compiled = sorted(Path(folder).rglob("__pycache__/*.pyc"))
        for pyc in compiled:
            entry = zipfile.ZipInfo(str(pyc.relative_to(folder)))
            entry.create_system, entry.external_attr = 3, 0o644 << 16
            archive.writestr(entry, pyc.read_bytes(), zipfile.ZIP_DEFLATED)
    return len(compiled)


@contextmanager
def _build_lock() -> Iterator[None]:
    """One build at a time on this machine: every build (re)uses the same `.venv-lambda`."""
    BUILD_DIR.mkdir(exist_ok=True)
    with (BUILD_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def bundle_build(stage: str, *, output: Path | None = None) -> Bundle:
    """`zappa package <stage>` from the bundle venv, offline, into `output` (default `build/bookstore-<stage>.zip`)."""
    output = Path(output or BUILD_DIR / f"bookstore-{stage}.zip")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.stem}.{os.getpid()}.partial{output.suffix}")
    try:
        with _build_lock():
            _bundle_build(stage, output=partial)
        partial.replace(output)  # atomic: readers of `output` never see it missing or half written
    finally:
        partial.unlink(missing_ok=True)
    return bundle_measure(output)


def _bundle_build(stage: str, *, output: Path) -> None:
    compile_catalogues()  # the .mo files are built, never committed: zappa packages them with bookstore/
    venv = lambda_venv()
    output.unlink(missing_ok=True)
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        # Packaging talks to no AWS service; boto3 only wants a region and some credentials to exist.
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "offline",
        "AWS_SECRET_ACCESS_KEY": "offline",
    }
    env.pop("PYTHONPATH", None)
    subprocess.run(
        [str(venv / "bin" / "zappa"), "package", stage, "-o", str(output)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    bundle_add_bytecode(output)


def main(argv: list[str]) -> int:
    stage = argv[0] if argv else "dev"
    bundle = bundle_build(stage)
    print(
        f"{bundle.path.relative_to(ROOT)}: {bundle.zipped_bytes / 2**20:.1f} MiB zipped, "
        f"{bundle.unzipped_bytes / 2**20:.1f} MiB unzipped (Lambda's limit: {LAMBDA_UNZIPPED_LIMIT / 2**20:.0f} MiB)"
    )
    for name, size in bundle.top_level.most_common(10):
        print(f"  {name:30} {size / 2**20:7.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
