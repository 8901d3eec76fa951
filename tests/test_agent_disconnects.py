"""A client that goes away mid-request (the page's Stop, a closed tab) never leaves
a run that nothing drives: whatever the request had claimed carries on to its end."""
import asyncio

from app import connection
from app.agent import approvals, service
from app.agent.runs import registry
from app.models import Run
from tests.agent_fixtures import sends
from tests.fake_claude import text, tool_use


def run_request(state, make_request) -> str:
    """Send the request, lose the client at the patched point, then let the run finish; its id."""
    async def scenario():
        state["loop"] = asyncio.get_running_loop()
        state["request"] = request = asyncio.create_task(make_request())
        try:
            await request
        except asyncio.CancelledError:
            pass
        run = await Run.objects.order_by("-created").afirst()
        await registry.wait(run.id)
        return run.id

    return asyncio.run(scenario())


def test_approval_whose_client_left_while_it_was_being_recorded_still_sends(alice, fake_claude, sandbox, monkeypatch):
    fake_claude.reply(tool_use("gmail_send", {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Noon?"}))
    action_id = alice.ask("Ask Bob to lunch")["actions"][0]["id"]
    fake_claude.reply(text("Sent."))
    session = alice.client.session
    ctx = connection.context_for_session(session)

    state = {"request": None}
    approve = approvals.approve

    def approve_then_disconnect(action_ids):
        claimed = approve(action_ids)  # on the database thread: the request's loop cancels it from there
        state["loop"].call_soon_threadsafe(state["request"].cancel)
        return claimed

    monkeypatch.setattr(approvals, "approve", approve_then_disconnect)
    email = session[connection.PROFILE]["email"]
    run_id = run_request(state, lambda: service.decide(session_key=session.session_key, ctx=ctx, email=email,
                                                        approve=[action_id], reject=[]))

    run = Run.objects.get(id=run_id)
    assert run.status == "done" and run.reply == "Sent."
    assert sends(sandbox) == 1


def test_task_whose_client_left_while_it_was_being_recorded_still_runs(alice, fake_claude, sandbox, monkeypatch):
    fake_claude.reply(text("Bob wrote about lunch."))
    session = alice.client.session
    ctx = connection.context_for_session(session)
    state = {"request": None}
    original = Run.asave

    async def disconnect_meanwhile(self, *args, **kwargs):
        if kwargs.get("force_insert") and state["request"] is not None:
            state["request"].cancel()  # lands while the row is being written
            state["request"] = None
        await original(self, *args, **kwargs)

    monkeypatch.setattr(Run, "asave", disconnect_meanwhile)
    run_id = run_request(state, lambda: service.start_task(session_key=session.session_key, ctx=ctx, task="What did Bob say?"))

    run = Run.objects.get(id=run_id)
    assert run.status == "done" and run.reply == "Bob wrote about lunch."
