"""A conversation belongs to the Google account it was started with: nothing planned
for one account ever runs with another account's grant, in the same browser session."""
import pytest

from app import connection
from app.models import Action, Conversation, Run
from tests.agent_fixtures import sends
from tests.fake_claude import text, tool_use


@pytest.fixture
def paused_send(alice, fake_claude) -> dict:
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "For Alex", "body": "b"}))
    return alice.ask("Mail Bob")


def switch_account(person, email: str) -> None:
    """What reconnecting as someone else leaves in the session: another account's grant."""
    session = person.client.session
    session[connection.PROFILE] = {**session[connection.PROFILE], "email": email}
    session.save()


def connect_again(person, email: str | None) -> None:
    """What the OAuth callback leaves in the session: a new connection, as `email` (None: Gmail not granted)."""
    session = person.client.session
    grant = connection.load_credentials(session)
    connection.store(session, token=grant.token, refresh_token=grant.refresh_token, expiry=None,
                     granted=list(grant.scopes), email=email)
    session.save()


def test_conversation_records_the_connected_account(paused_send):
    assert Conversation.objects.get(id=paused_send["conversation_id"]).account == "alex@acme.example"


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_action_planned_for_one_account_cannot_be_decided_by_another(paused_send, alice, sandbox, decision):
    switch_account(alice, "someone.else@other.example")

    response = alice.post({decision: [paused_send["actions"][0]["id"]]})

    assert response.status_code == 409
    assert "another Google account" in response.json()["error"]
    assert Action.objects.get(id=paused_send["actions"][0]["id"]).status == "pending"
    assert sends(sandbox) == 0


def test_same_account_reconnected_can_still_approve(paused_send, alice, fake_claude, sandbox):
    switch_account(alice, "Alex@Acme.example")
    fake_claude.reply(text("Sent."))

    assert alice.approve(paused_send["actions"][0]["id"])["status"] == "done"
    assert sends(sandbox) == 1


def test_interrupted_run_cannot_be_resumed_with_another_account(paused_send, alice, fake_claude):
    Run.objects.filter(id=paused_send["run_id"]).update(status="interrupted")
    switch_account(alice, "someone.else@other.example")

    response = alice.post({"resume": paused_send["run_id"]})

    assert response.status_code == 409
    assert Run.objects.get(id=paused_send["run_id"]).status == "interrupted"
    assert fake_claude.calls == 1


def test_follow_up_task_is_refused_in_another_accounts_conversation(paused_send, alice, fake_claude):
    switch_account(alice, "someone.else@other.example")

    response = alice.post({"task": "Send it to Carol too", "conversation_id": paused_send["conversation_id"]})

    assert response.status_code == 409
    assert fake_claude.calls == 1


@pytest.mark.parametrize("now_connected", ["someone.else@other.example", None])
def test_card_planned_while_the_account_was_unknown_cannot_run_after_connecting_again(
        alice, fake_claude, sandbox, now_connected):
    connect_again(alice, None)
    fake_claude.reply(tool_use("drive_delete", {"file": "1MeetingNotesTxt"}))
    card = alice.ask("Trash the meeting notes")["actions"][0]["id"]
    connect_again(alice, now_connected)

    response = alice.post({"approve": [card]})

    assert response.status_code == 409
    assert "account this task was planned with is not known" in response.json()["error"]
    assert Action.objects.get(id=card).status == "pending"
    assert fake_claude.calls == 1


def test_card_planned_while_the_account_was_unknown_runs_in_the_same_connection(alice, fake_claude, sandbox):
    connect_again(alice, None)
    fake_claude.reply(tool_use("drive_delete", {"file": "1MeetingNotesTxt"}))
    card = alice.ask("Trash the meeting notes")["actions"][0]["id"]
    fake_claude.reply(text("Trashed."))

    assert alice.approve(card)["status"] == "done"
    assert Action.objects.get(id=card).status == "done"
