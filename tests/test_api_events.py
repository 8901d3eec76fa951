"""Live progress as Server-Sent Events, and runs that outlive their request."""
import asyncio
import contextlib
import threading
import uuid
from datetime import timedelta

import pytest
from django.test import AsyncClient

from app.agent import runs, service
from app.models import Run
from app.views import events
from tests.fake_claude import text, tool_use


def events_of(response) -> list[str]:
    async def read():
        return "".join([chunk.decode() async for chunk in response.streaming_content])

    body = asyncio.run(read())
    return [line.removeprefix("event: ") for line in body.splitlines() if line.startswith("event: ")]


def test_finished_run_replays_its_steps(alice, fake_claude):
    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    fake_claude.reply(text("Bob wrote once."))
    run_id = alice.ask("What did Bob send?")["run_id"]

    response = alice.get(f"/runs/{run_id}/events")

    assert response["Content-Type"] == "text/event-stream"
    assert events_of(response) == ["run_started", "step_started", "step_finished", "run_finished"]


def test_paused_run_replay_ends_waiting_for_approval(alice, fake_claude):
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello"}))
    run_id = alice.ask("Say hi to Bob")["run_id"]

    assert events_of(alice.get(f"/runs/{run_id}/events")) == ["run_started", "waiting_for_approval"]


def test_run_finishes_after_the_client_disconnects_while_a_page_follows_it_live(alice, fake_claude):
    claude_is_thinking, let_claude_answer = threading.Event(), threading.Event()

    def slow_answer(request):
        claude_is_thinking.set()
        let_claude_answer.wait(10)
        return [text("Done while you were away.")]

    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    fake_claude.respond_with(slow_answer)

    async def scenario():
        browser = AsyncClient(enforce_csrf_checks=True)
        browser.cookies = alice.client.cookies
        request = asyncio.create_task(browser.post("/get_response", {"task": "What did Bob send?"},
                                                   content_type="application/json", headers={"X-CSRFToken": alice.csrf}))
        await asyncio.to_thread(claude_is_thinking.wait, 10)
        run = await Run.objects.aget()
        follow = await browser.get(f"/runs/{run.id}/events")
        request.cancel()  # the person closed the tab
        let_claude_answer.set()
        body = "".join([chunk.decode() async for chunk in follow.streaming_content])
        return request, body

    request, body = asyncio.run(scenario())

    assert request.cancelled()
    assert "Searching Gmail" in body and "event: thinking" in body
    assert body.rstrip().splitlines()[-2] == "event: run_finished"
    run = Run.objects.get()
    assert run.status == "done" and run.reply == "Done while you were away."


@pytest.fixture
def page_waits(monkeypatch) -> threading.Event:
    """Set once an events stream waits for its run to start."""
    waits = threading.Event()
    watching = runs.registry.watching

    @contextlib.contextmanager
    def noted(run_id):
        with watching(run_id) as started:
            waits.set()
            yield started

    monkeypatch.setattr(runs.registry, "watching", noted)
    return waits


def follow_then_post(alice, page_waits, events_path: str, body: dict):
    """What the page does: open the run's event stream, then send the request that starts the run."""
    async def scenario():
        browser = AsyncClient(enforce_csrf_checks=True)
        browser.cookies = alice.client.cookies

        async def follow():
            stream = await browser.get(events_path)
            return stream.status_code, "".join([chunk.decode() async for chunk in stream.streaming_content])

        following = asyncio.create_task(follow())
        await asyncio.to_thread(page_waits.wait, 10)  # the stream is open before the request is sent
        answer = await browser.post("/get_response", body, content_type="application/json",
                                    headers={"X-CSRFToken": alice.csrf})
        return answer, await following

    return asyncio.run(scenario())


