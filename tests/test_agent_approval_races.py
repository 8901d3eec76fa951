"""Two approval cards decided in quick succession: both actions run, and the run never sticks.

The second approval reaches the server while the run is still busy with the
first, so it cannot take the run up itself; the run must notice it.
"""
import asyncio
import contextlib
import threading

from django.test import AsyncClient, Client

from app.agent import leases, tool_calls
from app.agent.runs import registry
from app.agent.tool_calls import ToolCalls
from app.models import Action, Run
from tests.agent_fixtures import sends
from tests.fake_claude import text, tool_use

TWO_MAILS = [
    tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "One", "body": "1"}),
    tool_use("gmail_send", {"to": ["carol@partner.example"], "subject": "Two", "body": "2"}),
]


def two_cards(alice, fake_claude) -> tuple[str, str, str]:
    fake_claude.reply(*TWO_MAILS)
    body = alice.ask("Send both mails")
    first, second = (action["id"] for action in body["actions"])
    fake_claude.reply(text("Both sent."))
    return body["run_id"], first, second


def approve_in_another_tab(alice, action_id: str) -> int:
    tab = Client(enforce_csrf_checks=True)
    tab.cookies = alice.client.cookies
    response = tab.post("/get_response", {"approve": [action_id]}, content_type="application/json",
                        HTTP_X_CSRFTOKEN=alice.csrf)
    return response.status_code


def test_second_card_approved_while_the_first_mail_is_sending_is_sent_too(alice, fake_claude, sandbox, monkeypatch):
    run_id, first, second = two_cards(alice, fake_claude)
    sending, second_approved = threading.Event(), threading.Event()
    invoke = tool_calls.invoke

    def slow_first_send(name, ctx, args):
        if args["subject"] == "One":
            sending.set()
            second_approved.wait(10)
        return invoke(name, ctx, args)

    monkeypatch.setattr(tool_calls, "invoke", slow_first_send)
    first_tab = threading.Thread(target=approve_in_another_tab, args=(alice, first))
    first_tab.start()
    assert sending.wait(10)

    assert alice.approve(second)["status"] != "needs_approval"
    second_approved.set()
    first_tab.join(30)

    run = Run.objects.get(id=run_id)
    assert run.status == "done" and run.reply == "Both sent."
    assert [a.status for a in Action.objects.filter(run=run)] == ["done", "done"]
    assert sends(sandbox) == 2


def test_second_card_approved_just_as_the_run_pauses_is_sent_too(alice, fake_claude, sandbox, monkeypatch):
    run_id, first, second = two_cards(alice, fake_claude)
    answer = ToolCalls.answer
    first_done = threading.Event()

    async def approval_lands_before_the_pause(self, uses, **how):
        results = await answer(self, uses, **how)
        if results is None and not first_done.is_set():
            # The first mail went, the second still looked pending: now the other card is approved.
            first_done.set()
            assert await asyncio.to_thread(approve_in_another_tab, alice, second) == 200
        return results

    monkeypatch.setattr(ToolCalls, "answer", approval_lands_before_the_pause)

    body = alice.approve(first)

    assert first_done.is_set()
    assert body["status"] == "done" and body["reply"] == "Both sent."
    assert [a["status"] for a in body["actions"]] == ["done", "done"]
    assert sends(sandbox) == 2
    assert Run.objects.get(id=run_id).status == "done"


def test_last_card_approved_in_another_tab_as_the_run_pauses_gives_both_tabs_the_outcome(alice, fake_claude, sandbox,
                                                                                         monkeypatch):
    run_id, first, second = two_cards(alice, fake_claude)
    original = leases.save
    other_tab = {}

    async def pause_then_other_tab_approves(run, *fields, **how):
        await original(run, *fields, **how)
        if run.status == "needs_approval" and not other_tab:
            # The run has just recorded its pause; the other card's approval takes the run up at once.
            other_tab["status"] = await asyncio.to_thread(approve_in_another_tab, alice, second)

    monkeypatch.setattr(leases, "save", pause_then_other_tab_approves)
    events = []
    monkeypatch.setattr(registry, "observer", events.append)

    body = alice.approve(first)

    assert other_tab["status"] == 200
    # The first leg's followers are told it ended, so a page looks again rather than waiting for ever.
    ended = [event["status"] for event in events if event["type"] == "run_finished"]
    assert sorted(ended) == ["done", "running"]  # the other tab's leg, then the first one
    assert body["status"] == "done" and body["reply"] == "Both sent."
    assert [a["status"] for a in body["actions"]] == ["done", "done"]
    assert sends(sandbox) == 2


