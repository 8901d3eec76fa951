"""Reading many emails costs a handful of requests, and rate limits do not lose any."""
import random

import pytest

from app.tools import invoke
from app.tools.registry import ToolError
from app.tools.timezone import user_timezone
from tests.gmail_helpers import fill_mailbox


@pytest.fixture
def no_backoff(monkeypatch):
    # Both the client library and execute_batch back off by random() * 2**n seconds.
    monkeypatch.setattr(random, "random", lambda: 0.0)


def test_reading_120_messages_takes_at_most_4_requests(ctx, sandbox):
    fill_mailbox(ctx, 120)
    user_timezone(ctx)  # read once per run, before this search in a real run
    sandbox.clear_log()

    found = invoke("gmail_search", ctx, {"query": "subject:status", "limit": 120})["messages"]

    requests = sandbox.http_requests()
    print(f"120 messages read with {len(requests)} HTTP requests")
    assert len(found) == 120
    assert len({m["id"] for m in found}) == 120
    assert len(requests) <= 4
    assert all(m["subject"].startswith("Status update") for m in found)


def test_search_lists_newest_first_up_to_the_limit(ctx):
    found = invoke("gmail_search", ctx, {"query": "in:inbox", "limit": 5})["messages"]
    assert len(found) == 5
    assert found[0]["subject"] == "Lunch?"
    stamps = [m["date"].split(" ", 1)[1] for m in found]
    assert stamps == sorted(stamps, reverse=True)


def test_rate_limited_batch_part_is_retried_and_nothing_is_lost(ctx, sandbox, no_backoff):
    fill_mailbox(ctx, 60)
    sandbox.clear_log()
    sandbox.fault(path="/messages/", status=429, count=1, where="batch")

    found = invoke("gmail_search", ctx, {"query": "subject:status", "limit": 60})["messages"]

    assert len(found) == 60
    statuses = [entry["status"] for entry in sandbox.log() if entry["batch_part"]]
    assert statuses.count(429) == 1
    assert len(statuses) == 61


def test_rate_limited_single_request_is_retried(ctx, sandbox, no_backoff):
    message_id = invoke("gmail_search", ctx, {"query": "subject:lunch"})["messages"][0]["id"]
    sandbox.clear_log()
    sandbox.fault(path=f"/messages/{message_id}", status=429, count=1, where="request")

    read = invoke("gmail_read", ctx, {"message_id": message_id})

    assert read["messages"][0]["subject"] == "Lunch?"
    assert [e["status"] for e in sandbox.http_requests() if message_id in e["path"]] == [429, 200]


def test_persistent_failure_of_a_batch_part_is_reported(ctx, sandbox, no_backoff):
    sandbox.fault(path="/messages/", status=503, count=50, where="batch")
    with pytest.raises(ToolError, match="Gmail is having trouble"):
        invoke("gmail_search", ctx, {"query": "subject:lunch"})
