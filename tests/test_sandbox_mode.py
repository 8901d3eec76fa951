"""With no Google client configured, every session is connected to the sandbox account."""
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from app import connection
from tests.agent_script import tool_results
from tests.api_connect import connect
from tests.fake_claude import text, tool_use

pytestmark = pytest.mark.django_db


def test_sandbox_mode_connects_a_new_session_without_consent(settings):
    settings.WORKSPACE_SANDBOX = True
    settings.GOOGLE_API_ENDPOINT = ""  # the app starts its own sandbox
    session = SessionStore()
    status = connection.status(session)
    assert status["connected"] is True and status["sandbox"] is True
    assert status["email"] == "alex@acme.example"
    assert connection.endpoints().api_root.startswith("http://127.0.0.1:")


def test_disconnecting_the_sandbox_account_sticks(sandbox, settings):
    browser = Client(HTTP_HOST="127.0.0.1:8000")
    browser.get("/oauth2/login/")  # any request gives the browser a session
    assert connection.status(browser.session)["connected"] is True
    browser.post("/oauth2/logout/")
    assert connection.status(browser.session)["connected"] is False


def test_no_google_client_and_no_sandbox_means_not_configured(settings):
    settings.WORKSPACE_SANDBOX = False
    settings.GOOGLE_CLIENT_ID = ""
    browser = Client(HTTP_HOST="127.0.0.1:8000")
    answer = browser.get("/oauth2/login/")
    assert answer.status_code == 503
    assert b"GOOGLE_CLIENT_ID" in answer.content


def test_a_google_grant_is_never_sent_to_the_sandbox(google, settings):
    session = SessionStore()
    grant = google.grant()
    connection.store(session, token=grant["access_token"], refresh_token=grant["refresh_token"], expiry=None,
                     granted=grant["scope"].split())
    settings.WORKSPACE_SANDBOX = True  # e.g. a terminal command on the sandbox naming this browser's session

    assert connection.context_for_session(session) is None
    assert connection.from_sandbox(session) is False  # the grant itself is kept for Google


def test_a_google_connection_on_a_server_now_running_the_sandbox_is_not_shown_as_connected(alice, google, settings):
    connect(alice, google)
    settings.WORKSPACE_SANDBOX = True  # the server restarted on the sandbox

    page = alice.get("/").content.decode()

    assert "Connected as" not in page and "which this server does not use: it runs the sandbox workspace" in page
    assert alice.post({"task": "What is on my calendar?"}).status_code == 401
    # Disconnect must not hand the Google token to the sandbox (which here plays Google too, so would end it).
    live = google.state()["oauth"]["refresh_tokens"]
    assert alice.client.post("/oauth2/logout/", HTTP_X_CSRFTOKEN=alice.csrf).status_code == 302
    assert google.state()["oauth"]["refresh_tokens"] == live


def test_a_session_the_restarted_sandbox_no_longer_knows_carries_on_with_a_fresh_grant(alice, sandbox, fake_claude,
                                                                                    caplog):
    before = connection.load_credentials(alice.client.session).refresh_token
    sandbox.reset("demo")  # as a restart does: the sandbox keeps its grants in memory only
    fake_claude.reply(tool_use("calendar_list_events", {"max_results": 3}))
    fake_claude.reply(text("Here is your week."))

    assert alice.ask("What is on my calendar?")["reply"] == "Here is your week."

    assert "Europe/Paris" in str(fake_claude.requests[0]["messages"])  # the time zone was read
    assert not tool_results(fake_claude.requests[1])[0].get("is_error")
    status = connection.status(alice.client.session)
    assert status["connected"] and status["notice"] is None
    assert connection.load_credentials(alice.client.session).refresh_token != before  # kept for the next task
    assert not [record for record in caplog.records if record.exc_info]
