"""Start the local search engine: noida-db serving the Elasticsearch REST API on loopback.

The pytest session fixture (a temporary data folder), `make run` (a folder under `.local/`,
so the index survives a restart) and the benchmarks all start it through here. The binary
is started directly rather than through its Python wrapper, so stopping our child process
stops the server and nothing else.
"""

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60  # generous: a busy machine starts it slowly
STOP_TIMEOUT_SECONDS = 10
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent dies


def _binary() -> str:
    path = files("noida_db").joinpath("noida-db")
    if not path.is_file():
        raise RuntimeError(f"noida-db binary not found at {path}; install requirements-local.txt.")
    return str(path)


def _die_with_parent() -> None:
    """In the child, on Linux: be killed when the process that started us dies, even by SIGKILL.

    Without it a crashed `make run` would leave noida-db holding its port, and the next start
    would refuse to share it.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class SearchEngine:
    """A noida-db server on host:port keeping its data in `data_dir`; it can be stopped and started again."""

    port: int
    data_dir: Path
    host: str = DEFAULT_HOST
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "SearchEngine":
        """Start the server; return once its Elasticsearch API answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if _answers(self.url):  # another server holds the port: its answers must not pass for ours
            raise RuntimeError(f"the port of {self.url} is taken by another server")
        command = [_binary(), "start", "--only", "elasticsearch", "--elasticsearch-port", str(self.port)]
        command += ["--host", self.host, "--data-dir", str(self.data_dir)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not (_answers(self.url) and self.is_running()):
            if not self.is_running() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"noida-db did not start on {self.url} (is the port taken?)")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop the server (it saves its data first); idempotent."""
        if self.is_running():
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_search_engine(*, port: int, data_dir: Path, host: str = DEFAULT_HOST) -> SearchEngine:
    """Start noida-db with only its Elasticsearch API on http://host:port."""
    return SearchEngine(port=port, data_dir=Path(data_dir), host=host).start()
