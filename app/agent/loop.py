"""The agent loop: ask Claude, run the tools it asks for, repeat until it is done.

It works on a Run whose transcript is saved after every model turn, so the
same function starts a run, continues it after an approval, and resumes it
after a restart.
"""
import itertools

from django.conf import settings
from django.db import IntegrityError

from app.agent import claude, leases
from app.agent.events import EventBus
from app.agent.tool_calls import ToolCalls, waiting
from app.models import Action, Run


OTHER_TASK_STARTED = "Another task of this conversation started meanwhile; resume this one when it has finished."
NO_REPLY = "(no reply)"  # stands in the transcript for a turn with nothing in it, which the API would refuse
CUT_OFF = ("This call was cut off at the length limit of a response before its input was complete, so it was "
           "not run. Send it again with less in it (a long document in parts, with docs_append).")
DECLINED = "Claude declined this request, so it was not carried out."
TURN = ("messages", "model_calls", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "thought")


async def advance(run: Run, calls: ToolCalls, bus: EventBus) -> None:
    """Drive the run until it ends its turn, hits the step limit, or waits for approval."""
    client = claude.client()
    fresh = False  # the first turn may be one carried on after an approval or a restart
    while True:
        uses = _tool_uses(run.messages[-1])
        if uses:
            results = await calls.answer(uses, fresh=fresh)
            if results is None:
                if await _pause(run, bus):
                    return
                fresh = False
                continue
            # Saved with the next turn: until then the actions' rows hold these results, and a
            # run cut off meanwhile answers the turn from them without running anything again.
            run.messages.append({"role": "user", "content": results})
        if run.model_calls >= settings.AGENT_MAX_STEPS:
            await _finish(run, Run.Status.FAILED, step_limit_reply() + await _done_so_far(run))
            return
        bus.publish("thinking", step=run.model_calls + 1)
        response = await claude.ask(client, run.messages)
        _record_turn(run, response)
        uses = _tool_uses(run.messages[-1])
        if response.stop_reason == "refusal":  # whatever the turn holds is cut short: none of its calls is run
            await _finish(run, Run.Status.FAILED, DECLINED + await _done_so_far(run))
            return
        if uses and response.stop_reason == "max_tokens":
            # The API drops the part of a call's input the limit cut off: run as it stands, a call would
            # do something else (a new Doc without its text). None of the turn's calls is run.
            run.messages.append({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": use["id"], "content": CUT_OFF, "is_error": True} for use in uses]})
            await leases.save(run, *TURN)
            continue
        if not uses:
            await _finish(run, *await _last_word(run, response.stop_reason))
            return
        await leases.save(run, *TURN)
        fresh = True


def step_limit_reply() -> str:
    return (
        f"I stopped after {settings.AGENT_MAX_STEPS} steps, before I could say this task is finished. "
        "Everything done so far is listed with this task; ask me to carry on or split the task into smaller parts."
    )


async def _last_word(run: Run, stop_reason: str | None) -> tuple[str, str]:
    """How the run ends when the model stops asking for tools: its answer, said to be cut off if it was;
    what was done, when it said nothing."""
    said = _text(run.messages[-1])
    if said in ("", NO_REPLY):
        return Run.Status.DONE, "Finished." + await _done_so_far(run)
    if stop_reason == "max_tokens":
        said += "\n\n*(This answer was cut off at its length limit; ask me to go on.)*"
    return Run.Status.DONE, said


async def _done_so_far(run: Run) -> str:
    done = [a async for a in run.actions.filter(status=Action.Status.DONE).exclude(effect="read").order_by("created")]
    lines = [f"- {a.summary or a.tool}" + (f" ([open]({a.link}))" if a.link else "") for a in done]
    return "\n\nDone in this task:\n" + "\n".join(lines) if lines else ""


def _record_turn(run: Run, response) -> None:
    """Add the model's turn to the run; the caller saves it, with the run's end if this was the last turn."""
    usage = response.usage
    run.model_calls += 1
    run.input_tokens += usage.input_tokens or 0
    run.output_tokens += usage.output_tokens or 0
    run.cache_read_tokens += usage.cache_read_input_tokens or 0
    run.cache_write_tokens += usage.cache_creation_input_tokens or 0
    content = [_block(block) for block in response.content]
    content = [block for block in content if block] or [{"type": "text", "text": NO_REPLY}]
    _unique_ids(content, run.messages)
    run.messages.append({"role": "assistant", "content": content})
    if _tool_uses(run.messages[-1]):
        run.thought = _text(run.messages[-1])


def _unique_ids(content: list[dict], earlier: list[dict]) -> None:
    """Give a tool_use whose id the model repeated (in this turn or from an earlier one) an id of its own.

    The API refuses a transcript in which two tool_use blocks share an id, and each call is
    recorded, and answered, by its id: renamed, the repeat is simply one more call.
    """
    taken = {block["id"] for message in earlier for block in _tool_uses(message)}
    for block in content:
        if block["type"] != "tool_use":
            continue
        if block["id"] in taken:
            block["id"] = next(f"{block['id']}_{n}" for n in itertools.count(2) if f"{block['id']}_{n}" not in taken)
        taken.add(block["id"])


def _block(block) -> dict | None:
    """The parts of a response block the API accepts back; empty text is dropped (the API rejects it)."""
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    if block.type == "text" and block.text.strip():
        return {"type": "text", "text": block.text}
    return None


async def _pause(run: Run, bus: EventBus) -> bool:
    """Wait for the person; False when the last pending action was decided meanwhile and the run goes on.

    A decision that arrived while this run was still marked running could not
    claim the run (the deciding request found it busy), so it is taken up here.
    """
    run.status = Run.Status.NEEDS_APPROVAL
    await leases.save(run, "status")
    pending = [a async for a in run.actions.filter(status=Action.Status.PENDING)]
    if not pending:
        # Only under this driver's own claim: a request that took the run up meanwhile may have paused it again.
        running = Run.objects.filter(id=run.id, status=Run.Status.NEEDS_APPROVAL, owner=run.owner)
        claim = leases.claim_fields()
        try:
            taken_back = await running.aupdate(status=Run.Status.RUNNING, **claim)
        except IntegrityError:  # a new task of the conversation started in this instant
            run.status, run.error = Run.Status.INTERRUPTED, OTHER_TASK_STARTED
            await leases.save(run, "status", "error", status=(Run.Status.NEEDS_APPROVAL,))
            return True
        run.status = Run.Status.RUNNING
        if taken_back:
            run.owner = claim["owner"]
        # Not taken back: the request that approved the last card took the run up and drives it now.
        return not taken_back
    bus.publish("waiting_for_approval", **waiting(pending))
    return True


async def _finish(run: Run, status: str, reply: str) -> None:
    run.status, run.reply = status, reply
    await leases.save(run, *TURN, "status", "reply")


def _tool_uses(message: dict) -> list[dict]:
    if message["role"] != "assistant":
        return []
    return [block for block in message["content"] if block["type"] == "tool_use"]


def _text(message: dict) -> str:
    return "\n\n".join(block["text"] for block in message["content"] if block["type"] == "text").strip()
