"""A driver that lost its run (it stalled past its lease, and the run was cut off, resumed, or taken up
by another process) writes nothing more to the run and runs none of the tools it then asks for."""
import asyncio
import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.utils import timezone

from app.agent import leases, loop, runs, service
from app.agent.events import EventBus
from app.agent.runs import RESTARTED, registry
from app.agent.tool_calls import INTERRUPTED, ToolCalls
from app.models import Action, Conversation, Run
from tests.agent_fixtures import sends
from tests.fake_claude import text, tool_use
from tests.test_agent_approval_races import approve_in_another_tab, two_cards


def task_titles(sandbox) -> list[str]:
    return [task["title"] for tasks in sandbox.state()["tasks"]["lists"] for task in tasks["tasks"]]


def add_task_once(meanwhile):
    """The model's turn, answered after `meanwhile(run)` changed the run behind its driver's back."""
    def answer(request):
        meanwhile(Run.objects.get(status=Run.Status.RUNNING))
        return [tool_use("tasks_add", {"title": "Call the plumber"})]
    return answer


def cut_off_elsewhere(run):
    # Another process's recovery took this run for a dead one while its driver waited on Claude.
    Run.objects.filter(id=run.id).update(status=Run.Status.INTERRUPTED, error=RESTARTED)


def test_a_run_cut_off_elsewhere_while_claude_thought_runs_nothing_more(alice, fake_claude, sandbox):
    fake_claude.respond_with(add_task_once(cut_off_elsewhere))

    answer = alice.post({"task": "Remind me to call the plumber"}).json()

    assert answer["status"] == "interrupted" and answer["resume"] == answer["run_id"]
    assert "Call the plumber" not in task_titles(sandbox)
    assert not Action.objects.exists()
    run = Run.objects.get(id=answer["run_id"])
    assert (run.model_calls, len(run.messages), run.error) == (0, 1, RESTARTED)


def test_a_run_resumed_in_the_same_process_meanwhile_belongs_to_the_resumed_driver(alice, fake_claude, sandbox):
    resumed_driver_asks, stale_driver_done, resumed = threading.Event(), threading.Event(), {}

    def resume_in_another_tab(run_id):
        tab = Client(enforce_csrf_checks=True)
        tab.cookies = alice.client.cookies
        resumed.update(tab.post("/get_response", {"resume": run_id}, content_type="application/json",
                                HTTP_X_CSRFTOKEN=alice.csrf).json())

    def cut_off_then_resumed_here(run):
        cut_off_elsewhere(run)
        # The person pressed "resume", and that request landed on this very process.
        resumed["tab"] = threading.Thread(target=resume_in_another_tab, args=(run.id,))
        resumed["tab"].start()
        assert resumed_driver_asks.wait(10)

    def resumed_drivers_turn(request):  # answered once the stale driver has had its say
        resumed_driver_asks.set()
        assert stale_driver_done.wait(10)
        return [text("Added nothing; you can ask again.")]

    fake_claude.respond_with(add_task_once(cut_off_then_resumed_here))
    fake_claude.respond_with(resumed_drivers_turn)

    stale = alice.post({"task": "Remind me to call the plumber"}).json()
    stale_driver_done.set()
    resumed.pop("tab").join(30)

    assert "Call the plumber" not in task_titles(sandbox)  # the stale driver's turn ran nothing
    assert stale["status"] == "running"  # what the run is now: the resumed driver has it
    assert resumed["status"] == "done" and resumed["reply"] == "Added nothing; you can ask again."
    run = Run.objects.get(id=stale["run_id"])
    assert (run.status, run.reply, run.model_calls) == ("done", "Added nothing; you can ask again.", 1)


def test_a_run_taken_up_by_another_process_keeps_what_it_saved_and_ends_this_leg(alice, fake_claude, sandbox):
    events = []
    registry.observer = events.append
    fake_claude.respond_with(add_task_once(lambda run: Run.objects.filter(id=run.id).update(
        owner="elsewhere:7:boot#claim", lease_until=timezone.now() + timedelta(minutes=1), thought="theirs")))
    try:
        answer = alice.ask("Remind me to call the plumber")
    finally:
        registry.observer = None

    assert "Call the plumber" not in task_titles(sandbox)
    run = Run.objects.get(id=answer["run_id"])
    assert (run.status, run.owner, run.thought, run.model_calls) == ("running", "elsewhere:7:boot#claim", "theirs", 0)
    assert answer["status"] == "running"
    assert events[-1] == {"type": "run_finished", "status": "running", "reply": "", "error": ""}  # a page stops following


