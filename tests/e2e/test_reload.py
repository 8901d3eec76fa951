"""Reloading the page brings back the conversation where it was."""
from playwright.sync_api import expect

from tests.e2e.flows import approval_card, held, send_task
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


def test_new_conversation_starts_empty_and_the_old_one_stays_in_the_sidebar(page, claude):
    claude.reply(text("You have 3 unread emails."))
    page.goto(page.app_url)
    send_task(page, "How many unread emails?")
    expect(page.locator(".reply")).to_contain_text("3 unread")

    page.get_by_role("button", name="New conversation").click()
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
