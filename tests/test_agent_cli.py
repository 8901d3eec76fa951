"""`manage.py agent`: the same loop in a terminal, asking y/n before sending."""
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from app.models import Run

from tests.agent_fixtures import sends
from tests.fake_claude import text, tool_use

MAIL = {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Tuesday?"}


def run_cli(task: str, answers: list[str], monkeypatch) -> str:
    replies = iter(answers)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(replies))
    out = io.StringIO()
    call_command("agent", task, stdout=out)
    return out.getvalue()



def test_cli_shows_steps_and_sends_after_yes(agent_world, sandbox, monkeypatch):
    agent_world.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    agent_world.reply(tool_use("gmail_send", MAIL))
    agent_world.reply(text("Asked Bob for lunch."))

    output = run_cli("Ask Bob for lunch", ["y"], monkeypatch)

    assert "→ Searching Gmail" in output
    assert '"subject": "Lunch"' in output
    assert "Asked Bob for lunch." in output
    assert sends(sandbox) == 1


def test_cli_no_means_nothing_is_sent(agent_world, sandbox, monkeypatch):
    agent_world.reply(tool_use("gmail_send", MAIL))
    agent_world.reply(text("Not sent."))

    output = run_cli("Ask Bob for lunch", ["n"], monkeypatch)

    assert "Not sent." in output
    assert sends(sandbox) == 0
    assert agent_world.requests[-1]["messages"][-1]["content"][0]["is_error"]


def test_cli_says_where_a_task_another_process_took_up_will_end(agent_world, sandbox, monkeypatch):
    def taken_up_elsewhere(request):
        Run.objects.filter(status=Run.Status.RUNNING).update(owner="elsewhere:7:boot#claim",
                                                             lease_until=timezone.now() + timedelta(minutes=1))
        return [tool_use("gmail_search", {"query": "from:bob", "limit": 1})]

    agent_world.respond_with(taken_up_elsewhere)

    with pytest.raises(CommandError, match="Another server process carries this task on"):
        run_cli("What did Bob say?", [], monkeypatch)
