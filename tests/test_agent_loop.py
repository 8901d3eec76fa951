"""The tool-use loop: plans, runs tools, and reports with links."""
import json

import pytest

from tests.fake_claude import text, tool_use


def results_of(request) -> list[dict]:
    return [b for b in request["messages"][-1]["content"] if b["type"] == "tool_result"]


def test_a_plain_question_is_answered_in_one_model_call(alice, fake_claude):
    fake_claude.reply(text("Hello! I can help with your workspace."))

    body = alice.ask("Hi there")

    assert body["status"] == "done"
    assert body["reply"] == "Hello! I can help with your workspace."
    assert "<p>Hello!" in body["reply_html"]
    assert fake_claude.calls == 1