def test_a_run_cut_off_elsewhere_as_it_finishes_keeps_the_recovered_state(alice, fake_claude, sandbox):
    fake_claude.respond_with(lambda request: (cut_off_elsewhere(Run.objects.get(status=Run.Status.RUNNING)),
                                              [text("All done.")])[1])

    answer = alice.post({"task": "Say hello"}).json()

    assert answer["status"] == "interrupted"
    assert Run.objects.get(id=answer["run_id"]).reply == ""


def trouble_at_the_take_back(alice, fake_claude, monkeypatch, trouble) -> tuple[str, str]:
    """Two cards; the first is approved, and as its mail goes the second is approved in another tab.
    The run, pausing, finds no card left and takes itself back: there `trouble` strikes (an
    exception, or a function that raises one)."""
    run_id, first, second = two_cards(alice, fake_claude)
    answer, claim_fields, armed = ToolCalls.answer, leases.claim_fields, []

    async def second_card_approved_as_the_first_mail_goes(self, uses, **how):
        results = await answer(self, uses, **how)
        if results is None and not armed:
            assert await asyncio.to_thread(approve_in_another_tab, alice, second) == 200
            armed.append(True)
        return results

    def at_the_take_back():
        if armed:
            armed.clear()
            if callable(trouble):
                trouble()
            raise trouble
        return claim_fields()

    monkeypatch.setattr(ToolCalls, "answer", second_card_approved_as_the_first_mail_goes)
    monkeypatch.setattr(leases, "claim_fields", at_the_take_back)
    return run_id, first


@pytest.mark.parametrize("trouble, status", [(OperationalError("database is locked"), "interrupted"),
                                              (RuntimeError("a bug"), "failed")])
def test_a_run_that_stops_just_after_saving_its_pause_is_told_apart_from_a_lost_lease(
        alice, fake_claude, sandbox, monkeypatch, trouble, status):
    run_id, first = trouble_at_the_take_back(alice, fake_claude, monkeypatch, trouble)

    body = alice.post({"approve": [first]}).json()

    assert body["status"] == status == Run.objects.get(id=run_id).status
    if status == "interrupted":  # a database hiccup: resuming sends the mail that was approved
        resumed = alice.post({"resume": run_id}).json()
        assert resumed["status"] == "done" and sends(sandbox) == 2


def test_a_driver_does_not_take_back_a_run_another_request_took_up_and_paused_again(transactional_db):
    conversation = Conversation.objects.create(session_key="s", title="Task")
    mine = Run.objects.create(conversation=conversation, task="Task", messages=[{"role": "user", "content": "mine"}],
                              **leases.claim_fields())
    mine = Run.objects.get(id=mine.id)  # this driver's object, under its claim
    # Between this driver's pause and its look at the cards: the last card was approved, and that request's
    # driver ran it and paused the run again on a new card.
    Run.objects.filter(id=mine.id).update(status=Run.Status.NEEDS_APPROVAL, owner="here:1:boot#theirs",
                                          messages=[{"role": "user", "content": "theirs, further on"}])
    mine.status = Run.Status.RUNNING

    async def pause_as_if_still_ours(run, *fields, **how):
        pass  # the pause was saved just before the other request's claim

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(leases, "save", pause_as_if_still_ours)
        stopped = async_to_sync(loop._pause)(mine, EventBus())

    assert stopped
    run = Run.objects.get(id=mine.id)
    assert (run.status, run.owner, run.messages[0]["content"]) == ("needs_approval", "here:1:boot#theirs", "theirs, further on")


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_database_that_stays_locked_gives_a_resumable_answer_not_a_500(alice, fake_claude, sandbox, monkeypatch):
    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))

    with monkeypatch.context() as patch:
        patch.setattr(leases, "save_now", locked)  # the turn cannot be saved, nor the stop recorded
        response = alice.post({"task": "What did Bob say?"})

    assert response.status_code == 503 and response.json()["resume"] == response.json()["run_id"]
    fake_claude.reply(text("Bob asked about lunch."))
    resumed = alice.post({"resume": response.json()["run_id"]}).json()  # at once, not when a lease runs out
    assert resumed["status"] == "done" and resumed["reply"] == "Bob asked about lunch."


