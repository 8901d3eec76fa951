"""Gmail failures reach the person as a sentence they can act on."""
import pytest

from app.scopes import DRIVE
from app.tools import invoke
from app.tools.context import Context
from app.tools.registry import ToolError


def test_missing_gmail_scope_asks_to_reconnect(sandbox):
    ctx = Context(credentials=sandbox.credentials([DRIVE]), api_root=sandbox.url)
    with pytest.raises(ToolError) as caught:
        invoke("gmail_search", ctx, {"query": "from:alice"})
    assert str(caught.value) == "Gmail access was not granted — reconnect Google and allow Gmail."


def test_unknown_message_says_to_search_again(ctx):
    with pytest.raises(ToolError) as caught:
        invoke("gmail_read", ctx, {"message_id": "0000000000000000"})
    assert "Search again" in str(caught.value)


def test_read_needs_exactly_one_id(ctx):
    with pytest.raises(ToolError, match="either message_id or thread_id"):
        invoke("gmail_read", ctx, {})


def test_send_needs_a_recipient(ctx, sandbox):
    with pytest.raises(ToolError, match="who the email is for"):
        invoke("gmail_send", ctx, {"subject": "x", "body": "y"})
    assert not any("/send" in entry["path"] for entry in sandbox.log())


def test_unknown_attachment_is_explained(ctx):
    lunch = invoke("gmail_search", ctx, {"query": "subject:lunch"})["messages"][0]
    with pytest.raises(ToolError, match="has no attachment 7"):
        invoke("gmail_save_attachment", ctx, {"message_id": lunch["id"], "attachment_id": "7"})


def test_a_bare_name_is_not_taken_for_an_address(ctx, sandbox):
    with pytest.raises(ToolError) as caught:
        invoke("gmail_send", ctx, {"to": ["Alice"], "subject": "Lunch", "body": "Free today?"})
    assert str(caught.value) == "'Alice' is not an email address — use contacts_search to find it."
    assert not any("/send" in entry["path"] for entry in sandbox.log())


@pytest.mark.parametrize("status", [500, 503])
def test_a_send_gmail_may_have_carried_out_is_not_sent_again(ctx, sandbox, status):
    sandbox.fault("/messages/send", status=status, count=1)
    sandbox.clear_log()

    with pytest.raises(ToolError, match="Gmail is having trouble right now"):
        invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Invoice", "body": "Attached."})

    assert sum(1 for entry in sandbox.http_requests() if entry["path"].endswith("/messages/send")) == 1


def test_a_send_whose_connection_dropped_before_the_answer_is_not_sent_again(ctx, sandbox):
    sandbox.fault("/messages/send", drop=True)  # Gmail sends it, then the connection breaks without an answer

    with pytest.raises(ToolError, match="Gmail could not be reached .* check whether it happened"):
        invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Invoice", "body": "Attached."})

    sent = [m for m in sandbox.state()["gmail"]["messages"] if m["Subject"] == "Invoice"]
    assert len(sent) == 1
