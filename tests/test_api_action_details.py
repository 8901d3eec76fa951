"""What the API tells the page about each action: names for the ids it acts on,
worked out before approval, and the progress line, also after a reload."""
import pytest

from tests.agent_script import data
from tests.fake_claude import text, tool_use


def ask_to_trash_the_q3_report(alice, fake_claude) -> dict:
    fake_claude.reply(tool_use("gmail_search", {"query": "subject:(Q3 report)", "limit": 1}))
    fake_claude.respond_with(lambda req: [tool_use("gmail_trash", {"message_ids": [data(req)["messages"][0]["id"]]})])
    return alice.ask("Delete the Q3 report mail")


def test_trash_card_names_the_mail_not_its_id(alice, fake_claude, sandbox):
    body = ask_to_trash_the_q3_report(alice, fake_claude)

    trash = body["actions"][-1]
    assert trash["status"] == "pending"
    mails = trash["preview"]["messages"]  # the whole conversation, as Gmail's Delete takes it
    assert all("Q3 report" in mail["subject"] and "@acme.example" in mail["from"] for mail in mails) and len(mails) == 3


def test_preview_and_progress_lines_survive_a_reload(alice, fake_claude, sandbox):
    body = ask_to_trash_the_q3_report(alice, fake_claude)

    [run] = alice.get(f"/conversations/{body['conversation_id']}").json()["runs"]

    search, trash = run["actions"]
    assert search["line"] == "Searching Gmail for 'subject:(Q3 report)'"
    assert trash["preview"] == body["actions"][-1]["preview"]


def test_reply_card_shows_who_the_reply_really_goes_to(alice, fake_claude, sandbox):
    fake_claude.reply(tool_use("gmail_search", {"query": "subject:(Q3 report)", "limit": 1}))
    fake_claude.respond_with(lambda req: [tool_use("gmail_send", {"reply_to_message_id": data(req)["messages"][0]["id"],
                                                                  "body": "Looks good."})])

    send = alice.ask("Tell Alice the Q3 report looks good")["actions"][-1]

    assert send["input"]["to"]  # the recipients filled in from the original, as they will be sent
    assert "Q3 report" in send["preview"]["reply_to"]["subject"]


@pytest.mark.parametrize("ids", [None, 5], ids=["null", "number"])
def test_a_call_the_model_got_wrong_leaves_its_conversation_loadable(alice, fake_claude, sandbox, ids):
    fake_claude.reply(tool_use("gmail_modify", {"message_ids": ids, "read": True}))
    fake_claude.reply(text("Sorry, I could not do that."))

    body = alice.ask("Mark it read")

    assert body["actions"][0]["status"] == "failed" and body["actions"][0]["line"] == "gmail_modify"
    loaded = alice.get(f"/conversations/{body['conversation_id']}")
    assert loaded.status_code == 200 and loaded.json()["runs"][0]["reply"] == "Sorry, I could not do that."
