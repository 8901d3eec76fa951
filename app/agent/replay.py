"""A run's progress events rebuilt from the database.

Used when no live run is in this process: the run has finished or paused, or
the server restarted. The events have the same shape as the live ones.
"""
from app.agent.tool_calls import describe, step, waiting
from app.models import Action, Run


def events_from_db(run: Run, actions: list[Action]) -> list[dict]:
    events = [{"type": "run_started", "run_id": run.id, "conversation_id": run.conversation_id}]
    for action in actions:
        if action.started or action.status in (Action.Status.DONE, Action.Status.FAILED):
            events.append({"type": "step_started", "action_id": action.id, "tool": action.tool, "line": describe(action)})
        if action.status in (Action.Status.DONE, Action.Status.FAILED, Action.Status.REJECTED):
            events.append({"type": "step_finished", **step(action)})
    if run.status == Run.Status.NEEDS_APPROVAL:
        pending = [a for a in actions if a.status == Action.Status.PENDING]
        events.append({"type": "waiting_for_approval", **waiting(pending)})
    elif run.status != Run.Status.RUNNING:
        events.append({"type": "run_finished", "status": run.status, "reply": run.reply, "error": run.error})
    return events
