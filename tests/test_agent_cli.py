"""`manage.py agent`: the same loop in a terminal, asking y/n before sending."""
import io
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.utils import timezone

from app import connection
from app.models import Action, Run

from tests.agent_fixtures import sends
from tests.agent_script import tool_results
from tests.api_connect import connect
from tests.fake_claude import text, tool_use

MAIL = {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Tuesday?"}


def run_cli(task: str | None, answers: list[str], monkeypatch, *options: str, end=EOFError) -> str:
    """The command's output, typing `answers` at its questions; after them, input ends (or `end`: Ctrl-C)."""
    replies = iter(answers)

    def typed(prompt=""):
        answer = next(replies, None)
        if answer is None:
            raise end
        return answer

    monkeypatch.setattr("builtins.input", typed)
    out = io.StringIO()
    call_command("agent", *filter(None, [task]), *options, stdout=out)
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


@pytest.mark.parametrize("end", [EOFError, KeyboardInterrupt])
def test_input_ending_at_an_approval_leaves_the_card_waiting_and_says_how_to_decide(agent_world, sandbox, monkeypatch,
                                                                                    end):
    agent_world.reply(tool_use("gmail_send", MAIL))

    with pytest.raises(CommandError, match=r"waits for your decision. Decide with: manage.py agent --session \S+ "
                                           r"--resume \S+"):
        run_cli("Ask Bob for lunch", [], monkeypatch, end=end)

    assert Run.objects.get().status == Run.Status.NEEDS_APPROVAL
    assert Action.objects.get().status == Action.Status.PENDING
    assert sends(sandbox) == 0


def test_resuming_a_task_that_waits_asks_its_cards_again(agent_world, sandbox, monkeypatch):
    agent_world.reply(tool_use("gmail_send", MAIL))
    with pytest.raises(CommandError) as waiting:
        run_cli("Ask Bob for lunch", [], monkeypatch)
    agent_world.reply(text("Asked Bob for lunch."))

    output = run_cli(None, ["y"], monkeypatch, *str(waiting.value).split("manage.py agent ")[1].split())

    assert '"subject": "Lunch"' in output
    assert "Asked Bob for lunch." in output
    assert sends(sandbox) == 1


def test_cli_says_where_a_task_another_process_took_up_will_end(agent_world, sandbox, monkeypatch):
    def taken_up_elsewhere(request):
        Run.objects.filter(status=Run.Status.RUNNING).update(owner="elsewhere:7:boot#claim",
                                                             lease_until=timezone.now() + timedelta(minutes=1))
        return [tool_use("gmail_search", {"query": "from:bob", "limit": 1})]

    agent_world.respond_with(taken_up_elsewhere)

    with pytest.raises(CommandError, match="Another server process carries this task on"):
        run_cli("What did Bob say?", [], monkeypatch)


def test_the_cli_says_how_to_go_on_with_a_conversation_and_does(agent_world, monkeypatch):
    agent_world.reply(text("Bob wrote about lunch."))
    first = run_cli("What did Bob send?", [], monkeypatch)
    follow_up = re.search(r"manage.py agent (--session \S+ --conversation \S+)", first)[1].split()

    agent_world.reply(text("He suggested Tuesday."))
    second = run_cli("When?", [], monkeypatch, *follow_up)

    assert "He suggested Tuesday." in second
    assert "Bob wrote about lunch." in str(agent_world.requests[-1]["messages"])  # the earlier task is in its history


def test_the_cli_s_follow_up_carries_on_in_the_sandbox_a_new_command_starts(agent_world, sandbox, monkeypatch):
    agent_world.reply(text("Bob wrote about lunch."))
    first = run_cli("What did Bob send?", [], monkeypatch)
    follow_up = re.search(r"manage.py agent (--session \S+ --conversation \S+)", first)[1].split()
    sandbox.reset("demo")  # each command starts a sandbox of its own, which knows no earlier command's grant

    agent_world.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    agent_world.reply(text("He suggested Tuesday."))
    second = run_cli("When?", [], monkeypatch, *follow_up)

    assert "He suggested Tuesday." in second
    assert not tool_results(agent_world.requests[-1])[0].get("is_error")


def test_a_task_cut_off_in_the_cli_is_resumed_there(agent_world, sandbox, monkeypatch):
    agent_world.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    agent_world.fail(529, times=3)

    with pytest.raises(CommandError, match=r"Resume it with: manage.py agent --session \S+ --resume \S+") as cut_off:
        run_cli("What did Bob send?", [], monkeypatch)

    agent_world.reply(text("Bob sent one email."))
    resumed = run_cli(None, [], monkeypatch, *str(cut_off.value).split("manage.py agent ")[1].split())
    assert "Bob sent one email." in resumed


@pytest.mark.parametrize("origin_recorded", [True, False])
def test_a_session_connected_to_google_stays_on_google_in_the_terminal(alice, google, agent_world, monkeypatch,
                                                                        origin_recorded):
    refresh_token = connect(alice, google)
    key = alice.client.session.session_key
    if not origin_recorded:  # connected before the session said where its grant came from: the server uses Google
        forget_origin(key)
    agent_world.reply(tool_use("calendar_list_events", {"max_results": 3}))
    agent_world.reply(text("Nothing much."))

    output = run_cli("What is on my calendar?", [], monkeypatch, "--session", key)  # no --no-sandbox

    assert not tool_results(agent_world.requests[1])[0].get("is_error")
    assert connection.load_credentials(SessionStore(session_key=key)).refresh_token == refresh_token
    assert f"manage.py agent --no-sandbox --session {key} --conversation " in output


def forget_origin(session_key: str) -> None:
    session = SessionStore(session_key=session_key)
    del session[connection.PROFILE]["sandbox"]
    session.save()


def test_the_terminal_without_the_google_client_refuses_a_google_session_and_keeps_its_grant(alice, google, monkeypatch,
                                                                                             settings):
    refresh_token = connect(alice, google)
    settings.GOOGLE_CLIENT_ID = ""  # the terminal's environment lacks the server's .env

    with pytest.raises(CommandError, match="GOOGLE_CLIENT_ID"):
        run_cli("What is on my calendar?", [], monkeypatch, "--session", alice.client.session.session_key)

    assert connection.load_credentials(alice.client.session).refresh_token == refresh_token


def test_the_terminal_says_a_sandbox_session_is_not_a_google_one(alice, monkeypatch):
    with pytest.raises(CommandError, match="connected to the workspace sandbox, not to Google: leave out --no-sandbox"):
        run_cli("What is on my calendar?", [], monkeypatch, "--no-sandbox", "--session", alice.client.session.session_key)
