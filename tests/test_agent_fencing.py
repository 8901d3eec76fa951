"""A driver that lost its run to another process (it stalled past its lease, and the run was cut off
or taken up elsewhere) writes nothing more to the run and runs none of the tools it then asks for."""
from datetime import timedelta

import pytest
from django.utils import timezone

from app.agent import service
from app.agent.runs import RESTARTED
from app.models import Action, Run
from tests.fake_claude import text, tool_use


def task_titles(sandbox) -> list[str]:
    return [task["title"] for tasks in sandbox.state()["tasks"]["lists"] for task in tasks["tasks"]]


def add_task_once_the_run_is(change: dict):
    """The model's turn, answered after another process changed the run meanwhile."""
    def answer(request):
        Run.objects.filter(status=Run.Status.RUNNING).update(**change)
        return [tool_use("tasks_add", {"title": "Call the plumber"})]
    return answer


def test_a_run_cut_off_elsewhere_while_claude_thought_runs_nothing_more(alice, fake_claude, sandbox):
    # Another process's recovery took this run for a dead one while its driver waited on Claude.
    fake_claude.respond_with(add_task_once_the_run_is({"status": Run.Status.INTERRUPTED, "error": RESTARTED}))

    answer = alice.post({"task": "Remind me to call the plumber"}).json()

    assert answer["status"] == "interrupted" and answer["resume"] == answer["run_id"]
    assert "Call the plumber" not in task_titles(sandbox)
    assert not Action.objects.exists()
    run = Run.objects.get(id=answer["run_id"])
    assert (run.model_calls, len(run.messages), run.error) == (0, 1, RESTARTED)


def test_a_run_taken_up_by_another_process_keeps_what_that_process_saved(alice, fake_claude, sandbox, monkeypatch):
    monkeypatch.setattr(service, "TAKEN_UP_WITHIN", timedelta(0))  # the other process's task is not ours to wait for
    fake_claude.respond_with(add_task_once_the_run_is(
        {"owner": "elsewhere:7:boot", "lease_until": timezone.now() + timedelta(minutes=1), "thought": "theirs"}))

    answer = alice.ask("Remind me to call the plumber")

    assert "Call the plumber" not in task_titles(sandbox)
    run = Run.objects.get(id=answer["run_id"])
    assert (run.status, run.owner, run.thought, run.model_calls) == ("running", "elsewhere:7:boot", "theirs", 0)


def test_a_run_cut_off_elsewhere_as_it_finishes_keeps_the_recovered_state(alice, fake_claude, sandbox):
    fake_claude.respond_with(lambda request: (
        Run.objects.filter(status=Run.Status.RUNNING).update(status=Run.Status.INTERRUPTED, error=RESTARTED),
        [text("All done.")])[1])

    answer = alice.post({"task": "Say hello"}).json()

    assert answer["status"] == "interrupted"
    assert Run.objects.get(id=answer["run_id"]).reply == ""
