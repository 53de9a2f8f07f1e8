"""The local stack as separate processes: the emulator, the API served by gunicorn, the stream poller.

The resilience suites and the HTTP benchmarks use it to reach the API the way a
production-like server serves it (gunicorn workers on loopback, each its own process with
its own connections), and to stop, freeze or kill one part while the others run. Every
process gets the settings module and emulator port through its environment, so the app
code is the same as in `make run`; nothing here is imported by production code.
"""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60.0


# Ports below the kernel's ephemeral range: the kernel never gives one of them to an outgoing
# connection or to a bind on port 0, so a port chosen here stays free until its server binds it,
# unless another process picks the same one at random in the meantime.
DEFAULT_FIRST_EPHEMERAL_PORT = 32768  # where Linux's default ip_local_port_range starts
LOWEST_PORT = 10000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _first_ephemeral_port() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return DEFAULT_FIRST_EPHEMERAL_PORT


def free_port() -> int:
    """A loopback port nobody listens on right now, for a server another process or thread starts.

    Chosen at random below the ephemeral range, where no outgoing connection can take it
    before the server binds it (a port the kernel picked for a bind on port 0 is one it may
    hand out again at once). Where that range leaves no room, the kernel picks.
    """
    highest = _first_ephemeral_port() - 1
    rng = random.SystemRandom()
    for _ in range(100 if highest > LOWEST_PORT + 1000 else 0):
        port = rng.randint(LOWEST_PORT, highest)
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:  # taken, or closing (TIME_WAIT): try another
                continue
            return port
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_for(check, *, what: str, process: subprocess.Popen, timeout: float = START_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it was ready")
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} was not ready after {timeout:.0f}s")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _port_was_taken(log: Path | None) -> bool:
    """Whether gunicorn's log says its port was taken (without a log there is no telling)."""
    return log is not None and log.exists() and "Connection in use" in log.read_text(errors="replace")


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Service:
    """One process of the stack: stop it (SIGTERM), kill it (SIGKILL), freeze and thaw it (SIGSTOP/SIGCONT)."""

    name: str
    process: subprocess.Popen
    port: int | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def freeze(self) -> None:
        os.killpg(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would; no clean-up runs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGCONT)  # a frozen process cannot handle SIGTERM
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Stack:
    """The environment every process of one stack shares: settings module, emulator port, overrides."""

    emulator_port: int
    settings_module: str = "bookstore.settings.test"
    extra_env: Mapping[str, str] = field(default_factory=dict)
    log_dir: Path | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            "EMULATOR_PORT": str(self.emulator_port),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def _spawn(self, name: str, argv: list[str]) -> tuple[subprocess.Popen, Path | None]:
        log = (self.log_dir / f"{name}.log") if self.log_dir else None
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child owns it)
        process = subprocess.Popen(
            argv, cwd=PROJECT_ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        if log:
            out.close()
        return process, log

    def start_emulator(self) -> Service:
        """The patched emulator in its own process on `emulator_port` (empty: call `manage` to create tables)."""
        process, log = self._spawn(
            "emulator", [sys.executable, "-m", "local_stack.emulator", "--port", str(self.emulator_port)]
        )
        service = Service("emulator", process, self.emulator_port, log)
        _wait_for(lambda: _port_open(self.emulator_port), what="the emulator", process=process)
        return service

    def manage(self, *args: str) -> str:
        """Run a management command against this stack; return its output (raises on failure)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=self.env(), capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def serve_api(self, *, port: int | None = None, workers: int = 2, threads: int = 1) -> Service:
        """Gunicorn serving `bookstore.wsgi` with `workers` processes on loopback, ready when health answers.

        Without a port it takes a free one, and another one if some other server binds that
        port first (gunicorn logs "Connection in use" and exits before it is ready).
        """
        attempts = 1 if port else 3
        for attempt in range(1, attempts + 1):
            chosen = port or free_port()
            argv = [
                sys.executable, "-m", "gunicorn", "bookstore.wsgi:application",
                "--bind", f"{HOST}:{chosen}", "--workers", str(workers), "--threads", str(threads),
                "--backlog", "256", "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
            ]  # fmt: skip
            process, log = self._spawn("api", argv)
            service = Service("api", process, chosen, log)
            try:
                _wait_for(partial(_health_ok, f"{service.url}/api/v1/health"), what="the API", process=process)
            except RuntimeError:
                service.stop()
                if attempt == attempts or not _port_was_taken(log):
                    raise
                continue
            return service
        raise RuntimeError("the API did not start")  # not reached: the last attempt raises

    def start_poller(self, *args: str) -> Service:
        """`manage.py consume_streams [args]`, following every stream (or `--tables ...`) until stopped."""
        process, log = self._spawn("poller", [sys.executable, "manage.py", "consume_streams", *args])
        return Service("poller", process, None, log)


@dataclass
class LocalRun:
    """`python -m local_stack.serve` (what `make run` runs) as a process of its own, with its own local state.

    Each `start()` takes new free ports (a killed run's ports may linger), keeps `state` (the
    local state folder: snapshots, journal, lake, search data) and appends to a log per start.
    `kill()` is a crash (SIGKILL of the process: its noida-db child dies with it); `stop()` is
    what Ctrl-C or `kill PID` does (SIGTERM), and returns the exit code.
    """

    state: Path
    demo_books: int = 20
    extra_env: Mapping[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    port: int = 0
    emulator_port: int = 0
    search_port: int = 0
    receiver_port: int = 0  # chosen once: the demo tenant's webhook endpoint names it across restarts
    starts: int = 0

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bookstore.settings.local",
            "LOCAL_STATE_DIR": str(self.state),
            "EMULATOR_PORT": str(self.emulator_port),
            "SEARCH_PORT": str(self.search_port),
            "WEBHOOK_RECEIVER_PORT": str(self.receiver_port),
            "RUN_ADDRESS": f"{HOST}:{self.port}",
            "BOOKSTORE_DEMO_BOOKS": str(self.demo_books),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env.pop("DYNAMODB_ENDPOINT_URL", None)
        env.pop("ELASTICSEARCH_URL", None)
        return env

    @property
    def log(self) -> Path:
        return self.state / f"serve-{self.starts}.log"

    def start(self, *, timeout: float = 180.0) -> "LocalRun":
        """Start it and return once the API answers on /api/v1/health."""
        self.state.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        self.port, self.emulator_port, self.search_port = free_port(), free_port(), free_port()
        self.receiver_port = self.receiver_port or free_port()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "local_stack.serve"],
                cwd=PROJECT_ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for(partial(_health_ok, self.url("health")), what="make run", process=self.process, timeout=timeout)
        return self

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}/api/v1/{path}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean-up runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, *, timeout: float = 120.0) -> int:
        """SIGTERM, as `kill PID` or Ctrl-C; wait for the clean stop and return the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout)
        return self.process.returncode

    def run_python(self, *argv: str) -> str:
        """`python argv...` in the project with this run's environment (its ports and state); its output."""
        result = subprocess.run(
            [sys.executable, *argv], cwd=PROJECT_ROOT, env=self.env(), capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"python {' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout
