"""A grant Google no longer accepts (invalid_grant) sends the person back to Connect Google; an outage keeps it."""
from types import SimpleNamespace

import pytest

from app import connection
from tests.agent_script import tool_results
from tests.api_connect import connect
from tests.fake_claude import text, tool_use


@pytest.mark.parametrize("call", [
    tool_use("calendar_list_events", {"max_results": 3}),
    tool_use("drive_share", {"file": "1Q3BudgetSheet", "people": ["bob@acme.example"]}),  # refused while its card is made
])
def test_revoked_grant_ends_in_a_reconnect_prompt_not_an_error_page(alice, google, fake_claude, call):
    refresh_token = connect(alice, google)
    google.call("POST", "/revoke?token=" + refresh_token)  # e.g. the person removed access in their Google account
    fake_claude.reply(call)
    fake_claude.respond_with(lambda req: [text(tool_results(req)[0]["content"])])

    body = alice.ask("What is on my calendar?")

    assert tool_results(fake_claude.requests[1])[0]["is_error"] is True
    assert "Reconnect Google" in body["reply"]
    status = connection.status(alice.client.session)
    assert status["connected"] is False
    assert "Reconnect Google" in status["notice"]
    again = alice.post({"task": "And tomorrow?"})
    assert again.status_code == 401
    assert again.json()["login_url"] == "/oauth2/login/"


def test_the_page_offers_connect_google_with_the_explanation(alice, google, fake_claude):
    refresh_token = connect(alice, google)
    google.call("POST", "/revoke?token=" + refresh_token)
    fake_claude.reply(tool_use("calendar_list_events", {"max_results": 3}))
    fake_claude.reply(text("I could not reach your calendar."))
    alice.ask("What is on my calendar?")

    page = alice.get("/").content.decode()

    assert "Connect Google" in page
    assert "no longer accepts this connection" in page


def test_a_grant_connected_again_during_the_run_is_kept_when_the_old_one_is_refused(alice, google):
    connect(alice, google)
    session = alice.client.session
    old = connection.load_credentials(session)
    connect(alice, google)  # the person reconnects in another tab while a run still holds the old grant
    new = connection.load_credentials(alice.client.session)

    assert connection.forget_refused(alice.client.session.session_key, old, "Reconnect Google") is False
    assert connection.status(alice.client.session)["connected"] is True
    assert connection.forget_refused(alice.client.session.session_key, new, "Reconnect Google") is True
    assert connection.status(alice.client.session)["connected"] is False


@pytest.fixture
def no_backoff(monkeypatch):
    """google-auth tries a failing token endpoint again after 1 s, then 2 s: here at once."""
    from google.auth import _exponential_backoff

    monkeypatch.setattr(_exponential_backoff, "time", SimpleNamespace(sleep=lambda seconds: None))


def test_an_outage_of_googles_sign_in_service_keeps_the_connection(alice, google, fake_claude, no_backoff):
    connect(alice, google)
    google.call("POST", "/_sandbox/tokens/expire")  # the access token must be renewed...
    google.fault("/token", status=503, count=100)  # ...while Google's token endpoint is down
    fake_claude.reply(tool_use("calendar_list_events", {"max_results": 3}))
    fake_claude.respond_with(lambda req: [text(tool_results(req)[0]["content"])])

    body = alice.ask("What is on my calendar?")

    assert "Try again in a few minutes" in body["reply"] and "Reconnect" not in body["reply"]
    status = connection.status(alice.client.session)
    assert status["connected"] is True and status["notice"] is None
    google.call("DELETE", "/_sandbox/faults")  # Google is back: the same connection works
    fake_claude.reply(tool_use("calendar_list_events", {"max_results": 3}))
    fake_claude.reply(text("Here it is."))
    assert alice.ask("And now?")["actions"][0]["status"] == "done"


def test_a_grant_google_refuses_is_no_crash_in_the_log(alice, google, fake_claude, caplog):
    refresh_token = connect(alice, google)
    google.call("POST", "/revoke?token=" + refresh_token)
    fake_claude.reply(tool_use("calendar_list_events", {"max_results": 3}))
    fake_claude.reply(text("I could not reach your calendar."))

    alice.ask("What is on my calendar?")

    assert not [record for record in caplog.records if record.exc_info]
