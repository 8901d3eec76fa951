"""At 375 px wide everything fits: no sideways scrolling, every control reachable."""
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.flows import approval_card, send_task
from tests.fake_claude import tool_use

LONG_ADDRESS = "a.very.long.recipient.name.that.does.not.fit@subsidiary.acme.example"


def assert_no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


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
