"""The JSON shape of a run, as /get_response and the conversation API return it."""
from app.agent.markdown import reply_html
from app.agent.tool_calls import describe
from app.models import Action, Run


def action_json(action: Action) -> dict:
    return {
        "id": action.id,
        "tool": action.tool,
        "input": action.input,
        "preview": action.preview,
        "line": describe(action),  # the progress line, e.g. "Searching Gmail for 'Q3'"
        "effect": action.effect,
        "status": action.status,
        "summary": action.summary,
        "link": action.link,
        "error": action.error,
    }


def run_json(run: Run, actions: list[Action]) -> dict:
    return {
        "conversation_id": run.conversation_id,
        "run_id": run.id,
        "task": run.task,
        "status": run.status,
        "reply": run.reply,
        "reply_html": reply_html(run.reply),
        "thought": run.thought,
        "error": run.error,
        "actions": [action_json(action) for action in actions],
    }


def response_json(run: Run, actions: list[Action], since) -> dict:
    """What POST /get_response answers: the run, its reply_html, and in `data` the actions this call touched."""
    body = run_json(run, actions)
    body["data"] = [action_json(a) for a in actions if a.created >= since or (a.finished and a.finished >= since)]
    return body
