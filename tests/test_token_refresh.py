"""Keeping a connection alive: refresh before expiry and after a 401; reconnect on invalid_grant."""
from datetime import datetime, timedelta, timezone

import pytest
from django.contrib.sessions.backends.db import SessionStore

from app import connection
from app.tools.registry import ReconnectRequired
from tests.fake_claude import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(google):
    """A saved session holding a sandbox grant, as after the OAuth callback."""
    grant = google.grant()
    store = SessionStore()
    connection.store(
        store,
        token=grant["access_token"],
        refresh_token=grant["refresh_token"],
        expiry=datetime.now(timezone.utc) + timedelta(hours=1),
        granted=grant["scope"].split(),
    )
    store.save()
    return store


def read_timezone(ctx) -> str:
    service = ctx.service("calendar")
    return service.settings().get(setting="timezone").execute()["value"]


def stored_token(session) -> str:
    return connection.load_credentials(SessionStore(session_key=session.session_key)).token


def test_expired_access_token_is_refreshed_before_the_call_and_saved(google, session):
    connection.store(session, token="stale", refresh_token=connection.load_credentials(session).refresh_token,
                     expiry=datetime.now(timezone.utc) - timedelta(minutes=1), granted=connection.load_credentials(session).scopes)
    session.save()
    ctx = connection.context_for_session(session)
    google.clear_log()
    assert read_timezone(ctx) == "Europe/Paris"
    # No request was wasted on the stale token: refresh first, then one API call.
    assert [entry["status"] for entry in google.log()] == [200]
    assert connection.save_refreshed(session.session_key, ctx.credentials) is True
    assert stored_token(session) == ctx.credentials.token != "stale"


def test_token_google_rejects_with_401_is_refreshed_and_the_call_retried(google, session):
    ctx = connection.context_for_session(session)
    before = ctx.credentials.token
    google.call("POST", "/_sandbox/tokens/expire")  # Google-side expiry the client cannot know about
    google.clear_log()
    assert read_timezone(ctx) == "Europe/Paris"
    assert [entry["status"] for entry in google.log()] == [401, 200]
    assert connection.save_refreshed(session.session_key, ctx.credentials) is True
    assert stored_token(session) not in (before, None)


def test_revoked_refresh_token_asks_the_person_to_reconnect(google, session):
    from app.tools import invoke

    credentials = connection.load_credentials(session)
    google.call("POST", "/revoke?token=" + credentials.refresh_token)
    ctx = connection.context_for_session(session)
    with pytest.raises(ReconnectRequired) as caught:
        invoke("calendar_list_events", ctx, {})
    assert "Reconnect Google" in str(caught.value)


def test_unchanged_token_is_not_written_back(google, session):
    ctx = connection.context_for_session(session)
    assert connection.save_refreshed(session.session_key, ctx.credentials) is False


def test_a_token_refreshed_while_a_task_is_prepared_is_saved(alice, fake_claude, sandbox):
    session = alice.client.session
    grant = connection.load_credentials(session)
    connection.store(session, token="stale", refresh_token=grant.refresh_token,
                     expiry=datetime.now(timezone.utc) - timedelta(minutes=1), granted=list(grant.scopes),
                     email=session[connection.PROFILE]["email"])
    session.save()
    fake_claude.reply(text("Nothing is on tomorrow."))  # no tool call: only the time-zone read uses the grant

    assert alice.ask("What is on tomorrow?")["status"] == "done"
    assert stored_token(session) not in ("stale", grant.token)
