"""An answer that never reaches the page (Stop, a dropped connection, another tab deciding first)
never leaves a card or a task that would do its work a second time."""
from playwright.sync_api import expect

from app.tools import invoke
from tests.e2e.flows import approval_card, held, send_task
from tests.e2e.test_approvals import sent_subjects
from tests.fake_claude import text, tool_use

EMAIL = {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello Bob"}


def answer_lost_once(page, wanted=lambda request: True):
    """The server gets the first matching request and acts on it, but its answer is lost."""
    page.problems.expected.add("net::ERR_")
    lost = []

    def drop(route):
        if not lost and wanted(route.request):
            lost.append(route.request)
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/get_response", drop)


def expect_no_live_card(page):
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)


def test_after_stop_an_approved_card_does_not_offer_its_action_again(page, claude, ctx):
    claude.reply(tool_use("gmail_send", EMAIL))
    gate, slow = held([text("Sent.")])
    claude.respond_with(slow)
    page.goto(page.app_url)
    send_task(page, "Say hi to Bob")
    approval_card(page).get_by_role("button", name="Approve").click()
    # The mail goes out before Claude's next turn, which is held: the live line shows it sent.
    expect(page.locator(".step", has_text="Sent “Hi”")).to_contain_text("Done")

    page.get_by_role("button", name="Stop").click()

    expect(page.get_by_text("Stopped waiting. The task carries on")).to_be_visible()
    expect_no_live_card(page)
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()
    gate.set()
    page.reload()
    expect(page.locator(".reply")).to_contain_text("Sent.")
    assert sent_subjects(ctx).count("Hi") == 1


def test_a_card_approved_in_another_tab_shows_what_became_of_it(page, claude, ctx):
    claude.reply(tool_use("gmail_send", EMAIL))
    claude.reply(text("Sent."))
    page.problems.expect_status(409)
    page.goto(page.app_url)
    send_task(page, "Say hi to Bob")
    card = approval_card(page)
    other = page.context.new_page()
    other.goto(page.url)
    approval_card(other).get_by_role("button", name="Approve").click()
    expect(other.locator(".reply")).to_contain_text("Sent.")

    card.get_by_role("button", name="Approve").click()

    expect(page.locator(".reply")).to_contain_text("Sent.")
    expect(page.locator(".step", has_text="Sent “Hi”")).to_contain_text("Done")
    expect_no_live_card(page)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert sent_subjects(ctx).count("Hi") == 1


def test_an_approval_whose_answer_is_lost_shows_what_the_server_did(page, claude, ctx):
    claude.reply(tool_use("gmail_send", EMAIL))
    claude.reply(text("Sent."))
    page.goto(page.app_url)
    send_task(page, "Say hi to Bob")
    card = approval_card(page)
    answer_lost_once(page, lambda request: "approve" in (request.post_data or ""))

    card.get_by_role("button", name="Approve").click()

    expect(page.locator(".reply")).to_contain_text("Sent.")
    expect_no_live_card(page)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert sent_subjects(ctx).count("Hi") == 1


def test_retry_after_a_task_s_answer_is_lost_shows_the_task_without_doing_it_twice(page, claude, ctx):
    claude.reply(tool_use("tasks_add", {"title": "Call Bob about the offsite"}))
    claude.reply(text("Added the task."))
    page.problems.expect_status(409)
    page.goto(page.app_url)
    answer_lost_once(page)

    send_task(page, "Remind me to call Bob about the offsite")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The server could not be reached")
    alert.get_by_role("button", name="Retry").click()

    expect(page.locator(".reply")).to_contain_text("Added the task.")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.reload()
    expect(page.locator(".message.task")).to_have_text(["You: Remind me to call Bob about the offsite"])
    tasks = [t for found in invoke("tasks_list", ctx, {})["lists"] for t in found["tasks"]]
    assert [t["title"] for t in tasks].count("Call Bob about the offsite") == 1
