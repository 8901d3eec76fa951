"""A server process killed while a send waits for approval: the next process
takes the approval and sends the mail exactly once."""
import http.cookiejar
import json
import urllib.request

from tests.agent_fixtures import sends
from tests.e2e.live_app import LiveApp
from tests.fake_claude import text, tool_use

MAIL = {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Tuesday at noon?"}


class Browser:
    """Cookies kept across server processes, as a browser keeps them across a restart."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def open_chat(self, app: LiveApp) -> None:
        self.opener.open(app.url + "/", timeout=30).close()

    def post(self, app: LiveApp, body: dict) -> dict:
        csrf = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        request = urllib.request.Request(app.url + "/get_response", data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "X-CSRFToken": csrf})
        with self.opener.open(request, timeout=60) as response:
            return json.loads(response.read())


def test_send_approved_after_the_server_was_killed_goes_out_once(sandbox, claude, tmp_path):
    database = tmp_path / "db.sqlite3"
    browser = Browser()
    before = LiveApp(database, sandbox.url, claude.url).start()
    try:
        browser.open_chat(before)
        claude.reply(tool_use("gmail_send", MAIL))
        paused = browser.post(before, {"task": "Ask Bob for lunch on Tuesday"})
        assert paused["status"] == "needs_approval"
    finally:
        before.process.kill()  # no shutdown: whatever it held in memory is gone
        before.process.wait(timeout=10)

    after = LiveApp(database, sandbox.url, claude.url).start()
    try:
        claude.reply(text("Sent."))
        body = browser.post(after, {"approve": [paused["actions"][0]["id"]]})
    finally:
        after.stop()

    assert body["status"] == "done" and body["reply"] == "Sent."
    assert [action["status"] for action in body["actions"]] == ["done"]
    assert sends(sandbox) == 1
