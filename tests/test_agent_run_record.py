"""What a finished run keeps: its cost in model calls and tokens, the model
it was asked of, and never the person's Google tokens."""
import json

from django.core import serializers

from app.connection import load_credentials
from app.models import Action, Conversation, Run
from tests.fake_claude import USAGE, text, tool_use


def finished_search(alice, fake_claude) -> dict:
    fake_claude.reply(tool_use("gmail_search", {"query": "subject:(Q3 report)", "limit": 3}))
    fake_claude.reply(text("Found it."))
    body = alice.ask("Find the Q3 report mail")
    assert body["status"] == "done"
    return body


def test_a_run_records_its_model_calls_and_tokens(alice, fake_claude, sandbox):
    run = Run.objects.get(id=finished_search(alice, fake_claude)["run_id"])

    assert run.model_calls == 2
    assert (run.input_tokens, run.output_tokens, run.cache_read_tokens, run.cache_write_tokens) == (
        2 * USAGE["input_tokens"], 2 * USAGE["output_tokens"],
        2 * USAGE["cache_read_input_tokens"], 2 * USAGE["cache_creation_input_tokens"],
    )


def test_every_model_call_asks_the_configured_model(alice, fake_claude, sandbox, settings):
    settings.ANTHROPIC_MODEL = "claude-configured-for-this-test"

    finished_search(alice, fake_claude)

    assert [request["model"] for request in fake_claude.requests] == ["claude-configured-for-this-test"] * 2


def test_no_google_token_is_stored_with_conversations_runs_or_actions(alice, fake_claude, sandbox):
    finished_search(alice, fake_claude)
    credentials = load_credentials(alice.client.session)
    rows = [*Conversation.objects.all(), *Run.objects.all(), *Action.objects.all()]

    stored = serializers.serialize("json", rows) + json.dumps([str(row) for row in rows])

    assert Action.objects.exists()  # the run did call Google
    assert credentials.token and credentials.token not in stored
    assert credentials.refresh_token and credentials.refresh_token not in stored
