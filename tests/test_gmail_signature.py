"""The Gmail signature: under every mail, as plain lines in text, never an empty "-- "; and whose
addresses are the person's own when replying."""
import base64
from email import message_from_bytes
from email.policy import default

import pytest

from app.tools import invoke, review
from app.tools.context import Context
from app.tools.mail_mime import signature_text

ACCOUNT = {"email": "alex@acme.example", "name": "Alex Martin", "timezone": "Europe/Paris"}


def workspace(sandbox, **gmail) -> Context:
    sandbox.reset({"account": ACCOUNT, "gmail": gmail})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


@pytest.mark.parametrize("markup, text", [
    ("<div>Alex Martin<br>Ops lead</div>", "Alex Martin\nOps lead"),
    ('<b>Alex</b> - Ops<br><a href="https://acme.example">Acme</a>', "Alex - Ops\nAcme https://acme.example"),
    ('<a href="mailto:alex@acme.example">alex@acme.example</a><img src="logo.png">', "alex@acme.example"),
])
def test_a_signature_reads_as_plain_lines_without_markdown(markup, text):
    assert signature_text(markup) == text


def test_an_emptied_signature_adds_nothing(sandbox):
    ctx = workspace(sandbox, signature="<div><br></div>")

    card = review("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello"})
    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello"})

    assert "signature" not in card.preview
    assert invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]["body"]["text"] == "Hello"


def test_a_shared_address_the_person_may_send_from_is_still_someone_to_reply_to(sandbox):
    ctx = workspace(sandbox, aliases=[{"sendAsEmail": "support@acme.example", "treatAsAlias": False}])
    mail = b"From: support@acme.example\r\nTo: alex@acme.example\r\nSubject: Ticket 42\r\n\r\nPlease check.\r\n"
    body = {"raw": base64.urlsafe_b64encode(mail).decode(), "labelIds": ["INBOX"]}
    message_id = ctx.service("gmail").users().messages().insert(userId="me", body=body).execute()["id"]

    card = review("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "Done."})

    assert card.args["to"] == ["support@acme.example"]


def test_mail_goes_out_from_the_default_address_whose_signature_it_carries_and_the_card_says_so(sandbox):
    ctx = workspace(sandbox, aliases=[{"sendAsEmail": "ops@acme.example", "displayName": "Acme Ops", "isDefault": True,
                                       "signature": "<div>Acme Ops team</div>"}])
    mail = {"to": ["bob@acme.example"], "subject": "Rota", "body": "Here it is."}

    card = review("gmail_send", ctx, mail)
    sent = invoke("gmail_send", ctx, mail)

    read = invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]
    assert card.preview["from"] == read["from"] == "Acme Ops <ops@acme.example>"
    assert read["body"]["text"].endswith("-- \nAcme Ops team")


SALES = {"sendAsEmail": "sales@acme.example", "displayName": "Acme Sales", "treatAsAlias": True, "signature": "<div>Acme Sales desk</div>"}


def delivered(ctx, mail: bytes) -> str:
    body = {"raw": base64.urlsafe_b64encode(mail).decode(), "labelIds": ["INBOX"]}
    return ctx.service("gmail").users().messages().insert(userId="me", body=body).execute()["id"]


def sent_message(ctx, sent: dict) -> dict:
    return invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]


def test_a_reply_goes_out_from_the_address_the_mail_was_sent_to_with_its_signature(sandbox):
    ctx = workspace(sandbox, signature="<div>Alex</div>", aliases=[SALES])
    message_id = delivered(ctx, b"From: Bob <bob@client.example>\r\nTo: sales@acme.example\r\nSubject: Quote\r\n\r\nPrices?\r\n")
    reply = {"reply_to_message_id": message_id, "body": "Attached."}

    card = review("gmail_send", ctx, reply)
    read = sent_message(ctx, invoke("gmail_send", ctx, reply))

    assert card.preview["from"] == read["from"] == "Acme Sales <sales@acme.example>"
    assert card.preview["signature"] == "Acme Sales desk"
    assert read["body"]["text"].startswith("Attached.\n\n-- \nAcme Sales desk\n\n")  # the quoted original follows


def test_a_follow_up_to_ones_own_mail_goes_out_from_the_address_it_was_sent_from(sandbox):
    ctx = workspace(sandbox, aliases=[SALES])
    offer = delivered(ctx, b"From: Acme Sales <sales@acme.example>\r\nTo: bob@client.example\r\nSubject: Offer\r\n\r\nOur offer.\r\n")

    card = review("gmail_send", ctx, {"reply_to_message_id": offer, "body": "Any news?"})

    assert card.preview["from"] == "Acme Sales <sales@acme.example>"
    assert card.args["to"] == ["bob@client.example"]


def test_a_forward_goes_out_from_the_address_the_original_was_sent_to(sandbox):
    ctx = workspace(sandbox, aliases=[SALES])
    message_id = delivered(ctx, b"From: bob@client.example\r\nTo: team@acme.example\r\nCc: sales@acme.example\r\n"
                                b"Subject: Order\r\n\r\nTen units.\r\n")
    forward = {"message_id": message_id, "to": ["carol@acme.example"], "note": "For you."}

    card = review("gmail_forward", ctx, forward)
    read = sent_message(ctx, invoke("gmail_forward", ctx, forward))

    assert card.preview["from"] == read["from"] == "Acme Sales <sales@acme.example>"


def test_an_address_gmail_has_not_verified_is_never_sent_from(sandbox):
    ctx = workspace(sandbox, aliases=[{**SALES, "verificationStatus": "pending"}])
    message_id = delivered(ctx, b"From: bob@client.example\r\nTo: sales@acme.example\r\nSubject: Quote\r\n\r\nPrices?\r\n")

    card = review("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "Attached."})

    assert card.preview["from"] == "Alex Martin <alex@acme.example>"


def test_the_text_part_of_an_html_mail_keeps_links_whole_and_only_the_signature_under_a_dash_line(sandbox):
    ctx = workspace(sandbox, signature="<div>Alex</div>")
    body = ('<p>See <a href="https://en.wikipedia.org/wiki/Foo_(bar)">Foo</a> and <a href="https://a.example/" title="A site">A</a>.</p>'
            "<p>--</p><p>More below the line.</p>")

    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Links", "body": body, "html": True})
    raw = ctx.service("gmail").users().messages().get(userId="me", id=sent["id"], format="raw").execute()["raw"]
    text = message_from_bytes(base64.urlsafe_b64decode(raw), policy=default).get_body(("plain",)).get_content()

    assert text.replace("\r\n", "\n") == ("See Foo https://en.wikipedia.org/wiki/Foo_(bar) and A https://a.example/.\n\n"
                                          "--\n\nMore below the line.\n\n-- \nAlex\n")
