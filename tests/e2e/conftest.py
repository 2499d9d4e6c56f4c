"""Browser tests: the real app in Debian's Chromium, driven by Playwright (sync API).

Every test in tests/e2e/ is marked ``e2e`` (deselect with ``-m "not e2e"``).

Fixtures
--------
``app_server`` (session)
    Starts ``python -m streamlit run serve.py`` (the pages behind the sign-in routes and the session
    guard) on a free loopback port with ``COCKPIT_DB`` pointing at a copy of the ``sample_db``
    fixture, waits for ``/_stcore/health`` and yields the base URL (``http://127.0.0.1:PORT``).
    The server's output is attached to every failing e2e test. Shared by the whole run: a module
    that writes real data (an import) or changes sessions, accounts or displays starts a server
    of its own (``start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": copy})``).
``browser_page``
    A fresh Playwright page (1600×1000, zh-CN, Asia/Shanghai) in a new browser context.
    When the test fails, a full-page screenshot goes to ``screenshots/<test>.png`` (git-ignored).
``app_page``
    ``browser_page`` already opened on the app's landing page and idle.

Helpers (``from tests.e2e.conftest import open_page, wait_for_app_idle, save_screenshot, start_streamlit``)
    ``open_page(page, url, user, password)``: go to ``url``; when the server sends the browser to
    its sign-in page (``/auth/login?next=…``), sign in there (demo township leader by default) and
    wait until the page the browser lands on has run. The session cookie then serves every later
    ``goto`` of the same browser context.
    ``sign_in(page, user, password)``: fill and submit the sign-in form the page shows; returns
    the error the page shows, or None when the browser left ``/auth/``.
    ``session_cookie(context)``: the value of the HttpOnly session cookie of a browser context.
    ``wait_for_app_idle(page)``: call after ``goto`` and after every click or input that reruns
    the script; waits until the app is connected and its script has finished, and fails if the
    page shows a Python exception.
    ``save_screenshot(page, name)``: a deliberate screenshot into ``screenshots/``.
    ``start_streamlit(script, env=…)``: context manager for a server of its own (yields the URL).

A file made by a download button is fetched by the browser after the click (the server makes it
on the click and serves it only to the session that clicked): ``page.expect_download()`` catches it.

Example::

    from tests.e2e.conftest import wait_for_app_idle

    def test_switch_language(app_page):
        app_page.get_by_text("English").click()
        wait_for_app_idle(app_page)
        assert app_page.get_by_test_id("stSidebar").is_visible()

Chromium is ``/usr/bin/chromium`` (Debian package ``chromium``; ``COCKPIT_CHROMIUM`` overrides the
path). Never run ``playwright install``. Without the browser the tests skip, except when
``CI=true``, where they fail.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = PROJECT_ROOT / "serve.py"  # the web server: sign-in routes and session guard around app.py
SCREENSHOT_DIR = PROJECT_ROOT / "screenshots"
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--no-proxy-server", "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1600, "height": 1000}
SERVER_START_TIMEOUT_S = 60.0

# Streamlit 1.67 DOM (checked in its frontend bundle and in a live page):
#   [data-testid="stApp"] carries data-test-connection-state ("CONNECTED" once the websocket is up)
#   and data-test-script-state ("initial", "running", "rerunRequested", "stopRequested",
#   "notRunning", "compilationError"); [data-testid="stStatusWidgetRunningIcon"] is shown
#   while a run is in progress; [data-testid="stException"] is a Python exception on the page;
#   [data-testid="stSkeleton"] stands where an element waits for its lazily loaded code.
_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const state = app.getAttribute('data-test-script-state');
    return app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && (state === 'notRunning' || state === 'compilationError')
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
        && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]');
}"""

_SERVER_LOGS = pytest.StashKey[list]()
_REPORTS = pytest.StashKey[dict]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _skip_or_fail(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run; .ci/run installs chromium)", pytrace=False)
    pytest.skip(reason)


# --- hooks -----------------------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SERVER_LOGS] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    if report.failed:
        for log in item.config.stash.get(_SERVER_LOGS, []):
            report.sections.append((f"streamlit server log ({log.name})", _tail(log)))
    return report


# --- helpers ---------------------------------------------------------------------------------

