"""A task that sends an email: live progress, the approval card, approve or reject."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.flows import approval_card, held, send_task
from tests.fake_claude import text, tool_use

SEARCH = tool_use("gmail_search", {"query": "subject:(Weekly digest)"})
EMAIL = {
    "to": ["Bob Stone <bob@acme.example>"],
    "cc": ["Dana Kim <dana.kim@acme.example>"],
    "subject": "This week's digest",
    "body": "Hi Bob,\n\nThis week: 3 new comments and 2 tasks due.\n\nAlex",
}


def sent_subjects(ctx) -> list[str]:
    gmail = ctx.service("gmail").users()
    found = gmail.messages().list(userId="me", q="in:sent").execute().get("messages", [])
    heads = [gmail.messages().get(userId="me", id=m["id"], format="metadata").execute() for m in found]
    return [h["value"] for m in heads for h in m["payload"]["headers"] if h["name"].lower() == "subject"]


def test_progress_then_approval_card_then_sent_with_link(page, claude, ctx):
    search_done, ask_to_send = held([tool_use("gmail_send", EMAIL)])
    claude.reply(SEARCH)
    claude.respond_with(ask_to_send)
    after_approval, reply_sent = held([text("Sent **This week's digest** to Bob.")])
    claude.respond_with(reply_sent)
    page.goto(page.app_url)

    send_task(page, "Send Bob this week's digest")
    # The run is held inside Claude's second turn: this line can only come from the live stream.
    expect(page.locator(".step").first).to_contain_text("Searching Gmail for 'subject:(Weekly digest)'")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Stop")).to_be_visible()
    search_done.set()

    card = approval_card(page)
    expect(card).to_contain_text("Send this email?")
    expect(card.locator("dt:has-text('To') + dd")).to_have_text("Bob Stone <bob@acme.example>")
    expect(card).to_contain_text("dana.kim@acme.example")
    expect(card).to_contain_text("This week's digest")
    expect(card.locator(".email-body")).to_have_text(EMAIL["body"])
    screenshot(page, "desktop-approval")
    assert sent_subjects(ctx).count(EMAIL["subject"]) == 0

    card.get_by_role("button", name="Approve").click()
    expect(card.get_by_role("button", name="Approve")).to_be_disabled()
    expect(card.get_by_role("button", name="Reject")).to_be_disabled()
    after_approval.set()

    expect(page.locator(".reply")).to_contain_text("Sent This week's digest to Bob.")
    expect(card).to_contain_text("Approved")
    sent_line = page.locator(".step", has_text="Sent “This week's digest”")
    expect(sent_line).to_contain_text("Done")
    expect(sent_line.get_by_role("link", name="Open")).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/"))
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()
    screenshot(page, "desktop-result")
    assert sent_subjects(ctx).count(EMAIL["subject"]) == 1


def test_rejected_email_is_not_sent_and_the_reason_reaches_the_agent(page, claude, ctx):
    claude.reply(tool_use("gmail_send", EMAIL))
    claude.reply(text("Understood, I did not send it."))
    page.goto(page.app_url)

    send_task(page, "Send Bob this week's digest")
    card = approval_card(page)
    card.get_by_label("Reason if you reject (optional)").fill("Bob is on holiday")
    card.get_by_role("button", name="Reject").click()

    expect(page.locator(".reply")).to_contain_text("Understood, I did not send it.")
    expect(card).to_contain_text("Rejected: Bob is on holiday")
    expect(page.locator(".step").first).to_contain_text("Rejected")
    assert "Bob is on holiday" in str(claude.last_user_message())
    assert sent_subjects(ctx).count(EMAIL["subject"]) == 0
