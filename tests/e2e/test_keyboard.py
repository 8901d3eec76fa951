"""The page works from the keyboard alone, with the focus always visible."""
from playwright.sync_api import expect

from tests.e2e.flows import approval_card
from tests.fake_claude import text, tool_use


def test_shift_enter_adds_a_line_and_enter_sends(page, claude):
    claude.reply(text("Done."))
    page.goto(page.app_url)
    box = page.get_by_label("Task")
    box.press_sequentially("first line")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    expect(page.locator(".run")).to_have_count(0)
    box.press("Enter")
    expect(page.locator(".message.task")).to_have_text("You: first line\nsecond line")
    expect(box).to_have_value("")
    expect(page.locator(".reply")).to_contain_text("Done.")  # the run ends here, not in the next test


def test_approve_from_the_keyboard_with_a_visible_focus_ring(page, claude):
    claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello Bob"}))
    claude.reply(text("Sent."))
    page.goto(page.app_url)
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to the task box")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Task")).to_be_focused()
    page.keyboard.type("Say hi to Bob")
    page.keyboard.press("Enter")

    card = approval_card(page)
    reason = card.get_by_label("Reason if you reject (optional)")
    reason.focus()
    page.keyboard.press("Tab")
    approve = card.get_by_role("button", name="Approve")
    expect(approve).to_be_focused()
    assert approve.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator(".reply")).to_contain_text("Sent.")


def test_after_a_decision_the_focus_stays_on_the_card_and_not_the_page_top(page, claude):
    claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello Bob"}))
    claude.reply(text("Not sent."))
    page.goto(page.app_url)
    page.get_by_label("Task").fill("Say hi to Bob")
    page.get_by_label("Task").press("Enter")

    card = approval_card(page)
    card.get_by_role("button", name="Reject").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".reply")).to_contain_text("Not sent.")
    # The keyboard carries on from the card, not from the top of the page.
    expect(card.locator(".decided-note")).to_be_focused()
