"""Fixtures for the browser tests: the app under uvicorn, the sandbox, the
fake Claude, and Debian's Chromium driven by Playwright."""
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.live_app import ROOT, LiveApp
from tests.fake_claude import FakeClaude

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def browser():
    # Never skip: a missing browser must fail the run (bin/test installs it).
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (bin/test does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def claude(fake_claude_server) -> FakeClaude:
    """The scripted Claude the app under test talks to, emptied for this test."""
    fake_claude_server.reset()
    return fake_claude_server


@pytest.fixture(scope="session")
def live_app(sandbox_server, fake_claude_server, tmp_path_factory):
    app = LiveApp(tmp_path_factory.mktemp("e2e") / "db.sqlite3", sandbox_server.url, fake_claude_server.url).start()
    yield app
    app.stop()


@pytest.fixture
def app_url(live_app, sandbox, claude):
    """The app's address, with the sandbox back on its demo seed for this test."""
    return live_app.url


class PageProblems:
    """What a person would never see but must not happen: script errors, CSP blocks, dialogs."""

    def __init__(self, page):
        self.errors, self.dialogs, self.expected = [], [], set()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def expect_status(self, status: int) -> None:
        """The test provokes this HTTP error on purpose; the browser logs it, and that is fine."""
        self.expected.add(f"the server responded with a status of {status} ")

    def _console(self, message):
        if message.type == "error" and not any(status in message.text for status in self.expected):
            self.errors.append(message.text)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = PageProblems(page)
    return context, page


def _page_at(browser, app_url, viewport):
    context, page = open_page(browser, viewport)
    page.app_url = app_url
    yield page
    context.close()
    assert not page.problems.errors, page.problems.errors
    assert not page.problems.dialogs, page.problems.dialogs


@pytest.fixture
def page(browser, app_url):
    yield from _page_at(browser, app_url, DESKTOP)


@pytest.fixture
def mobile_page(browser, app_url):
    yield from _page_at(browser, app_url, MOBILE)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
