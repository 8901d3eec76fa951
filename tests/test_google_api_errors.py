"""Google's errors read as one clean sentence, and rate limits are recognised whatever their status."""
import json

import httplib2
from googleapiclient.errors import HttpError

from app import google_api
from app.tools.errors import explain


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
