"""An answer that never reaches the page (Stop, a dropped connection, another tab deciding first)
never leaves a card or a task that would do its work a second time."""
import json
import re

from playwright.sync_api import expect

from app.tools import invoke
from tests.e2e.flows import HeldLoad, approval_card, conversation_load_fails_once, held, send_task
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


def conversation_in_address(page) -> str:
    expect(page).to_have_url(re.compile(r"#c=\w"))
    return page.url.split("#c=", 1)[1]


def approval_answer_lost(page, claude):
    """Bob's email waits for approval; the answer to approving it will be lost."""
    claude.reply(tool_use("gmail_send", EMAIL))
    claude.reply(text("Sent."))
    page.goto(page.app_url)
    send_task(page, "Say hi to Bob")
    card = approval_card(page)
    answer_lost_once(page, lambda request: "approve" in (request.post_data or ""))
    return card


def task_answer_lost(page, claude):
    """A task whose answer was lost: the page offers to send it again, which the server answers 409."""
    claude.reply(tool_use("tasks_add", {"title": "Call Bob about the offsite"}))
    claude.reply(text("Added the task."))
    page.problems.expect_status(409)
    page.goto(page.app_url)
    answer_lost_once(page)
    send_task(page, "Remind me to call Bob about the offsite")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The server could not be reached")
    return alert


def expect_the_task_added_once(page, ctx):
    page.reload()
    expect(page.locator(".message.task")).to_have_text(["You: Remind me to call Bob about the offsite"])
    tasks = [t for found in invoke("tasks_list", ctx, {})["lists"] for t in found["tasks"]]
    assert [t["title"] for t in tasks].count("Call Bob about the offsite") == 1


def expect_sent_once(page, ctx):
    """The page shows the run's end and no card to approve again; Bob got one email."""
    expect(page.locator(".reply")).to_contain_text("Sent.")
    expect_no_live_card(page)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert sent_subjects(ctx).count("Hi") == 1


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
    card = approval_answer_lost(page, claude)

    card.get_by_role("button", name="Approve").click()

    expect_sent_once(page, ctx)


def test_retry_after_a_task_s_answer_is_lost_shows_the_task_without_doing_it_twice(page, claude, ctx):
    alert = task_answer_lost(page, claude)

    alert.get_by_role("button", name="Retry").click()

    expect(page.locator(".reply")).to_contain_text("Added the task.")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect_the_task_added_once(page, ctx)


def test_a_task_sent_while_the_conversation_reloads_after_a_lost_answer_stays_on_screen(page, claude):
    alert = task_answer_lost(page, claude)
    load = HeldLoad(page)
    alert.get_by_role("button", name="Retry").click()  # the server has the task: the page loads the conversation
    before = load.answer()
    claude.reply(text("Bob's number is 555-0100."))
    send_task(page, "What is Bob's number?")
    expect(page.locator(".reply").last).to_contain_text("555-0100")

    load.deliver(before)

    expect(page.locator(".message.task")).to_have_text(["You: Remind me to call Bob about the offsite",
                                                        "You: What is Bob's number?"])
    expect(page.locator(".reply")).to_contain_text(["Added the task.", "555-0100"])


def test_opening_another_conversation_while_an_approval_is_sent_stays_in_it(page, claude):
    claude.reply(text("Lunch is at noon."))
    page.goto(page.app_url)
    send_task(page, "When is lunch?")
    expect(page.locator(".reply")).to_contain_text("Lunch is at noon.")
    lunch = conversation_in_address(page)
    page.get_by_role("button", name="New conversation").click()
    claude.reply(tool_use("gmail_send", EMAIL))
    gate, slow = held([text("Sent.")])
    claude.respond_with(slow)
    send_task(page, "Say hi to Bob")
    approval_card(page).get_by_role("button", name="Approve").click()
    expect(page.locator(".step", has_text="Sent “Hi”")).to_contain_text("Done")
    left = conversation_in_address(page)
    loads = []
    page.on("request", lambda request: loads.append(request.url) if "/conversations/" in request.url else None)

    page.get_by_role("button", name="When is lunch?").click()

    expect(page.locator(".message.task")).to_have_text(["You: When is lunch?"])
    gate.set()
    claude.reply(text("Dinner is at seven."))
    send_task(page, "And dinner?")
    expect(page.locator(".reply").last).to_contain_text("Dinner is at seven.")
    expect(page.locator(".message.task")).to_have_text(["You: When is lunch?", "You: And dinner?"])
    assert conversation_in_address(page) == lunch
    assert not [url for url in loads if left in url]  # nothing of the conversation left behind comes back over it


def test_a_lost_approval_whose_conversation_fails_to_load_offers_to_try_again(page, claude, ctx):
    card = approval_answer_lost(page, claude)
    conversation = conversation_in_address(page)
    conversation_load_fails_once(page, 502, "text/html", "<h1>502 Bad Gateway</h1>")

    card.get_by_role("button", name="Approve").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The conversation could not be loaded. The server answered 502")
    assert conversation_in_address(page) == conversation
    alert.get_by_role("button", name="Retry").click()
    expect_sent_once(page, ctx)


def test_a_resent_task_whose_conversation_fails_to_load_offers_to_try_again(page, claude, ctx):
    alert = task_answer_lost(page, claude)
    conversation_load_fails_once(page, 503, "application/json", json.dumps({"error": "The database is busy."}))

    alert.get_by_role("button", name="Retry").click()

    expect(alert).to_contain_text("The conversation could not be loaded. The database is busy.")
    conversation = conversation_in_address(page)
    alert.get_by_role("button", name="Retry").click()
    expect(page.locator(".reply")).to_contain_text("Added the task.")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect_the_task_added_once(page, ctx)
    assert conversation_in_address(page) == conversation
