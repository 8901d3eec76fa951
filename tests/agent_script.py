"""Helpers for scripting the fake Claude like a model that reads its tool results."""
import json


def tool_results(request: dict) -> list[dict]:
    """The tool_result blocks of the newest user message."""
    return [b for b in request["messages"][-1]["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]


def data(request: dict, index: int = 0) -> dict:
    """The workspace data of one tool result, unwrapped from its untrusted_data envelope."""
    return json.loads(tool_results(request)[index]["content"])["untrusted_data"]


def first_prompt(request: dict) -> str:
    """The task's prompt, as sent: a string, or its text block when marked for caching."""
    content = request["messages"][0]["content"]
    return content if isinstance(content, str) else "".join(block["text"] for block in content)
