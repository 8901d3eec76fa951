"""Each action is claimed once: a decision made stays made, and an approved send goes out once.

The run-level claim already keeps two requests from driving one run; these
guards hold on their own, for whatever else reaches an action (another
process driving the same run after a restart was detected, a late decision).
"""
import asyncio
import threading

import pytest

from app.agent import approvals, tool_calls
from app.agent.events import EventBus
from app.agent.tool_calls import ToolCalls
from app.models import Action, Conversation, Run
from app.tools import review
from tests.agent_fixtures import sends

MAIL = {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Tuesday at noon?"}


def recorded_send(status: str, ctx=None) -> Action:
    """A send as the loop records it: with ctx, reviewed (its exact input and card), as a run would."""
    run = Run.objects.create(conversation=Conversation.objects.create(session_key="s"), task="Ask Bob for lunch")
    card = review("gmail_send", ctx, MAIL) if ctx else None
    return Action.objects.create(run=run, tool_use_id="toolu_send", tool="gmail_send", input=card.args if card else MAIL,
                                 preview=card.preview if card else {}, effect="outbound", status=status)


@pytest.mark.parametrize("settled", ["rejected", "done", "failed"])
def test_approving_a_settled_action_leaves_it_as_it_was(db, settled):
    action = recorded_send(settled)

    approvals.approve([action.id])

    action.refresh_from_db()
    assert action.status == settled


def test_an_approved_send_started_twice_at_once_goes_out_once(transactional_db, sandbox, ctx, monkeypatch):
    action = recorded_send("approved", ctx)
    calls = ToolCalls(action.run, ctx, EventBus())
    sending, second_done = threading.Event(), threading.Event()
    invoke = tool_calls.invoke

    def first_send_waits_for_the_second_start(name, ctx_, args):
        if not sending.is_set():
            sending.set()
            second_done.wait(10)
        return invoke(name, ctx_, args)

    monkeypatch.setattr(tool_calls, "invoke", first_send_waits_for_the_second_start)

    async def two_drivers():
        # Each driver has its own copy of the row, as two requests or processes would.
        first = asyncio.create_task(calls._execute(await Action.objects.aget(id=action.id)))
        await asyncio.to_thread(sending.wait, 10)
        await calls._execute(await Action.objects.aget(id=action.id))
        second_done.set()
        await first

    asyncio.run(two_drivers())

    assert sends(sandbox) == 1
    assert Action.objects.get(id=action.id).status == "done"
