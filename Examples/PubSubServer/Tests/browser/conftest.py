"""Fixtures for the demo page's tests: the server under test and a headless Chromium driven by
Selenium through Debian's chromium-driver (Scripts/browser.sh installs both).

The server is the one Scripts/browser.sh started (PUBSUB_BASE_URL), or one started here with the
e2e suite's helpers when the tests run on their own. Screenshots and the driver's log go to
reports/browser/ (not committed; CI keeps them as artifacts of the run).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

# The e2e suite's helpers: the server process, raw HTTP and WebSocket clients, POST /events.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from support import REPO_ROOT, ServerProcess  # noqa: E402

REPORTS = Path(os.environ.get("BROWSER_REPORTS", REPO_ROOT / "reports" / "browser"))

# Every wait in the browser is bounded; pytest.ini bounds each test as a whole.
PAGE_LOAD_SECONDS = 30


@pytest.fixture(scope="session")
def base_url():
    """http://HOST:PORT of a running example server with the demo page on."""
    if os.environ.get("PUBSUB_BASE_URL"):
        yield os.environ["PUBSUB_BASE_URL"].rstrip("/")
        return
    process = ServerProcess()
    yield process.http_url
    process.stop()


@pytest.fixture(scope="session")
def port(base_url) -> int:
    return urlparse(base_url).port


@pytest.fixture(scope="session")
def reports() -> Path:
    REPORTS.mkdir(parents=True, exist_ok=True)
    return REPORTS


@pytest.fixture(scope="session")
def browser(reports):
    """One headless Chromium for the session, quit at the end whatever happens."""
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("chromium and chromedriver are needed: run Scripts/browser.sh, which installs them")
    profile = tempfile.mkdtemp(prefix="pubsub-demo-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--disable-gpu",
        # /dev/shm is small in containers; Chromium crashes tabs that run out of it.
        "--disable-dev-shm-usage",
        "--window-size=1280,1200",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    if os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (CI containers run as root).
        options.add_argument("--no-sandbox")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path, log_output=str(reports / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
