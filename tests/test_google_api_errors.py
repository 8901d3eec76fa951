"""Google's errors read as one clean sentence, and rate limits are recognised whatever their status."""
import json
import socket

import httplib2
import pytest
from googleapiclient.errors import HttpError

from app import google_api
from app.tools import invoke, review
from app.tools.context import Context
from app.tools.errors import explain
from app.tools.registry import ToolError


def google_error(status: int, reason: str, message: str) -> HttpError:
    body = {"error": {"code": status, "message": message, "errors": [{"reason": reason, "message": message}]}}
    return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())


def test_403_rate_limit_is_explained_as_rate_limiting_and_retried():
    error = google_error(403, "userRateLimitExceeded", "User-rate limit exceeded.")
    assert str(explain(error, "gmail")) == "Gmail is rate limiting requests; try again in a minute."
    assert google_api.is_retryable(error)


def test_403_refusal_is_not_retried():
    assert not google_api.is_retryable(google_error(403, "forbidden", "Delegation denied."))


def test_messages_ending_in_a_period_get_no_second_one():
    refused = explain(google_error(403, "forbidden", "Delegation denied for x@acme.example."), "gmail")
    rejected = explain(google_error(400, "invalidArgument", "Invalid To header."), "gmail")
    assert str(refused) == "Gmail refused this: Delegation denied for x@acme.example."
    assert str(rejected) == "Gmail rejected the request: Invalid To header."


def test_google_out_of_reach_is_a_readable_error_in_a_tool_and_in_a_review(sandbox, settings):
    settings.GOOGLE_API_RETRIES = 0
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    ctx = Context(credentials=sandbox.credentials(), api_root=nowhere)

    with pytest.raises(ToolError, match=r"Gmail could not be reached \(ConnectionRefusedError\)"):
        invoke("gmail_search", ctx, {"query": "from:bob"})
    with pytest.raises(ToolError, match="check whether it happened"):
        review("gmail_send", ctx, {"body": "Yes", "reply_to_message_id": "18f3a0000000000a"})