def _tail(path: Path, limit: int = 8000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return text if len(text) <= limit else "…" + text[-limit:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def start_streamlit(script: str | Path, *, env: dict[str, str] | None = None, cwd: str | Path = PROJECT_ROOT,
                    timeout_s: float = SERVER_START_TIMEOUT_S, log_registry: list | None = None) -> Iterator[str]:
    """Run ``streamlit run SCRIPT`` on a free loopback port; yield its base URL; stop it after.

    The process runs in its own process group (stopped as a whole). Its output goes to a log
    file whose tail is in the error when the server does not come up within ``timeout_s``.
    ``cwd`` defaults to the project folder, so .streamlit/config.toml applies.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    log_dir = Path(tempfile.mkdtemp(prefix="streamlit-e2e-"))
    log = log_dir / f"streamlit-{port}.log"
    with open(log, "wb") as out:
        # the server's own chores (backups, the drop folder) work in this test's folder, not the project's
        chores = {"COCKPIT_BACKUP_DIR": str(log_dir / "backups"), "COCKPIT_INBOX": str(log_dir / "inbox")}
        proc = subprocess.Popen(cmd, cwd=str(cwd), env={**chores, **os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    if log_registry is not None:
        log_registry.append(log)
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was healthy:\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy at {url}/_stcore/health after {timeout_s:.0f} s:\n{_tail(log)}")
            time.sleep(0.25)
        yield url
    finally:
        _stop(proc)
        if log_registry is not None and log in log_registry:
            log_registry.remove(log)
        shutil.rmtree(log_dir, ignore_errors=True)


def wait_for_app_idle(page, timeout_ms: float = 30_000, settle_ms: float = 250, allow_exceptions: bool = False) -> None:
    """Wait until the Streamlit app is connected and its script run (or rerun) has finished.

    ``settle_ms`` first gives a preceding click time to reach the server and start the rerun.
    Raises AssertionError when the page shows a Python exception, unless ``allow_exceptions``.
    """
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    page.wait_for_function(_IDLE_JS, timeout=timeout_ms)
    if not allow_exceptions:
        errors = page.locator('[data-testid="stException"]')
        if errors.count():
            raise AssertionError(f"the app shows {errors.count()} exception(s):\n" + "\n---\n".join(errors.all_inner_texts()))


DEMO_USER, DEMO_PASSWORD = "leader", "demo-leader"
SESSION_COOKIE = "cockpit_session"  # cockpit.auth.sessions.COOKIE
SIGN_IN_PATH = "/auth/login"


def on_sign_in_page(page) -> bool:
    """True when ``page`` shows the server's sign-in page (``/auth/login``)."""
    return urlsplit(page.url).path == SIGN_IN_PATH


def _fill_sign_in(page, user: str, password: str | None) -> None:
    page.locator("#name").fill(user)
    page.locator("#password").fill(password or f"demo-{user}")


def sign_in(page, user: str = DEMO_USER, password: str | None = None, timeout_ms: float = 30_000) -> str | None:
    """Sign in through the sign-in form ``page`` shows (``#name``, ``#password``, submit).

    Returns None once the browser has left ``/auth/`` (the server redirected it to ``next``), or
    the error the sign-in page shows (wrong password, demo account refused, throttled …)."""
    _fill_sign_in(page, user, password)
    with page.expect_navigation(timeout=timeout_ms):  # the POST answers with a page or a 303
        page.locator("button[type=submit]").click()
    if not urlsplit(page.url).path.startswith("/auth/"):
        return None
    error = page.locator(".notice.error")
    return error.first.inner_text().strip() if error.count() else f"still on {page.url}"


def session_cookie(context) -> str | None:
    """The session token of browser ``context`` (a Playwright BrowserContext or Page), or None."""
    context = getattr(context, "context", context)  # a Page has .context
    return next((c["value"] for c in context.cookies() if c["name"] == SESSION_COOKIE), None)


def open_page(page, url: str, user: str = DEMO_USER, password: str | None = None) -> None:
    """Go to ``url``; when the server redirects to its sign-in page, sign in there (demo township
    leader by default) and wait until the browser has left ``/auth/`` and the page it lands on
    (the ``next`` of the redirect) has run. Already signed in (the context has a valid session
    cookie): just wait for the page."""
    page.goto(url)
    if on_sign_in_page(page):
        _fill_sign_in(page, user, password)
        page.locator("button[type=submit]").click()
        try:
            page.wait_for_url(lambda u: not urlsplit(u).path.startswith("/auth/"), timeout=30_000)
        except Exception as exc:
            error = page.locator(".notice.error")
            shown = error.first.inner_text() if error.count() else "(no error shown)"
            raise AssertionError(f"sign-in as {user!r} did not leave {page.url}: {shown}") from exc
    wait_for_app_idle(page)


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot of ``page`` as ``screenshots/<name>.png`` and return its path."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def app_server(request: pytest.FixtureRequest, sample_db: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``streamlit run serve.py`` serving the sample database (one server per session).
    Read-only use: sign-ins, unmasking and downloads are fine; imports of real data are not.

    The server gets its own copy of the database: DuckDB lets only one process open a file
    for writing, and the test process itself may hold ``sample_db`` open (AppTest, store tests).
    """
    if not APP_SCRIPT.is_file():
        pytest.fail(f"{APP_SCRIPT} is missing", pytrace=False)
    db = tmp_path_factory.mktemp("e2e_db") / sample_db.name
    shutil.copy2(sample_db, db)
    env = {"COCKPIT_DB": str(db)}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=request.config.stash.setdefault(_SERVER_LOGS, [])) as url:
        yield url


@pytest.fixture(scope="session")
def server_logs(request: pytest.FixtureRequest) -> list:
    """Pass as ``start_streamlit(..., log_registry=server_logs)``: the server's log is then
    attached to every e2e test that fails while it runs."""
    return request.config.stash.setdefault(_SERVER_LOGS, [])


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """One headless Chromium for the session (Debian's, never a downloaded one)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _skip_or_fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("browser tests need the playwright package (pip install -r requirements-dev.txt)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, chromium_browser) -> Iterator[object]:
    """A new page in a fresh context; screenshot to screenshots/ when the test fails."""
    context = chromium_browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = request.node.stash.get(_REPORTS, {}).get("call")
        if report is not None and report.failed:
            with contextlib.suppress(Exception):
                path = save_screenshot(page, request.node.nodeid.replace("tests/e2e/", ""))
                print(f"screenshot of the failure: {path}")
        context.close()


@pytest.fixture
def app_page(browser_page, app_server: str):
    """``browser_page`` opened on the app's landing page, idle."""
    open_page(browser_page, app_server)
    return browser_page