def test_a_run_that_cannot_take_itself_back_because_a_new_task_started_waits_to_be_resumed(alice, fake_claude,
                                                                                            sandbox, monkeypatch):
    run_id, first, second = two_cards(alice, fake_claude)
    answer, save = ToolCalls.answer, leases.save
    landed = {}

    async def approval_lands_while_running(self, uses, **how):
        results = await answer(self, uses, **how)
        if results is None and not landed:  # the second card is approved as the first mail goes
            landed["approval"] = await asyncio.to_thread(approve_in_another_tab, alice, second)
        return results

    async def new_task_starts_as_the_run_pauses(run, *fields, **how):
        await save(run, *fields, **how)
        if run.status == "needs_approval" and landed and "task" not in landed:
            landed["task"] = await Run.objects.acreate(conversation_id=run.conversation_id, task="New task",
                                                      status=Run.Status.RUNNING, owner=leases.OWNER)

    monkeypatch.setattr(ToolCalls, "answer", approval_lands_while_running)
    monkeypatch.setattr(leases, "save", new_task_starts_as_the_run_pauses)
    cut_off = alice.post({"approve": [first]}).json()

    assert landed["approval"] == 200
    assert cut_off["status"] == "interrupted" and "resume this one" in cut_off["error"]
    assert sends(sandbox) == 1
    Run.objects.filter(task="New task").update(status=Run.Status.DONE)
    resumed = alice.post({"resume": run_id}).json()
    assert resumed["status"] == "done" and sends(sandbox) == 2


def test_a_tab_whose_run_another_tab_took_up_waits_for_that_tabs_task_to_start(alice, fake_claude, sandbox,
                                                                               monkeypatch):
    """Both tabs on one event loop, as in the server: the other tab has claimed the run but starts
    its task only once this tab waits for it; this tab must wait, not answer "running"."""
    run_id, first, second = two_cards(alice, fake_claude)
    save, start, watching = leases.save, registry.start, registry.watching
    looked, starts = [], []

    async def both_tabs():
        tab_one, other_tab = asyncio.current_task(), {}
        other_tab_claimed, tab_one_looks = asyncio.Event(), asyncio.Event()

        def start_the_other_tabs_task_only_once_tab_one_looks(run, ctx, session_key):
            starts.append(run.id)
            if len(starts) == 1:  # this tab's own approval
                return start(run, ctx, session_key)
            other_tab_claimed.set()

            async def later():
                await tab_one_looks.wait()
                start(run, ctx, session_key)

            return asyncio.get_running_loop().create_task(later())

        async def pause_as_the_other_tab_claims(run, *fields, **how):
            await save(run, *fields, **how)
            if run.status == "needs_approval" and not other_tab:
                other_tab["request"] = asyncio.create_task(approve_async(alice, second))
                await other_tab_claimed.wait()

        class AwaitedByTabOne(asyncio.Future):
            def add_done_callback(self, callback, **how):  # asyncio.wait_for is awaiting it
                looked.append(run_id)
                tab_one_looks.set()
                super().add_done_callback(callback, **how)

        @contextlib.contextmanager
        def looking(run_id):
            with watching(run_id) as started:
                if asyncio.current_task() is not tab_one:
                    yield started
                    return
                awaited = AwaitedByTabOne()
                started.add_done_callback(lambda _: awaited.done() or awaited.set_result(None))
                yield awaited

        monkeypatch.setattr(registry, "start", start_the_other_tabs_task_only_once_tab_one_looks)
        monkeypatch.setattr(leases, "save", pause_as_the_other_tab_claims)
        monkeypatch.setattr(registry, "watching", looking)
        mine = await approve_async(alice, first)
        return mine, await other_tab["request"]

    (my_status, mine), (their_status, theirs) = asyncio.run(both_tabs())

    assert looked == [run_id] and starts == [run_id, run_id]
    assert (my_status, their_status) == (200, 200)
    assert mine["status"] == theirs["status"] == "done" and mine["reply"] == "Both sent."
    assert sends(sandbox) == 2


async def approve_async(alice, action_id: str) -> tuple[int, dict]:
    tab = AsyncClient(enforce_csrf_checks=True)
    tab.cookies = alice.client.cookies
    response = await tab.post("/get_response", {"approve": [action_id]}, content_type="application/json",
                              headers={"X-CSRFToken": alice.csrf})
    return response.status_code, response.json()
