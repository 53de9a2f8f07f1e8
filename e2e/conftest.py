"""The server and browser of the browser tests: `local_stack.serve` on free ports, headless chromium.

The server is what `make run` starts (its own emulator, the demo tenants and books), on free
loopback ports. The browser is Debian's `chromium` package (CHROMIUM overrides the path):
playwright never downloads one. Each test gets a fresh profile, `shot(name)` saves a
screenshot into e2e/screenshots/ (ignored by git), and `csp_violations` lists what the
pages' Content-Security-Policy blocked.
"""

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from local_stack.processes import free_port
from testing.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 240


@pytest.fixture(scope="session")
def webhook_receiver_url() -> str:
    """Where the server's webhook receiver listens: `tenant1`'s endpoint for every event (GET lists deliveries)."""
    return f"http://127.0.0.1:{free_port()}/"


@pytest.fixture(scope="session")
def base_url(tmp_path_factory, webhook_receiver_url):
    """A `make run` server with the demo data, on free ports; stopped after the session."""
    address = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bookstore.settings.local",
        "RUN_ADDRESS": address,
        "EMULATOR_PORT": str(free_port()),
        "SEARCH_PORT": str(free_port()),  # never the default 9200 a `make run` may hold
        "WEBHOOK_RECEIVER_PORT": webhook_receiver_url.rstrip("/").rsplit(":", 1)[1],
        "BOOKSTORE_DEMO_BOOKS": "40",
        # Its stack file and data lake stay out of the developer's `.local/` (a `make run` may be running).
        "LOCAL_STATE_DIR": str(tmp_path_factory.mktemp("state")),
        "DJANGO_DEBUG": "false",
    }
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "local_stack.serve"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://{address}"

    def answering() -> bool:
        assert server.poll() is None, f"the server exited; see {log.name}"
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answering, what=f"the server answering (log: {log.name})", timeout=SERVER_START_SECONDS)
    except AssertionError:
        server.kill()
        raise
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="session")
def playwright_session():
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def page(playwright_session, tmp_path, request):
    """A page of a fresh headless chromium profile."""
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    context = playwright_session.chromium.launch_persistent_context(
        user_data_dir=tmp_path / "profile", executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def csp_violations(page):
    """What the page's Content-Security-Policy blocked so far: chromium's console messages, one per violation."""
    violations = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", record)
    return violations


@pytest.fixture
def shot(page, request):
    """`shot(name)`: a full-page screenshot, e2e/screenshots/<test>/<nn>-<name>.png."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    count = iter(range(1, 100))

    def take(name: str) -> Path:
        path = folder / f"{next(count):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
