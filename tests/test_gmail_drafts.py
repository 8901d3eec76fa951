"""A saved draft is sent as it stands in Gmail, and only in the version the person approved."""
import base64

import pytest

from app.tools import invoke, review
from app.tools.registry import ToolError
from tests.gmail_helpers import sandbox_message


def saved(ctx, **mail) -> dict:
    return invoke("gmail_create_draft", ctx, {"to": ["bob@acme.example"], "subject": "Offsite", "body": "Lyon on the 9th?", **mail})


def edit_in_gmail(ctx, draft_id: str, body: str) -> None:
    """What the person does in Gmail's own window: the draft gets a new message."""
    raw = f"To: bob@acme.example\r\nSubject: Offsite\r\n\r\n{body}\r\n".encode()
    ctx.service("gmail").users().drafts().update(
        userId="me", id=draft_id, body={"message": {"raw": base64.urlsafe_b64encode(raw).decode()}}).execute()


def test_the_card_shows_the_draft_as_it_stands_and_the_draft_is_sent(ctx, sandbox):
    draft = saved(ctx)

    card = review("gmail_send_draft", ctx, {"draft_id": draft["draft_id"]})
    sent = invoke("gmail_send_draft", ctx, card.args)

    assert card.effect == "outbound" and card.preview["to"] == "bob@acme.example"
    assert card.preview["body"].startswith("Lyon on the 9th?")
    assert sandbox_message(sandbox, sent["id"])["labelIds"] == ["SENT"]
    assert sandbox.state()["gmail"]["drafts"] == []  # gone from Drafts, as Gmail does
    assert sent["summary"] == "Sent the draft “Offsite” to bob@acme.example."


def test_the_persons_own_edits_in_gmail_are_what_is_sent(ctx, sandbox):
    draft = saved(ctx)
    edit_in_gmail(ctx, draft["draft_id"], "Lyon on the 10th, sorry!")

    card = review("gmail_send_draft", ctx, {"draft_id": draft["draft_id"]})
    sent = invoke("gmail_send_draft", ctx, card.args)

    assert card.preview["body"] == "Lyon on the 10th, sorry!"
    assert invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]["body"]["text"] == "Lyon on the 10th, sorry!"


def test_a_draft_edited_after_approval_is_not_sent(ctx, sandbox):
    draft = saved(ctx)
    card = review("gmail_send_draft", ctx, {"draft_id": draft["draft_id"]})
    edit_in_gmail(ctx, draft["draft_id"], "Something else entirely")

    with pytest.raises(ToolError, match="changed after it was approved"):
        invoke("gmail_send_draft", ctx, card.args)
    assert len(sandbox.state()["gmail"]["drafts"]) == 1


def test_a_draft_found_by_searching_is_sent_by_its_message_id(ctx):
    draft = saved(ctx)
    found = invoke("gmail_search", ctx, {"query": "in:drafts subject:Offsite"})["messages"][0]

    card = review("gmail_send_draft", ctx, {"draft_id": found["id"]})

    assert card.args["draft_id"] == draft["draft_id"]


def test_a_draft_without_recipients_is_not_sent(ctx):
    draft = invoke("gmail_create_draft", ctx, {"subject": "Ideas", "body": "later"})
    with pytest.raises(ToolError, match="no recipients"):
        review("gmail_send_draft", ctx, {"draft_id": draft["draft_id"]})


def test_an_html_draft_is_shown_as_its_source_images_and_links_included(ctx):
    body = '<p>Hi</p><img src="https://tracker.example/p.gif?d=1">'
    draft = invoke("gmail_create_draft", ctx, {"to": ["bob@acme.example"], "subject": "Hi", "body": body, "html": True})

    card = review("gmail_send_draft", ctx, {"draft_id": draft["draft_id"]})

    assert card.preview["html"] is True and 'src="https://tracker.example/p.gif?d=1"' in card.preview["body"]
