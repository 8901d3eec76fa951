"""Every bad request gets a small JSON error naming what is wrong; none gives a 500."""
import uuid

import pytest

from tests.agent_fixtures import Person, sends
from tests.fake_claude import text, tool_use


@pytest.mark.parametrize(
    "body, field",
    [
        ("{not json", "body"),
        ("[1, 2]", "body"),
        ({}, "task"),
        ({"task": "   "}, "task"),
        ({"task": 5}, "task"),
        ({"task": "x" * 20_001}, "task"),
        ({"task": "hi", "approve": "abc"}, "approve"),
        ({"approve": [5]}, "approve"),
        ({"task": "hi", "reason": None}, "reason"),
        ({"task": "hi", "colour": "blue"}, "colour"),
        ({"task": "hi", "workspace_content": "x" * 20_001}, "workspace_content"),
        ({"task": "hi", "approve": ["a"]}, "task"),
        ({"approve": ["no-such-action"]}, "approve"),
        ({"reject": ["no-such-action"]}, "reject"),
        ({"task": "a\u0000b"}, "task"),
        ({"task": "hi", "reason": "\u0000"}, "reason"),
        ({"task": "hi", "already_done": ["ok", "\u0000"]}, "already_done"),
        ({"approve": ["a\u0000"]}, "approve"),
        ({"task": "hi", "run_id": "not-a-uuid"}, "run_id"),
        ({"resume": "not-a-uuid"}, "resume"),
        ({"resume": "0f8fad5b-d9cb-469f-a165-70867728950e", "approve": ["a"]}, "resume"),
        ({"resume": "0f8fad5b-d9cb-469f-a165-70867728950e", "reject": ["a"]}, "resume"),
        ({"approve": ["a"], "run_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}, "run_id"),
    ],
)
def test_bad_body_gets_400_naming_the_field(alice, body, field):
    response = alice.post(body)

    assert response.status_code == 400
    assert response.json()["error"].startswith(field)


def test_non_utf8_body_gets_400(alice):
    response = alice.post(b"\xff\xfe{}")

    assert response.status_code == 400


def test_wrong_content_type_gets_415(alice):
    response = alice.post("task=hi", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert "application/json" in response.json()["error"]


def test_huge_body_gets_413(alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000

    response = alice.post({"task": "hi", "workspace_content": ["x" * 10_000] * 20})

    assert response.status_code == 413
    assert response.json()["error"].startswith("body")


def test_unknown_conversation_gets_404(alice):
    response = alice.post({"task": "hi", "conversation_id": "nope"})

    assert response.status_code == 404
    assert response.json()["error"].startswith("conversation_id")


def test_post_without_csrf_token_is_refused(alice):
    response = alice.client.post("/get_response", {"task": "hi"}, content_type="application/json")

    assert response.status_code == 403


def test_no_workspace_connected_gets_401_with_login_url(agent_world, settings):
    settings.WORKSPACE_SANDBOX = False
    stranger = Person()

    response = stranger.post({"task": "hi"})

    assert response.status_code == 401
    assert response.json()["login_url"] == "/oauth2/login/"


def test_no_api_key_gets_503(alice, settings):
    settings.ANTHROPIC_API_KEY = ""

    response = alice.post({"task": "hi"})

    assert response.status_code == 503
    assert "ANTHROPIC_API_KEY" in response.json()["error"]


@pytest.mark.parametrize("first, then", [("reject", "approve"), ("reject", "reject"), ("approve", "reject")])
def test_deciding_an_action_already_decided_gets_409_naming_it(alice, fake_claude, sandbox, first, then):
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "s", "body": "b"}))
    action_id = alice.ask("mail bob")["actions"][0]["id"]
    fake_claude.reply(text("ok"))
    settled = alice.post({first: [action_id]}).json()["actions"][0]["status"]

    response = alice.post({then: [action_id]})

    assert response.status_code == 409
    assert action_id in response.json()["error"] and settled in response.json()["error"]
    assert response.json()["action"] == {"id": action_id, "status": settled}


def test_a_second_task_while_one_runs_in_the_conversation_is_a_409(alice, fake_claude):
    from app.agent import leases
    from app.models import Conversation, Run

    conversation = Conversation.objects.create(session_key=alice.client.session.session_key, title="Busy")
    Run.objects.create(conversation=conversation, task="Long task", status=Run.Status.RUNNING, messages=[],
                       owner=leases.OWNER)  # driven by this process, so no recovery takes it for cut off

    answer = alice.post({"task": "And another thing", "conversation_id": conversation.id})

    assert answer.status_code == 409
    assert "still running" in answer.json()["error"]
    assert fake_claude.calls == 0


@pytest.mark.parametrize("ended", ["done", "failed"])
def test_approving_a_card_of_a_task_that_has_ended_is_a_409_and_runs_nothing(alice, fake_claude, sandbox, ended):
    from app.models import Action, Conversation, Run

    conversation = Conversation.objects.create(session_key=alice.client.session.session_key, title="Old")
    run = Run.objects.create(conversation=conversation, task="Mail Bob", status=ended, messages=[])
    card = Action.objects.create(run=run, tool_use_id="toolu_1", tool="gmail_send", effect="outbound",
                                 status=Action.Status.PENDING,
                                 input={"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello"})

    answer = alice.post({"approve": [card.id]})

    assert answer.status_code == 409
    assert "has ended" in answer.json()["error"]
    card.refresh_from_db()
    assert card.status == "pending" and sends(sandbox) == 0


@pytest.mark.parametrize("ended, status", [(False, "needs_approval"), (True, "done")])
def test_resuming_a_task_that_was_not_cut_off_is_a_409_naming_its_status(alice, fake_claude, sandbox, ended, status):
    fake_claude.reply(text("Hello.") if ended else tool_use("gmail_send", {"to": ["b@acme.example"], "subject": "s",
                                                                             "body": "b"}))
    run_id = alice.ask("Hi")["run_id"]

    response = alice.post({"resume": run_id})

    assert response.status_code == 409 and response.json()["run"]["status"] == status
    assert response.json()["error"].startswith("resume:")
    assert fake_claude.calls == 1 and sends(sandbox) == 0


@pytest.mark.parametrize("bad_id", ["%00", "x" * 32, "ABCDEF0123456789ABCDEF0123456789", "1" * 33])
def test_a_conversation_id_that_cannot_be_one_is_a_404_without_a_database_look_up(alice, bad_id,
                                                                                django_assert_num_queries):
    with django_assert_num_queries(0):  # a NUL would make PostgreSQL fail the query
        response = alice.get(f"/conversations/{bad_id}")

    assert response.status_code == 404
    assert "no such conversation" in response.json()["error"]


def test_two_tasks_sent_at_once_to_one_conversation_run_one_and_refuse_the_other(alice, fake_claude, monkeypatch):
    from asgiref.sync import sync_to_async

    from app.agent import service
    from app.models import Run

    fake_claude.reply(text("First."))
    conversation_id = alice.ask("First task")["conversation_id"]
    task_prompt = service._task_prompt

    async def other_tab_starts_meanwhile(conversation, *args):
        # The other request passed the same "nothing running" check and starts its run just now.
        await sync_to_async(Run.objects.create)(conversation=conversation, task="Other tab", status=Run.Status.RUNNING)
        return await task_prompt(conversation, *args)

    monkeypatch.setattr(service, "_task_prompt", other_tab_starts_meanwhile)
    answer = alice.post({"task": "Second task", "conversation_id": conversation_id})

    assert answer.status_code == 409
    assert "still running" in answer.json()["error"]
    assert list(Run.objects.filter(conversation_id=conversation_id).values_list("task", flat=True)) == [
        "First task", "Other tab"]
    assert fake_claude.calls == 1


@pytest.mark.parametrize("rival", ["same run id", "task in the conversation"])
def test_a_rival_request_recording_its_run_first_gets_this_one_a_409(alice, fake_claude, monkeypatch, rival):
    """Two requests pass the checks at once; the database lets one run in, and the other is told why."""
    from app.agent import leases, service
    from app.models import Conversation, Run

    conversation = Conversation.objects.create(session_key=alice.client.session.session_key, title="Busy")
    run_id = uuid.uuid4().hex
    prompt = service._task_prompt

    async def rival_records_first(*args, **kwargs):
        await Run.objects.acreate(id=run_id if rival == "same run id" else uuid.uuid4().hex, conversation=conversation,
                                  task="Rival", status=Run.Status.RUNNING, messages=[], owner=leases.OWNER)
        return await prompt(*args, **kwargs)

    monkeypatch.setattr(service, "_task_prompt", rival_records_first)

    answer = alice.post({"task": "Mine", "conversation_id": conversation.id, "run_id": run_id})

    field = "run_id" if rival == "same run id" else "conversation_id"
    assert answer.status_code == 409 and answer.json()["error"].startswith(field)
    assert Run.objects.filter(task="Mine").count() == 0 and fake_claude.calls == 0
