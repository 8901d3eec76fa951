"""A database that cannot be written (locked past its busy timeout, connection lost) during a request:
the answer is a JSON 503 saying so, and nothing is left half-made."""
import pytest
from django.db import OperationalError

from app.agent import approvals
from app.models import Action, Conversation, Run
from tests.agent_fixtures import sends
from tests.fake_claude import text, tool_use


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def assert_database_trouble(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith("The database could not be read or written just now.")


def test_a_task_the_database_cannot_record_is_a_json_503_and_leaves_no_empty_conversation(
        alice, fake_claude, monkeypatch):
    monkeypatch.setattr(Run, "save", locked)

    assert_database_trouble(alice.post({"task": "Book lunch with Bob"}))
    assert not Conversation.objects.exists()
    assert fake_claude.calls == 0


def test_a_follow_up_the_database_cannot_record_leaves_the_conversation_as_it_was(alice, fake_claude, monkeypatch):
    fake_claude.reply(text("Lunch is at noon."))
    first = alice.ask("When is lunch?")
    updated = Conversation.objects.get().updated
    monkeypatch.setattr(Run, "save", locked)

    assert_database_trouble(alice.post({"task": "And dinner?", "conversation_id": first["conversation_id"]}))
    assert Conversation.objects.get().updated == updated
    assert Run.objects.count() == 1


@pytest.fixture
def card(alice, fake_claude, sandbox) -> str:
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "s", "body": "b"}))
    return alice.ask("Mail Bob")["actions"][0]["id"]


def test_a_decision_the_database_cannot_record_is_a_json_503_and_can_be_made_again(
        alice, fake_claude, sandbox, card, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(approvals, "approve", locked)
        assert_database_trouble(alice.post({"approve": [card]}))
    assert Action.objects.get(id=card).status == "pending" and sends(sandbox) == 0

    fake_claude.reply(text("Sent."))
    assert alice.approve(card)["status"] == "done"
    assert sends(sandbox) == 1
