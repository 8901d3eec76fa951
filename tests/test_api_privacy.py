"""Charlie, another session, can reach nothing of alice's through any endpoint."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.fake_claude import tool_use


@pytest.fixture
def alices_paused_run(alice, fake_claude) -> dict:
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Secret", "body": "b"}))
    return alice.ask("Mail Bob the secret")


def test_charlie_cannot_list_alices_conversations(alices_paused_run, charlie):
    assert charlie.get("/conversations").json() == {"conversations": []}


def test_alice_sees_her_conversation(alices_paused_run, alice):
    [listed] = alice.get("/conversations").json()["conversations"]
    assert listed["id"] == alices_paused_run["conversation_id"]


def test_charlie_cannot_read_alices_conversation(alices_paused_run, charlie):
    response = charlie.get(f"/conversations/{alices_paused_run['conversation_id']}")

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_charlie_cannot_continue_alices_conversation(alices_paused_run, charlie, fake_claude):
    response = charlie.post({"task": "what did she ask?", "conversation_id": alices_paused_run["conversation_id"]})

    assert response.status_code == 404
    assert fake_claude.calls == 1


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_charlie_cannot_decide_alices_actions(alices_paused_run, charlie, alice, decision):
    response = charlie.post({decision: [alices_paused_run["actions"][0]["id"]]})

    assert response.status_code == 400
    assert response.json()["error"].startswith(decision)
    assert alice.get(f"/conversations/{alices_paused_run['conversation_id']}").json()["runs"][0]["actions"][0]["status"] == "pending"


def test_charlie_cannot_resume_alices_run(alices_paused_run, charlie):
    assert charlie.post({"resume": alices_paused_run["run_id"]}).status_code == 404


def test_charlie_cannot_follow_alices_run_events(alices_paused_run, charlie):
    response = charlie.get(f"/runs/{alices_paused_run['run_id']}/events")

    assert response.status_code == 404


def _disconnect(person) -> None:
    person.client.post("/oauth2/logout/", HTTP_X_CSRFTOKEN=person.csrf)


def _expire(person) -> None:
    Session.objects.filter(session_key=person.client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))


@pytest.mark.parametrize("end", [_disconnect, _expire], ids=["disconnected", "expired"])
def test_an_ended_sessions_old_cookie_reads_nothing(alices_paused_run, alice, end):
    old_cookie = alice.client.cookies[settings.SESSION_COOKIE_NAME].value
    end(alice)
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = old_cookie

    assert stale.get("/conversations").json() == {"conversations": []}
    assert stale.get(f"/conversations/{alices_paused_run['conversation_id']}").status_code == 404
    assert stale.get(f"/runs/{alices_paused_run['run_id']}/events").status_code == 404
