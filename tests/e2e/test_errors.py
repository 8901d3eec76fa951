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


def test_after_disconnecting_a_task_asks_to_connect_google_inline(page):
    page.problems.expect_status(401)
    page.goto(page.app_url)
    page.get_by_role("button", name="Disconnect").click()
    expect(page.locator("#connect-google")).to_be_visible()

    send_task(page, "Any new mail?")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("Connect your Google Workspace first.")
    expect(error.get_by_role("link", name="Connect Google")).to_have_attribute("href", "/oauth2/login/")
    expect(error.get_by_role("button", name="Retry")).to_be_visible()


def test_network_failure_shows_the_error_inline_and_retry_sends_again(page, claude):
    claude.reply(text("Nothing new since this morning."))
    page.goto(page.app_url)
    page.route("**/get_response", lambda route: route.abort("connectionrefused"))
    page.problems.expected.add("net::ERR_CONNECTION_REFUSED")

    send_task(page, "Any new mail?")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("The server could not be reached")

    page.unroute("**/get_response")
    error.get_by_role("button", name="Retry").click()
    expect(page.locator(".reply")).to_contain_text("Nothing new since this morning.")
    expect(page.get_by_role("alert")).to_have_count(0)
