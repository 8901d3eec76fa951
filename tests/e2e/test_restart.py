"""A server process killed while a send waits for approval: the next process
takes the approval and sends the mail exactly once."""
from tests.agent_fixtures import sends
from tests.live_app import HttpPerson, LiveApp
from tests.fake_claude import text, tool_use

MAIL = {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Tuesday at noon?"}


def test_send_approved_after_the_server_was_killed_goes_out_once(sandbox, claude, tmp_path):
    database = tmp_path / "db.sqlite3"
    browser = HttpPerson()
    before = LiveApp(database, sandbox.url, claude.url).start()
    try:
        browser.open_chat(before.url)
        claude.reply(tool_use("gmail_send", MAIL))
        paused = browser.post(before.url, {"task": "Ask Bob for lunch on Tuesday"})
        assert paused["status"] == "needs_approval"
    finally:
        before.process.kill()  # no shutdown: whatever it held in memory is gone
        before.process.wait(timeout=10)

    after = LiveApp(database, sandbox.url, claude.url).start()
    try:
        claude.reply(text("Sent."))
        body = browser.post(after.url, {"approve": [paused["actions"][0]["id"]]})
    finally:
        after.stop()

    assert body["status"] == "done" and body["reply"] == "Sent."
    assert [action["status"] for action in body["actions"]] == ["done"]
    assert sends(sandbox) == 1
