"""Forwarding: the person's note, then the original itself (its text or HTML and its files), never retyped."""
import base64
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest

from app.tools import invoke, review
from app.tools.mail_forward import FORWARD_LINE, forward_subject
from app.tools.registry import ToolError


def q3_mail(ctx) -> dict:
    return invoke("gmail_search", ctx, {"query": "from:alice subject:Q3 has:attachment", "limit": 1})["messages"][0]


def sent_message(ctx, message_id: str):
    raw = ctx.service("gmail").users().messages().get(userId="me", id=message_id, format="raw").execute()["raw"]
    return message_from_bytes(base64.urlsafe_b64decode(raw), policy=default)


def original_files(ctx, message_id: str) -> dict:
    return {part.get_filename(): part.get_payload(decode=True) for part in sent_message(ctx, message_id).iter_attachments()}


def test_a_forward_carries_the_original_and_its_files_under_the_note(ctx):
    original = q3_mail(ctx)

    sent = invoke("gmail_forward", ctx, {"message_id": original["id"], "to": ["dana@partner.example"], "note": "FYI, see page 2."})

    message = sent_message(ctx, sent["id"])
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Fwd: " + original["subject"] and message["To"] == "dana@partner.example"
    assert text.startswith("FYI, see page 2.") and FORWARD_LINE in text and f"From: {original['from']}" in text
    assert original_files(ctx, sent["id"]) == original_files(ctx, original["id"]) != {}
    assert sent["summary"] == f"Forwarded “{original['subject']}” to dana@partner.example."


def test_the_card_names_the_original_and_the_files_that_go_with_it(ctx):
    original = q3_mail(ctx)

    card = review("gmail_forward", ctx, {"message_id": original["id"], "to": ["dana@partner.example"]})

    assert card.effect == "outbound"
    assert card.preview["forwarding"] == {"subject": original["subject"], "from": original["from"]}
    assert [f["name"] for f in card.preview["attachments"]] == original["files"]


def test_an_html_email_is_forwarded_as_html_in_its_own_charset(ctx):
    mail = EmailMessage(policy=SMTP)
    mail["From"], mail["To"], mail["Subject"] = "Jürgen <juergen@lieferant.example>", "alex@acme.example", "Angebot"
    mail.set_content("<html><head><style>b{}</style></head><body><p>Preis: <b>4 200 €</b></p></body></html>",
                     subtype="html", charset="iso-8859-15")
    raw = base64.urlsafe_b64encode(mail.as_bytes()).decode()
    original = ctx.service("gmail").users().messages().insert(userId="me", body={"raw": raw, "labelIds": ["INBOX"]}).execute()

    sent = invoke("gmail_forward", ctx, {"message_id": original["id"], "to": ["bob@acme.example"], "attachments": False})

    message = sent_message(ctx, sent["id"])
    markup = message.get_body(("html",)).get_content()
    assert "<p>Preis: <b>4 200 €</b></p>" in markup and "<head>" not in markup
    assert "4 200 €" in message.get_body(("plain",)).get_content()


def test_files_stay_behind_when_the_person_says_so(ctx):
    sent = invoke("gmail_forward", ctx, {"message_id": q3_mail(ctx)["id"], "to": ["dana@partner.example"], "attachments": False})
    assert original_files(ctx, sent["id"]) == {}


def test_a_forward_needs_real_addresses(ctx):
    with pytest.raises(ToolError, match="'Dana' is not an email address"):
        review("gmail_forward", ctx, {"message_id": q3_mail(ctx)["id"], "to": ["Dana"]})


@pytest.mark.parametrize("subject, forwarded", [
    ("Fwd: FW: Angebot", "Fwd: Angebot"),
    ("Re: Angebot", "Fwd: Re: Angebot"),  # as Gmail does
    ("回复：会议", "Fwd: 回复：会议"),
    ("Report: Q3", "Fwd: Report: Q3"),
])
def test_a_forward_has_one_fwd_in_front_of_the_original_subject(subject, forwarded):
    assert forward_subject(subject) == forwarded
