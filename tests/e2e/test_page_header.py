"""What the header tells a person before they type anything."""
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, open_page, screenshot
from tests.live_app import LiveApp


def test_sandbox_workspace_is_announced_as_demo_data(page):
    page.goto(page.app_url)
    expect(page.get_by_text("Sandbox workspace — not a real Google account")).to_be_visible()
    expect(page.get_by_text("Connected as")).to_contain_text("alex@acme.example")
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible()
    expect(page.locator("#no-api-key")).to_have_count(0)
    screenshot(page, "desktop-empty")


def test_without_an_api_key_the_page_says_what_to_set_and_where(browser, sandbox_server, fake_claude_server, sandbox, tmp_path):
    app = LiveApp(tmp_path / "db.sqlite3", sandbox_server.url, fake_claude_server.url, api_key="").start()
    context, page = open_page(browser, DESKTOP)
    try:
        page.goto(app.url)
        notice = page.get_by_role("alert")
        expect(notice).to_contain_text("No Claude API key")
        expect(notice).to_contain_text("ANTHROPIC_API_KEY")
        expect(notice).to_contain_text(".env")
        screenshot(page, "desktop-no-api-key")
    finally:
        context.close()
        app.stop()


def test_dark_mode_follows_the_system_setting(page):
    page.goto(page.app_url)
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("body")).not_to_have_css("background-color", light)
    screenshot(page, "desktop-dark")


def test_first_load_transfers_under_100_kb(page):
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(page.app_url)
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    print(f"first load: {total} bytes in {len(sizes)} responses")
    assert any(url.endswith("/conversations") for url in sizes)  # the page has finished starting up
    assert total < 100 * 1024, sizes
