"""A batch Google refuses as a whole (rate limit, outage) is sent again, not lost."""
import random

import pytest

from app.tools import invoke
from app.tools.registry import ToolError


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(random, "random", lambda: 0.0)


def batch_statuses(sandbox):
    return [e["status"] for e in sandbox.http_requests() if e["path"].startswith("/batch")]


@pytest.mark.parametrize("status", [429, 503])
def test_refused_batch_is_sent_again(ctx, sandbox, no_backoff, status):
    sandbox.clear_log()
    sandbox.fault(path="/batch", status=status, count=1, where="request")

    found = invoke("gmail_search", ctx, {"query": "in:inbox", "limit": 3})["messages"]

    assert len(found) == 3
    assert batch_statuses(sandbox) == [status, 200]


def test_batch_refused_every_time_is_reported(ctx, sandbox, no_backoff, settings):
    sandbox.fault(path="/batch", status=503, count=settings.GOOGLE_API_RETRIES + 1, where="request")
    with pytest.raises(ToolError, match="Gmail is having trouble right now"):
        invoke("gmail_search", ctx, {"query": "in:inbox", "limit": 3})



def test_part_refused_with_403_user_rate_limit_is_retried(ctx, sandbox, no_backoff):
    sandbox.fault(path="/messages/", status=403, count=2, where="batch", reason="userRateLimitExceeded")
    sandbox.clear_log()

    found = invoke("gmail_search", ctx, {"query": "in:inbox", "limit": 5})["messages"]

    assert len(found) == 5
    assert [e["status"] for e in sandbox.http_requests() if e["path"].startswith("/batch")] == [200, 200]
