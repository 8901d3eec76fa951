"""Reloading the page brings back the conversation where it was."""
from playwright.sync_api import expect

from tests.e2e.flows import approval_card, conversation_load_fails_once, held, send_task
from tests.fake_claude import text, tool_use

EMAIL = {"to": ["Sam Rivera <sam.rivera@gmail.example>"], "subject": "Friday", "body": "Booked for 8pm. See you!"}


def test_reload_during_an_approval_pause_restores_the_card(page, claude):
    claude.reply(tool_use("gmail_send", EMAIL))
    claude.reply(text("Told Sam."))
    page.goto(page.app_url)
    send_task(page, "Tell Sam dinner is booked")
    expect(approval_card(page)).to_contain_text("sam.rivera@gmail.example")

    page.reload()
    card = approval_card(page)
    expect(card).to_contain_text("Sam Rivera <sam.rivera@gmail.example>")
    expect(card.locator(".email-body")).to_have_text(EMAIL["body"])
    expect(page.locator(".message.task")).to_have_text("You: Tell Sam dinner is booked")
    expect(page.locator("#conversation-list [aria-current=true]")).to_have_text("Tell Sam dinner is booked")

    card.get_by_role("button", name="Approve").click()
    expect(page.locator(".reply")).to_contain_text("Told Sam.")


def answered_then_new_conversation(page, claude):
    """One conversation answered, then a new, empty one: the first waits in the sidebar."""
    claude.reply(text("You have 3 unread emails."))
    page.goto(page.app_url)
    send_task(page, "How many unread emails?")
    expect(page.locator(".reply")).to_contain_text("3 unread")
    page.get_by_role("button", name="New conversation").click()


def test_new_conversation_starts_empty_and_the_old_one_stays_in_the_sidebar(page, claude):
    answered_then_new_conversation(page, claude)

    expect(page.locator(".run")).to_have_count(0)
    page.get_by_role("button", name="How many unread emails?").click()
    expect(page.locator(".reply")).to_contain_text("3 unread")


def test_reload_while_a_task_runs_keeps_following_it_to_the_reply(page, claude):
    gate, slow_answer = held([text("Your next meeting is the Q3 review.")])
    claude.reply(tool_use("calendar_list_events", {}))
    claude.respond_with(slow_answer)
    page.goto(page.app_url)
    send_task(page, "What is my next meeting?")
    expect(page.get_by_text("Thinking…")).to_be_visible()

    page.reload()
    expect(page.locator(".step").first).to_contain_text("Looking at your calendar")
    expect(page.get_by_text("Thinking…")).to_be_visible()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Stop")).to_be_visible()
    gate.set()
    expect(page.locator(".reply")).to_contain_text("Your next meeting is the Q3 review.")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()


def test_a_conversation_slow_to_load_does_not_replace_the_one_opened_after_it(page, claude):
    claude.reply(text("Lunch is at noon."))
    claude.reply(text("Dinner is at seven."))
    page.goto(page.app_url)
    send_task(page, "When is lunch?")
    expect(page.locator(".reply")).to_contain_text("Lunch is at noon.")
    page.get_by_role("button", name="New conversation").click()
    send_task(page, "When is dinner?")
    expect(page.locator(".reply")).to_contain_text("Dinner is at seven.")
    slow = []
    page.route("**/conversations/*", lambda route: slow.append(route) if not slow else route.continue_())

    page.get_by_role("button", name="When is lunch?").click()
    page.get_by_role("button", name="When is dinner?").click()
    expect(page.locator("#conversation-list [aria-current=true]")).to_have_text("When is dinner?")
    with page.expect_response("**/conversations/*"):
        slow[0].continue_()  # lunch answers last

    claude.reply(text("Bring a coat."))
    send_task(page, "What should I wear?")
    expect(page.locator(".reply").last).to_contain_text("Bring a coat.")
    expect(page.locator(".message.task")).to_have_text(["You: When is dinner?", "You: What should I wear?"])


def test_a_conversation_from_the_sidebar_that_fails_to_load_says_so_and_offers_to_try_again(page, claude):
    answered_then_new_conversation(page, claude)
    conversation_load_fails_once(page, 502, "text/html", "<h1>502 Bad Gateway</h1>")

    page.get_by_role("button", name="How many unread emails?").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The conversation could not be loaded. The server answered 502")
    alert.get_by_role("button", name="Retry").click()
    expect(page.locator(".reply")).to_contain_text("3 unread")
    expect(page.get_by_role("alert")).to_have_count(0)