def test_a_run_whose_stop_after_a_pause_went_unrecorded_is_resumed_not_left_waiting(alice, fake_claude, sandbox,
                                                                                     monkeypatch):
    def locked_at_the_take_back_and_after():
        monkeypatch.setattr(runs, "_record_stop", locked)  # still locked when the stop is recorded
        raise OperationalError("database is locked")

    run_id, first = trouble_at_the_take_back(alice, fake_claude, monkeypatch, locked_at_the_take_back_and_after)
    stopped = alice.post({"approve": [first]})
    monkeypatch.undo()

    assert stopped.status_code == 503 and Run.objects.get(id=run_id).status == "needs_approval"
    resumed = alice.post({"resume": run_id}).json()
    assert resumed["status"] == "done" and sends(sandbox) == 2


def test_a_mail_sent_just_before_the_database_locked_up_is_reported_as_maybe_done_not_failed(
        alice, fake_claude, sandbox, monkeypatch):
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Tuesday?"}))
    card = alice.ask("Ask Bob for lunch")["actions"][0]
    save = Action.asave

    async def result_cannot_be_saved(self, *args, **kwargs):
        if "finished" in kwargs.get("update_fields", ()):
            raise OperationalError("database is locked")
        return await save(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Action, "asave", result_cannot_be_saved)
        stopped = alice.post({"approve": [card["id"]]})

    assert stopped.status_code == 503 and sends(sandbox) == 1
    assert Action.objects.get(id=card["id"]).error == INTERRUPTED
    fake_claude.reply(text("It may have gone out; check Sent before asking again."))
    alice.post({"resume": stopped.json()["run_id"]})
    told = [block for block in fake_claude.requests[-1]["messages"][-1]["content"] if block["type"] == "tool_result"]
    assert told[0]["is_error"] and "check whether it happened" in told[0]["content"] and sends(sandbox) == 1


def test_a_lost_run_that_cannot_be_read_back_is_never_reported_with_the_unsaved_outcome(alice, fake_claude, sandbox,
                                                                                        monkeypatch):
    fake_claude.respond_with(lambda request: (cut_off_elsewhere(Run.objects.get(status=Run.Status.RUNNING)),
                                              [text("All done.")])[1])
    monkeypatch.setattr(Run, "arefresh_from_db", locked)

    answer = alice.post({"task": "Say hello"}).json()

    assert answer["status"] == "interrupted" and answer["reply"] == ""  # what the database holds, not the unsaved "done"


def test_a_lost_database_connection_while_stopping_gives_a_resumable_answer(alice, fake_claude, sandbox, monkeypatch):
    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))

    def connection_gone(*args, **kwargs):
        raise InterfaceError("connection already closed")

    with monkeypatch.context() as patch:
        patch.setattr(leases, "save_now", locked)
        patch.setattr(runs, "_record_stop", connection_gone)
        response = alice.post({"task": "What did Bob say?"})

    assert response.status_code == 503 and response.json()["resume"]


def test_a_plain_save_of_a_started_runs_object_leaves_its_lease_alone(alice, fake_claude, sandbox, monkeypatch):
    """Only lease renewal writes a lease: the object a driver holds cannot renew it unfenced."""
    held = []
    start = registry.start
    monkeypatch.setattr(registry, "start", lambda run, *args: (held.append(run), start(run, *args))[1])
    fake_claude.reply(text("Hello."))

    answer = alice.post({"task": "Say hello"}).json()
    Run.objects.filter(id=answer["run_id"]).update(lease_until=None)
    held[0].save()

    assert answer["status"] == "done"
    assert Run.objects.get(id=answer["run_id"]).lease_until is None


def test_a_run_left_paused_with_no_card_is_resumable_after_a_restart(alice, fake_claude, sandbox, monkeypatch):
    """Its stop went unrecorded, and the process that knew it is gone: the lease tells."""
    def locked_at_the_take_back_and_after():
        monkeypatch.setattr(runs, "_record_stop", locked)
        raise OperationalError("database is locked")

    run_id, first = trouble_at_the_take_back(alice, fake_claude, monkeypatch, locked_at_the_take_back_and_after)
    alice.post({"approve": [first]})
    monkeypatch.undo()
    registry.unrecorded.clear()  # a new process: nothing in memory, and recovery on its first request
    monkeypatch.setattr(service, "_next_recovery", [0.0])
    Run.objects.filter(id=run_id).update(owner="gone:1:boot#old", lease_until=timezone.now() - timedelta(minutes=5))

    assert Run.objects.get(id=run_id).status == "needs_approval"  # with nothing to approve
    resumed = alice.post({"resume": run_id}).json()

    assert resumed["status"] == "done" and sends(sandbox) == 2
