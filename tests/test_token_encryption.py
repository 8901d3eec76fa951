"""Tokens at rest under a changed key: a rotated-in key keeps grants readable; a lost key asks to connect again."""
import pytest
from cryptography.fernet import Fernet

from app import connection
from tests.agent_script import tool_results
from tests.api_connect import connect
from tests.fake_claude import text, tool_use

pytestmark = pytest.mark.django_db


def test_a_grant_the_keys_no_longer_read_asks_to_connect_again_instead_of_showing_connected(alice, google, settings):
    settings.TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    connect(alice, google)
    settings.TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()  # replaced, the old key not kept after it

    page = alice.get("/").content.decode()
    answer = alice.post({"task": "What is on my calendar?"})

    assert "Connected as" not in page and 'id="connect-google"' in page
    assert "encryption key has changed" in page
    assert '<a href="https://myaccount.google.com/permissions"' in page
    assert answer.status_code == 401 and answer.json()["login_url"] == "/oauth2/login/"
    assert connection.GRANT not in alice.client.session


def test_setting_token_encryption_key_keeps_grants_kept_under_secret_key(alice, google, fake_claude, settings):
    connect(alice, google)  # encrypted with the key derived from SECRET_KEY
    settings.TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    fake_claude.reply(tool_use("calendar_list_events", {"max_results": 3}))
    fake_claude.respond_with(lambda req: [text(tool_results(req)[0]["content"])])

    assert connection.status(alice.client.session)["connected"] is True
    assert alice.ask("What is on my calendar?")["actions"][0]["status"] == "done"
    connect(alice, google)  # a grant stored now is encrypted with the new key
    sealed = alice.client.session[connection.GRANT]
    assert Fernet(settings.TOKEN_ENCRYPTION_KEY).decrypt(sealed.encode())
