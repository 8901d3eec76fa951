"""Replies stay in their conversation, as in Gmail's own Reply button."""
from app.tools import invoke, review
from tests.gmail_helpers import sandbox_message


def q3_latest(ctx):
    return invoke("gmail_search", ctx, {"query": "subject:(Q3 report) from:alice", "limit": 1})["messages"][0]


def test_reply_lands_in_same_thread_with_reference_headers(ctx, sandbox):
    parent = q3_latest(ctx)
    original = sandbox_message(sandbox, parent["id"])

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": parent["id"], "body": "Tuesday at 10:00 works."})

    mine = sandbox_message(sandbox, sent["id"])
    assert sent["thread"] == parent["thread"] == mine["threadId"]
    assert mine["In-Reply-To"] == original["Message-ID"]
    assert mine["References"].split() == original["References"].split() + [original["Message-ID"]]
    thread = invoke("gmail_read", ctx, {"thread_id": parent["thread"]})["messages"]
    assert thread[-1]["id"] == sent["id"]


def test_reply_has_a_single_re_prefix(ctx, sandbox):
    parent = q3_latest(ctx)
    assert parent["subject"] == "Re: Q3 report"

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": parent["id"], "subject": "RE: Re: Q3 report", "body": "ok"})
    assert sandbox_message(sandbox, sent["id"])["Subject"] == "Re: Q3 report"


def test_reply_goes_to_the_sender_by_default(ctx, sandbox):
    sent = invoke("gmail_send", ctx, {"reply_to_message_id": q3_latest(ctx)["id"], "body": "Thanks!"})
    assert sandbox_message(sandbox, sent["id"])["To"] == "Alice Chen <alice@acme.example>"


def test_reply_honours_reply_to(ctx, sandbox):
    carol = invoke("gmail_search", ctx, {"query": "subject:renewal"})["messages"][0]
    sent = invoke("gmail_send", ctx, {"reply_to_message_id": carol["id"], "body": "A question on clause 4."})
    assert sandbox_message(sandbox, sent["id"])["To"] == "Partner Legal <legal@partner.example>"


def test_reply_to_own_message_goes_to_its_recipients(ctx, sandbox):
    mine = invoke("gmail_search", ctx, {"query": "in:sent subject:dinner"})["messages"][-1]
    sent = invoke("gmail_send", ctx, {"reply_to_message_id": mine["id"], "body": "Friday still on?"})
    assert sandbox_message(sandbox, sent["id"])["To"] == "Sam Rivera <sam.rivera@gmail.example>"


def test_reply_draft_waits_in_the_thread(ctx, sandbox):
    parent = q3_latest(ctx)
    draft = invoke("gmail_create_draft", ctx, {"reply_to_message_id": parent["id"], "body": "Draft answer"})

    saved = sandbox_message(sandbox, draft["id"])
    assert saved["threadId"] == parent["thread"]
    assert saved["labelIds"] == ["DRAFT"]
    assert saved["Subject"] == "Re: Q3 report"
    assert {"id": draft["draft_id"], "messageId": draft["id"]} in sandbox.state()["gmail"]["drafts"]


def test_reply_under_another_subject_still_lands_in_the_thread(ctx, sandbox):
    parent = q3_latest(ctx)

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": parent["id"], "subject": "Meeting time", "body": "Tuesday?"})

    assert sent["thread"] == parent["thread"]
    assert sandbox_message(sandbox, sent["id"])["Subject"] == "Re: Q3 report"


def test_reply_all_reaches_everyone_but_me_and_keeps_cc_as_cc(ctx, sandbox):
    sent = invoke("gmail_send", ctx, {"reply_to_message_id": q3_latest(ctx)["id"], "reply_all": True, "body": "Thanks both."})
    sent = sandbox_message(sandbox, sent["id"])
    assert (sent["To"], sent["Cc"]) == ("Alice Chen <alice@acme.example>", "Bob Stone <bob@acme.example>")


def test_reply_all_adding_someone_still_reaches_everyone_once(ctx, sandbox):
    sent = invoke("gmail_send", ctx, {"reply_to_message_id": q3_latest(ctx)["id"], "reply_all": True, "body": "Looping in Dana.",
                                      "to": ["dana@acme.example"], "cc": ["BOB@acme.example"]})
    sent = sandbox_message(sandbox, sent["id"])
    assert (sent["To"], sent["Cc"]) == ("dana@acme.example, Alice Chen <alice@acme.example>", "BOB@acme.example")


def test_a_draft_may_wait_without_recipients(ctx, sandbox):
    draft = invoke("gmail_create_draft", ctx, {"subject": "Ideas", "body": "to sort later"})
    assert draft["summary"] == "Saved a draft “Ideas” to no one yet."
    assert sandbox_message(sandbox, draft["id"])["labelIds"] == ["DRAFT"]


def test_a_draft_in_a_thread_reads_as_a_draft_not_as_sent_mail(ctx):
    parent = q3_latest(ctx)
    draft = invoke("gmail_create_draft", ctx, {"reply_to_message_id": parent["id"], "body": "Draft answer"})

    thread = invoke("gmail_read", ctx, {"thread_id": parent["thread"]})["messages"]

    assert [m["id"] for m in thread if m.get("draft")] == [draft["id"]]


def test_a_reply_in_other_scripts_goes_out_in_its_thread(ctx, sandbox):
    # A reply is a multipart upload (its thread id rides along): every byte of it must still arrive.
    original = invoke("gmail_search", ctx, {"query": "from:alice", "limit": 1})["messages"][0]

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": original["id"], "body": "À demain ✓ — 明日また"})

    assert sent["thread"] == original["thread"]
    assert invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]["body"]["text"] == "À demain ✓ — 明日また"


def test_reply_all_sends_no_blind_copy_to_someone_it_already_reaches(ctx):
    card = review("gmail_send", ctx, {"reply_to_message_id": q3_latest(ctx)["id"], "reply_all": True, "body": "Thanks.",
                                      "bcc": ["bob@acme.example", "carol@partner.example"]})
    assert card.args["bcc"] == ["carol@partner.example"]