def test_page_follows_a_new_run_live_from_before_its_request_arrives(alice, fake_claude, page_waits):
    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    fake_claude.reply(text("Bob wrote once."))
    run_id = uuid.uuid4()

    answer, (status, body) = follow_then_post(alice, page_waits, f"/runs/{run_id.hex}/events",
                                              {"task": "What did Bob send?", "run_id": str(run_id)})

    assert answer.json()["run_id"] == run_id.hex
    assert status == 200 and "Searching Gmail" in body
    assert body.rstrip().splitlines()[-2] == "event: run_finished"


def test_page_follows_the_work_an_approval_starts(alice, fake_claude, page_waits):
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello"}))
    paused = alice.ask("Say hi to Bob")
    fake_claude.reply(text("Sent."))

    answer, (status, body) = follow_then_post(alice, page_waits, f"/runs/{paused['run_id']}/events?next=1",
                                              {"approve": [paused["actions"][0]["id"]]})

    assert answer.json()["status"] == "done"
    assert status == 200 and "Sending an email" in body
    assert body.rstrip().splitlines()[-2] == "event: run_finished"


def test_a_run_id_can_start_only_one_run(alice, fake_claude):
    fake_claude.reply(text("Hello."))
    run_id = str(uuid.uuid4())
    alice.ask("Hi", run_id=run_id)

    again = alice.post({"task": "Hi again", "run_id": run_id})

    assert again.status_code == 409 and again.json()["error"].startswith("run_id")
    assert fake_claude.calls == 1


def test_a_run_id_in_dashed_form_can_be_followed_and_resumed(alice, fake_claude):
    run_id = str(uuid.uuid4())  # what crypto.randomUUID() gives
    fake_claude.fail(500, times=3)
    assert alice.post({"task": "Hi", "run_id": run_id}).status_code == 503

    assert alice.get(f"/runs/{run_id}/events").status_code == 200
    fake_claude.reply(text("Hello."))
    resumed = alice.post({"resume": run_id})
    assert resumed.status_code == 200 and resumed.json()["reply"] == "Hello."


def test_a_task_sent_again_with_its_run_id_is_pointed_to_the_run_it_started(alice, charlie, fake_claude):
    fake_claude.reply(text("Hello."))
    run_id = uuid.uuid4().hex
    first = alice.ask("Hi", run_id=run_id)

    again = alice.post({"task": "Hi", "run_id": run_id})
    theirs = charlie.post({"task": "Hi", "run_id": run_id})

    assert again.status_code == 409
    assert again.json()["run"] == {"id": run_id, "conversation_id": first["conversation_id"]}
    assert theirs.status_code == 409 and "run" not in theirs.json()
    assert fake_claude.calls == 1


def test_a_task_sent_again_while_its_first_sending_is_still_starting_is_pointed_to_it_too(alice, fake_claude, monkeypatch):
    fake_claude.reply(text("Hello."))
    run_id = uuid.uuid4().hex
    first = alice.ask("Hi", run_id=run_id)

    async def not_yet_recorded(run_id, session_key):  # both sendings got past the check before either was saved
        return None

    monkeypatch.setattr(service, "_unused", not_yet_recorded)
    again = alice.post({"task": "Hi", "run_id": run_id, "conversation_id": first["conversation_id"]})

    assert again.status_code == 409
    assert again.json()["run"] == {"id": run_id, "conversation_id": first["conversation_id"]}
    assert fake_claude.calls == 1


def test_events_of_a_run_that_never_starts_end_in_404(alice, monkeypatch):
    monkeypatch.setattr(events, "STARTING", timedelta(milliseconds=50))

    assert alice.get(f"/runs/{uuid.uuid4().hex}/events").status_code == 404


def test_charlie_cannot_follow_a_run_alice_names_before_it_starts(alice, charlie, fake_claude):
    fake_claude.reply(text("Hello."))
    run_id = uuid.uuid4().hex
    alice.ask("Hi", run_id=run_id)

    assert charlie.get(f"/runs/{run_id}/events").status_code == 404
