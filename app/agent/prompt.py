"""What Claude is given: the static system prompt and tools, and the task prompt.

The system prompt and the tool catalogue are identical for every run, so they
are marked for prompt caching; everything that changes per task goes in the
first user message, rendered from prompt.txt.
"""
import functools
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.template import Context as TemplateContext
from django.template import Engine

from app import scopes
from app.tools import load_catalogue

HERE = Path(__file__).parent
CACHED = {"type": "ephemeral"}
PAST_RESULT_CHARS = 400  # enough for the ids a follow-up task needs
PAST_REPLY_CHARS = 600
PAST_TASKS = 10  # earlier tasks of a conversation in a new task's prompt: the latest, so it does not grow for ever
PAST_FOUND = 10  # items a past read keeps (ids and names), for "forward it to Bob" a task later
SEED_FIELDS = ("already_done", "workspace_content", "prompt_history", "current_service_url", "service_history")


@functools.cache
def system_blocks() -> list[dict]:
    return [{"type": "text", "text": (HERE / "system.txt").read_text().strip(), "cache_control": CACHED}]


@functools.cache
def tool_definitions() -> list[dict]:
    definitions = [tool.definition() for tool in load_catalogue().values()]
    if definitions:
        definitions[-1] = {**definitions[-1], "cache_control": CACHED}
    return definitions


def cached_up_to_here(messages: list[dict]) -> list[dict]:
    """The transcript with its last block marked for caching, so each model call of a run reads what the
    one before sent (the task, the results so far) from the cache instead of paying for it again. With
    the system prompt and the tools that makes three of the four marks the API allows."""
    last = messages[-1]
    content = last["content"] if isinstance(last["content"], list) else [{"type": "text", "text": last["content"]}]
    return [*messages[:-1], {**last, "content": [*content[:-1], {**content[-1], "cache_control": CACHED}]}]


@functools.cache
def _template():
    return Engine(autoescape=False).from_string((HERE / "prompt.txt").read_text())


def task_prompt(*, task: str, timezone: str | None, granted: list[str], email: str | None, history: list[dict], extra: dict) -> str:
    """The first user message of a run; `extra` holds the seed-era fields a client may send."""
    missing = scopes.missing_services(set(granted))
    values = {
        "objective": task,
        "now": _now(timezone or "UTC").strftime("%A %d %B %Y, %H:%M"),
        "timezone": timezone,
        "email": email,
        "services": [scopes.SERVICE_LABELS[s] for s in scopes.SERVICE_SCOPES if s not in missing],
        "missing": [scopes.SERVICE_LABELS[s] for s in missing],
        "scopes": sorted(granted),
        "history": history,
        **{name: _as_text(extra.get(name)) for name in SEED_FIELDS},
    }
    if values["workspace_content"]:
        values["workspace_content"] = untrusted(values["workspace_content"])
    return _template().render(TemplateContext(values)).strip()


def past_task(run, actions) -> dict:
    """An earlier task of the conversation, shortened to what a follow-up needs.

    The task is the person's own words; what came of it (the reply, summaries
    naming subjects and files, results) is workspace data, wrapped as tool
    results are, and as JSON so that no subject can break out of the wrapping.
    """
    outcome = {
        "status": run.status,
        "reply": _shorten(run.reply, PAST_REPLY_CHARS),
        "actions": [_past_action(action) for action in actions],
    }
    return {"task": run.task, "outcome": untrusted(outcome)}


def untrusted(data) -> str:
    return json.dumps({"untrusted_data": data}, ensure_ascii=False, default=str)


def _past_action(action) -> dict:
    past = {"tool": action.tool, "status": action.status, "summary": action.summary, "link": action.link}
    if action.status == action.Status.DONE and action.result:
        past["result" if action.effect != "read" else "found"] = (
            _past_result(action.result) if action.effect != "read" else _past_found(action.result))
    return {key: value for key, value in past.items() if value}


def _past_found(result: str) -> list[dict]:
    """What a read found, as the ids and names a follow-up refers to ("forward it to Bob"): every item
    with an id, its subject, name or title beside it, up to PAST_FOUND."""
    try:
        data = json.loads(result)["untrusted_data"]
    except (ValueError, KeyError, TypeError):
        return []
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if "id" in node and len(found) < PAST_FOUND:
                found.append({key: _shorten(str(node[key]), 80) for key in ("id", "thread", "subject", "name", "title", "from")
                              if node.get(key)})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def _past_result(result: str):
    """What a write returned (the ids a follow-up needs), out of its own envelope: the history has one."""
    try:
        data = json.loads(result)["untrusted_data"]
    except (ValueError, KeyError, TypeError):
        return _shorten(result, PAST_RESULT_CHARS)
    text = json.dumps(data, ensure_ascii=False)
    return data if len(text) <= PAST_RESULT_CHARS else _shorten(text, PAST_RESULT_CHARS)


def _now(timezone: str) -> datetime:
    try:
        return datetime.now(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(ZoneInfo("UTC"))


def _as_text(value) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    return "\n".join(f"- {item}" for item in value) if isinstance(value, list) else json.dumps(value)


def _shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + " …"
