"""When Claude cannot be reached the page says so in the thread and offers to carry on."""
from playwright.sync_api import expect

from tests.e2e.flows import send_task
from tests.fake_claude import text


def test_unreachable_claude_shows_the_error_inline_and_resume_finishes_the_task(page, claude):
    claude.fail(529, times=3)  # the first call and both SDK retries
    claude.reply(text("Your next meeting is at 14:00."))
    page.problems.expect_status(503)
    page.goto(page.app_url)

    send_task(page, "When is my next meeting?")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("Claude answered 529")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()

    error.get_by_role("button", name="Resume").click()
    expect(page.locator(".reply")).to_contain_text("Your next meeting is at 14:00.")
    expect(page.get_by_role("alert")).to_have_count(0)
