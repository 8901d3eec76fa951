"""Another browser session sees nothing of this one's conversations."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, open_page
from tests.e2e.flows import send_task
from tests.fake_claude import text


def test_another_session_cannot_list_or_open_this_conversation(page, browser, claude):
    claude.reply(text("Alice's salary letter is in Drive."))
    page.goto(page.app_url)
    send_task(page, "Where is Alice's salary letter?")
    expect(page.locator(".reply")).to_contain_text("salary letter")
    own_url = page.url
    assert "#c=" in own_url

    context, charlie = open_page(browser, DESKTOP)
    try:
        charlie.problems.expect_status(404)
        charlie.goto(own_url)
        # The page asked for the conversation, was refused, and let go of the address.
        expect(charlie).not_to_have_url(re.compile("#c="))
        expect(charlie.locator("#conversation-list li")).to_have_count(0)
        expect(charlie.locator(".run")).to_have_count(0)
        expect(charlie.get_by_text("salary letter")).to_have_count(0)
    finally:
        context.close()
