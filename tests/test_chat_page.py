"""GET /: the chat page's first load, before any JavaScript runs."""
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from app import connection, scopes

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:src|href)="/static/([^"]+)"')
JS_IMPORT = re.compile(r'from "\./([^"]+)"')


@pytest.fixture
def page(client, sandbox):
    return client.get("/")


def test_page_renders_the_chat(page):
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="task"' in html and "Send" in html and "New conversation" in html


def test_page_sets_the_csrf_cookie_the_api_needs(page):
    assert page.cookies["csrftoken"].value


def test_sandbox_header_says_it_is_not_a_real_google_account(page):
    html = page.content.decode()
    assert "Sandbox workspace — not a real Google account" in html
    assert "Connected as" in html and "Disconnect" in html


def test_missing_api_key_notice_says_what_to_set_and_where(client, sandbox, settings):
    settings.ANTHROPIC_API_KEY = ""
    html = client.get("/").content.decode()
    assert "No Claude API key" in html
    assert "ANTHROPIC_API_KEY" in html and ".env" in html


def test_no_api_key_notice_when_a_key_is_set(page):
    assert "No Claude API key" not in page.content.decode()


def test_unconnected_session_gets_a_connect_google_button(client, settings):
    settings.WORKSPACE_SANDBOX = False
    settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "id", "secret"
    html = client.get("/").content.decode()
    assert "Connect Google" in html and "Connected as" not in html
    assert "Sandbox workspace" not in html


def test_page_loads_nothing_inline_or_remote_so_the_csp_holds(page):
    html = page.content.decode()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\s(style|on[a-z]+)=", html)
    assert not re.search(r'(src|href)="(https?:)?//', html), "no CDN, no remote font"


def test_first_load_is_under_100_kb(page):
    total = len(page.content) + sum(len(body) for body in _assets(page.content.decode()).values())
    print(f"\nfirst load: {total} bytes in {1 + len(_assets(page.content.decode()))} responses")
    assert total < 100 * 1024, f"first load is {total} bytes"


def _assets(html: str) -> dict[str, bytes]:
    """Every static file the page loads, following the JavaScript modules' imports."""
    found, queue = {}, ASSET.findall(html)
    while queue:
        name = queue.pop()
        if name in found:
            continue
        found[name] = Path(finders.find(name)).read_bytes()
        if name.endswith(".js"):
            folder = name.rsplit("/", 1)[0]
            queue += [f"{folder}/{imported}" for imported in JS_IMPORT.findall(found[name].decode())]
    return found


def test_header_names_the_services_a_reduced_grant_leaves_out(client, sandbox):
    session = client.session
    connection.store(session, token="t", refresh_token="r", expiry=None, granted=[scopes.GMAIL, scopes.DRIVE],
                     email="alex@acme.example")
    session.save()
    html = client.get("/").content.decode()
    assert "Not granted: Calendar, Tasks, Contacts." in html
    assert "Grant access" in html
