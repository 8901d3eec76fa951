"""A grant Google no longer accepts (invalid_grant) sends the person back to Connect Google."""
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
