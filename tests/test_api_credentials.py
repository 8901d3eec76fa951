"""Each browser session acts with its own Google grant, never another session's."""
from app.scopes import GMAIL, REQUESTED
from tests.agent_script import tool_results
from tests.api_connect import connect
from tests.fake_claude import text, tool_use


def test_each_session_acts_with_its_own_grant(alice, charlie, google, fake_claude):
    connect(alice, google)  # every scope
    connect(charlie, google, scopes=[s for s in REQUESTED if s != GMAIL])  # no Gmail
    for _ in range(2):
        fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
        fake_claude.respond_with(lambda req: [text(tool_results(req)[0]["content"])])

    alices = alice.ask("What did Bob send?")
    charlies = charlie.ask("What did Bob send?")

    assert alices["actions"][0]["status"] == "done"
    assert charlies["actions"][0]["status"] == "failed"
    assert "Gmail access was not granted" in charlies["actions"][0]["error"]
