"""Connecting a Google account: the OAuth 2.0 web flow against the sandbox."""
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from app import connection

pytestmark = pytest.mark.django_db


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def consent(url: str) -> str:
    """What the person's browser does at Google's consent screen: returns where Google sends it back."""
    try:
        urllib.request.build_opener(NoRedirect).open(url)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302, redirect.read()
        return redirect.headers["Location"]
    raise AssertionError("the consent screen did not redirect")


def callback_path(location: str) -> str:
    parsed = urllib.parse.urlparse(location)
    return f"{parsed.path}?{parsed.query}"


def connect(browser: Client) -> dict:
    login = browser.get("/oauth2/login/")
    assert login.status_code == 302
    back = browser.get(callback_path(consent(login["Location"])))
    assert back.status_code == 302 and back["Location"] == "/"
    return connection.status(browser.session)


@pytest.fixture
def browser():
    return Client(HTTP_HOST="127.0.0.1:8000")


def test_login_asks_google_for_offline_access_with_pkce_and_state(google, browser):
    login = browser.get("/oauth2/login/")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(login["Location"]).query)
    assert login["Location"].startswith(google.url + "/o/oauth2/auth?")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"][0] == browser.session["oauth_state"]
    assert query["access_type"] == ["offline"]
    assert query["include_granted_scopes"] == ["true"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/oauth2callback/"]


def test_full_round_trip_connects_the_session(google, browser):
    status = connect(browser)
    assert status["connected"] is True
    assert status["missing_services"] == []
    assert google.state()["oauth"]["refresh_tokens"] == 1
    assert "oauth_state" not in browser.session and "oauth_code_verifier" not in browser.session


def test_code_exchange_fails_without_the_login_verifier(google, browser):
    login = browser.get("/oauth2/login/")
    location = consent(login["Location"])
    session = browser.session
    session["oauth_code_verifier"] = "x" * 64  # not the verifier whose challenge Google saw
    session.save()
    answer = browser.get(callback_path(location))
    assert answer.status_code == 400
    assert connection.load_credentials(browser.session) is None


def test_tampered_state_gets_400_and_stores_nothing(google, browser):
    login = browser.get("/oauth2/login/")
    location = consent(login["Location"]).replace("state=", "state=tampered")
    answer = browser.get(callback_path(location))
    assert answer.status_code == 400
    assert b"state does not match" in answer.content
    assert connection.load_credentials(browser.session) is None
    assert google.state()["oauth"]["refresh_tokens"] == 0


def test_declined_consent_explains_and_connects_nothing(google, browser):
    google.call("POST", "/_sandbox/consent", {"deny": True})
    login = browser.get("/oauth2/login/")
    answer = browser.get(callback_path(consent(login["Location"])))
    assert answer.status_code == 302
    status = connection.status(browser.session)
    assert status["connected"] is False
    assert "declined" in status["notice"]


def test_reduced_grant_names_the_services_that_will_not_work(google, browser):
    google.call("POST", "/_sandbox/consent", {"decline": ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/tasks"]})
    status = connect(browser)
    assert status["connected"] is True
    assert status["missing_services"] == ["drive", "docs", "sheets", "tasks"]


def test_logout_revokes_the_grant_at_google(google, browser):
    connect(browser)
    assert google.state()["oauth"]["refresh_tokens"] == 1
    answer = browser.post("/oauth2/logout/")
    assert answer.status_code == 302
    assert google.state()["oauth"]["refresh_tokens"] == 0
    assert connection.status(browser.session)["connected"] is False


def test_logout_ends_the_session_before_asking_google_to_revoke(google, browser, monkeypatch):
    """A browser that leaves while Google is asked (it can take seconds) must leave no live session."""
    connect(browser)
    sign_out, revoke, steps = connection.sign_out, connection.revoke_at_google, []
    monkeypatch.setattr(connection, "sign_out", lambda session: (steps.append("signed out"), sign_out(session))[1])
    monkeypatch.setattr(connection, "revoke_at_google", lambda token: (steps.append("revoked"), revoke(token))[1])

    browser.post("/oauth2/logout/")

    assert steps == ["signed out", "revoked"]
    assert google.state()["oauth"]["refresh_tokens"] == 0
    assert connection.status(browser.session)["connected"] is False


def test_logout_needs_a_post_with_csrf(google):
    strict = Client(HTTP_HOST="127.0.0.1:8000", enforce_csrf_checks=True)
    connect(strict)
    assert strict.get("/oauth2/logout/").status_code == 405
    assert strict.post("/oauth2/logout/").status_code == 403
    assert google.state()["oauth"]["refresh_tokens"] == 1


def test_session_table_never_holds_a_token_in_clear(google, browser):
    connect(browser)
    credentials = connection.load_credentials(browser.session)
    assert credentials.token and credentials.refresh_token
    for row in Session.objects.all():
        stored = row.session_data + str(row.get_decoded())
        assert credentials.token not in stored
        assert credentials.refresh_token not in stored
        assert "sandbox-client-secret" not in stored


def test_another_session_cannot_use_this_sessions_grant(google, browser):
    connect(browser)
    charlie = Client(HTTP_HOST="127.0.0.1:8000")
    charlie.get("/oauth2/login/")  # charlie has a session of his own
    assert connection.load_credentials(charlie.session) is None
    assert connection.status(charlie.session)["connected"] is False


def test_connecting_changes_the_session_id_but_keeps_the_conversations(google, browser):
    from app.models import Conversation

    browser.get("/oauth2/login/")
    before = browser.session.session_key
    Conversation.objects.create(session_key=before, title="Earlier task")
    connect(browser)
    after = browser.session.session_key
    assert after != before
    assert list(Conversation.objects.filter(session_key=after).values_list("title", flat=True)) == ["Earlier task"]


def test_disconnect_leaves_nothing_for_the_next_person_on_this_browser(google, browser):
    from app.models import Conversation

    connect(browser)
    Conversation.objects.create(session_key=browser.session.session_key, title="Person A's task")
    browser.post("/oauth2/logout/")
    connect(browser)  # someone else connects in the same browser
    assert not Conversation.objects.filter(session_key=browser.session.session_key).exists()


def test_oauth_secrets_stay_out_of_debug_logs(google, browser, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        connect(browser)
    credentials = connection.load_credentials(browser.session)
    for secret in (credentials.token, credentials.refresh_token, "sandbox-client-secret"):
        assert secret not in caplog.text


@pytest.mark.parametrize("google_fails", ["unreachable", "answers 503"])
def test_disconnect_google_does_not_hear_of_says_where_to_end_the_access(google, browser, settings, google_fails):
    connect(browser)
    if google_fails == "unreachable":
        settings.GOOGLE_REVOKE_URI = "http://127.0.0.1:9/revoke"  # a closed port
    else:
        google.fault("/revoke", status=503)

    browser.post("/oauth2/logout/")
    page = browser.get("/").content.decode()

    assert connection.status(browser.session)["connected"] is False
    assert "Google could not be told" in page
    assert '<a href="https://myaccount.google.com/permissions"' in page
    assert google.state()["oauth"]["refresh_tokens"] == 1  # still live at Google


def test_disconnect_of_access_google_already_ended_says_nothing_more(google, browser):
    connect(browser)
    google.call("POST", "/revoke?token=" + connection.load_credentials(browser.session).refresh_token)

    browser.post("/oauth2/logout/")

    assert connection.status(browser.session)["notice"] is None
