"""At 375 px wide everything fits: no sideways scrolling, every control reachable."""
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.flows import approval_card, send_task
from tests.fake_claude import text, tool_use

LONG_ADDRESS = "a.very.long.recipient.name.that.does.not.fit@subsidiary.acme.example"


def assert_no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("[...document.querySelectorAll('.thread')].every(t => t.scrollWidth <= t.clientWidth)")


def test_approval_card_fits_a_375px_screen(mobile_page, claude):
    page = mobile_page
    claude.reply(tool_use("gmail_send", {"to": [LONG_ADDRESS], "subject": "Q3", "body": "x" * 400}))
    page.goto(page.app_url)
    expect(page.get_by_label("Task")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_in_viewport()
    assert_no_horizontal_scroll(page)
    screenshot(page, "mobile-empty")

    send_task(page, "Send the Q3 numbers")
    card = approval_card(page)
    expect(card).to_contain_text(LONG_ADDRESS)
    card.get_by_role("button", name="Approve").scroll_into_view_if_needed()
    expect(card.get_by_role("button", name="Approve")).to_be_in_viewport()
    expect(card.get_by_role("button", name="Reject")).to_be_in_viewport()
    assert_no_horizontal_scroll(page)
    screenshot(page, "mobile-approval")


def test_conversations_open_from_the_header_on_a_narrow_screen(mobile_page):
    page = mobile_page
    page.goto(page.app_url)
    new = page.get_by_role("button", name="New conversation")
    expect(new).to_be_hidden()
    toggle = page.get_by_role("button", name="Conversations")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(new).to_be_in_viewport()
    screenshot(page, "mobile-sidebar")
    page.keyboard.press("Escape")
    expect(new).to_be_hidden()
    assert_no_horizontal_scroll(page)


def test_long_unbroken_text_and_tables_fit_a_375px_screen(mobile_page, claude):
    page = mobile_page
    long = "x" * 300
    claude.reply(tool_use("drive_read", {"file": "1" + long}))
    claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Q3", "body": "Hi"}))
    claude.reply(text("| File | Owner | Link |\n|---|---|---|\n| Q3 budget | Alex | https://example.com/" + long + " |\n\n"
                      "~~Monday~~ Tuesday"))
    page.goto(page.app_url)

    send_task(page, "Send Bob the Q3 files as a table")
    approval_card(page).get_by_label("Reason if you reject (optional)").fill("y" * 300)
    approval_card(page).get_by_role("button", name="Reject").click()
    expect(page.locator(".reply table td", has_text="Q3 budget")).to_be_visible()
    expect(page.locator(".reply s")).to_have_text("Monday")
    expect(page.locator(".step-error").first).to_contain_text(long)
    expect(page.locator(".decided-note")).to_contain_text("y" * 300)
    assert_no_horizontal_scroll(page)

    page.problems.expect_status(400)
    page.route("**/get_response", lambda route: route.fulfill(
        status=400, content_type="application/json", body='{"error": "task: ' + "z" * 300 + '"}'))
    send_task(page, "And again")
    expect(page.get_by_role("alert")).to_contain_text("z" * 300)
    assert_no_horizontal_scroll(page)
    screenshot(page, "mobile-long-text")
