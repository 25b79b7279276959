"""Fixtures for the browser tests: the whole bot on random 127.0.0.1 ports.

The action server and Rasa come from tests/servers.py (as for the conversation evaluation);
webchat/serve.py serves the page. Each test gets a fresh headless Debian Chromium.
Needs: a trained model (make train), webchat/node_modules (npm ci --prefix webchat),
/usr/bin/chromium (apt-get install chromium) and the pip package playwright.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.servers import ROOT, wait_for

RESULTS = ROOT / "test-results"
SCREENSHOTS = RESULTS / "screenshots"
LOGS = RESULTS / "e2e-logs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def bot_servers(bot):
    """URLs of the web chat page and of Rasa (the `bot` fixture); stopped at the end."""
    for needed in ("rasa-webchat/lib/index.js", "axe-core/axe.min.js"):
        if not (ROOT / "webchat/node_modules" / needed).exists():
            pytest.fail(f"webchat/node_modules/{needed} missing: run `npm ci --prefix webchat`.")
    LOGS.mkdir(parents=True, exist_ok=True)
    web_port = bot.web_port  # the only origin Rasa's CORS allows
    log = LOGS / "webchat.log"
    web = subprocess.Popen(
        [sys.executable, str(ROOT / "webchat/serve.py"), "--host", "127.0.0.1", "--port", str(web_port),
         "--rasa-url", bot.url], cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        page_url = f"http://127.0.0.1:{web_port}/"
        wait_for(page_url, web, log, timeout=30)
        yield {"page": page_url, "rasa": bot.url}
    finally:
        web.terminate()
        web.wait(timeout=20)


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


# A UK browser unless a test says otherwise: the card's first call button follows the locale.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "en-GB"}
DESKTOP = {"viewport": {"width": 1000, "height": 900}, "locale": "en-GB"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB"}


def _browser_page(playwright, request, **options):
    """A fresh browser (own profile, so own localStorage); a screenshot at the end."""
    profile = tempfile.mkdtemp(prefix="twitch-check-chromium-")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options)
    page = context.pages[0] if context.pages else context.new_page()
    page.requests_seen = []
    context.on("request", lambda r: page.requests_seen.append(r.url))  # new tabs too
    try:
        yield page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-final.png"),
                        full_page=True)
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(playwright_instance, request):
    """A desktop-sized page (1000x900) in a fresh browser for each test."""
    yield from _browser_page(playwright_instance, request, **DESKTOP)


@pytest.fixture
def phone_page(playwright_instance, request):
    """A phone-sized page (390x844, touch) in a fresh browser for each test."""
    yield from _browser_page(playwright_instance, request, **PHONE)


@pytest.fixture
def laptop_page(playwright_instance, request):
    """A 1280x800 page, a common laptop screen."""
    yield from _browser_page(playwright_instance, request, **LAPTOP)


@pytest.fixture
def us_page(playwright_instance, request):
    """A desktop page in a browser set to American English."""
    yield from _browser_page(playwright_instance, request, **{**DESKTOP, "locale": "en-US"})
