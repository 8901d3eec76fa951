"""Mail, files and model output are shown as text: nothing in them can run in the page."""
import json

from playwright.sync_api import expect

from tests.e2e.flows import approval_card, send_task
from tests.live_app import ROOT
from tests.fake_claude import text, tool_use

# A page-level flag: if any of this markup ran, window.__xss would be set (or a dialog would open).
TRAPS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def digest_html() -> str:
    """The demo mailbox's "Weekly digest": its HTML carries <script> and <img onerror>."""
    seed = json.loads((ROOT / "app/sandbox/seeds/demo/gmail.json").read_text())
    return next(m["html"] for m in seed["messages"] if m["subject"] == "Weekly digest")


def test_email_markup_is_shown_as_text_and_never_runs(page, claude):
    body = digest_html() + TRAPS
    claude.reply(tool_use("gmail_search", {"query": "subject:(Weekly digest)"}))
    claude.reply(text(f"The digest says:\n\n{body}"),
                 tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Digest", "body": body, "html": True}))
    claude.reply(text(f"Forwarded it. It read:\n\n{body}"))
    page.goto(page.app_url)

    send_task(page, f"Forward this to Bob: {TRAPS}")
    card = approval_card(page)
    expect(card.locator(".email-body")).to_have_text(body)
    expect(page.locator(".message.task")).to_contain_text(TRAPS)
    card.get_by_role("button", name="Approve").click()

    reply = page.locator(".reply")
    expect(reply).to_contain_text("<script>alert(1)</script>")
    expect(reply).to_contain_text('<img src=x onerror="window.__xss=1">')
    expect(reply.locator("script, img, [onerror]")).to_have_count(0)
    expect(page.locator(".thread a[href^='javascript:']")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
