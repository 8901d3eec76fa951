"""With no Google client configured, every session is connected to the sandbox account."""
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from app import connection

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
