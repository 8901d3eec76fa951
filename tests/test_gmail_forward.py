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
    return {part.get_filename(): part.get_payload(decode=True) for part in sent_message(ctx, message_id).walk() if part.get_filename()}


def all_of(message, content_type: str) -> str:
    """Every part of that type, in order: the note's, then the original's."""
    return "".join(part.get_content() for part in message.walk() if part.get_content_type() == content_type)


def test_a_forward_carries_the_original_and_its_files_under_the_note(ctx):
    original = q3_mail(ctx)

    sent = invoke("gmail_forward", ctx, {"message_id": original["id"], "to": ["dana@partner.example"], "note": "FYI, see page 2."})

    message = sent_message(ctx, sent["id"])
    text = all_of(message, "text/plain")
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
    assert "<p>Preis: <b>4 200 €</b></p>" in all_of(message, "text/html")
    assert all(part.get_content_charset() in (None, "iso-8859-15", "utf-8") for part in message.walk())


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


def insert(ctx, message: EmailMessage | bytes) -> str:
    data = message if isinstance(message, bytes) else message.as_bytes()
    body = {"raw": base64.urlsafe_b64encode(data).decode(), "labelIds": ["INBOX"]}
    return ctx.service("gmail").users().messages().insert(userId="me", body=body).execute()["id"]


def newsletter() -> EmailMessage:
    """mixed > [alternative > [text, related > [html, logo]], pdf]: an inline logo and a file."""
    mail = EmailMessage(policy=SMTP)
    mail["From"], mail["To"], mail["Subject"] = "news@vendor.example", "alex@acme.example", "Price list"
    mail.set_content("Prices attached.")
    mail.add_alternative('<p>Prices attached.</p><img src="cid:logo1">', subtype="html")
    mail.get_payload()[1].add_related(b"\x89PNG fake", maintype="image", subtype="png", cid="<logo1>")
    mail.add_attachment(b"%PDF-1.4 prices", maintype="application", subtype="pdf", filename="prices.pdf")
    return mail


def test_inline_images_stay_with_the_html_even_when_files_stay_behind(ctx):
    sent = invoke("gmail_forward", ctx, {"message_id": insert(ctx, newsletter()), "to": ["bob@acme.example"], "attachments": False})

    message = sent_message(ctx, sent["id"])
    [logo] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert logo["Content-ID"] == "<logo1>" and 'src="cid:logo1"' in all_of(message, "text/html")
    assert original_files(ctx, sent["id"]) == {}


def test_files_nested_anywhere_are_forwarded_and_listed_on_the_card(ctx):
    inner = EmailMessage(policy=SMTP)
    inner.set_content("Two files.")
    for name in ("a.pdf", "b.pdf"):
        inner.add_attachment(name.encode(), maintype="application", subtype="pdf", filename=name)
    outer = newsletter()
    outer.attach(inner)  # a multipart/mixed inside the mixed one, as some programs send
    message_id = insert(ctx, outer)

    card = review("gmail_forward", ctx, {"message_id": message_id, "to": ["bob@acme.example"]})
    sent = invoke("gmail_forward", ctx, {"message_id": message_id, "to": ["bob@acme.example"]})

    assert [f["name"] for f in card.preview["attachments"]] == ["prices.pdf", "a.pdf", "b.pdf"]
    assert original_files(ctx, sent["id"]) == {"prices.pdf": b"%PDF-1.4 prices", "a.pdf": b"a.pdf", "b.pdf": b"b.pdf"}


def test_a_scan_that_is_only_a_file_is_forwarded_with_it(ctx):
    scan = (b"From: scanner@acme.example\r\nTo: alex@acme.example\r\nSubject: Scan\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: application/pdf; name=\"scan.pdf\"\r\nContent-Disposition: attachment; filename=\"scan.pdf\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(b"%PDF-1.4 scan"))

    sent = invoke("gmail_forward", ctx, {"message_id": insert(ctx, scan), "to": ["bob@acme.example"]})

    assert original_files(ctx, sent["id"]) == {"scan.pdf": b"%PDF-1.4 scan"}


def test_an_original_sent_in_eight_bits_is_forwarded_intact(ctx):
    raw = ("From: Zoë <zoe@partner.example>\r\nTo: alex@acme.example\r\nSubject: Café\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nRéunion à 10 h — ok ✅\r\n").encode()

    sent = invoke("gmail_forward", ctx, {"message_id": insert(ctx, raw), "to": ["bob@acme.example"], "note": "Voilà"})

    text = all_of(sent_message(ctx, sent["id"]), "text/plain")
    assert text.startswith("Voilà") and "Réunion à 10 h — ok ✅" in text


def test_a_forward_too_large_to_send_is_refused_before_approval(ctx, monkeypatch):
    from app.tools import gmail
    monkeypatch.setattr(gmail, "MAX_MESSAGE_BYTES", 1000)

    with pytest.raises(ToolError, match="attachments: false"):
        review("gmail_forward", ctx, {"message_id": q3_mail(ctx)["id"], "to": ["dana@partner.example"]})


def test_a_file_sent_without_a_name_is_on_the_card_and_stays_behind_when_files_do(ctx):
    scan = EmailMessage(policy=SMTP)
    scan["From"], scan["To"], scan["Subject"] = "scanner@acme.example", "alex@acme.example", "Scan"
    scan.set_content("Scanned document attached")
    scan.make_mixed()
    pdf = EmailMessage(policy=SMTP)
    pdf.set_content(b"%PDF-1.4 scan", maintype="application", subtype="pdf")
    del pdf["Content-Disposition"]  # a scanner's part: neither a name nor a disposition
    scan.attach(pdf)
    message_id = insert(ctx, scan)

    card = review("gmail_forward", ctx, {"message_id": message_id, "to": ["bob@acme.example"]})
    without = invoke("gmail_forward", ctx, {"message_id": message_id, "to": ["bob@acme.example"], "attachments": False})

    assert [f["type"] for f in card.preview["attachments"]] == ["application/pdf"]
    assert "application/pdf" not in [part.get_content_type() for part in sent_message(ctx, without["id"]).walk()]


def test_an_invitations_calendar_part_is_not_a_file_and_goes_with_the_forward(ctx):
    invite = EmailMessage(policy=SMTP)
    invite["From"], invite["To"], invite["Subject"] = "maria@globex.example", "alex@acme.example", "Invitation: Kickoff"
    invite.set_content("You are invited to Kickoff.")
    invite.add_alternative("BEGIN:VCALENDAR\nMETHOD:REQUEST\nEND:VCALENDAR\n", subtype="calendar")
    message_id = insert(ctx, invite)

    card = review("gmail_forward", ctx, {"message_id": message_id, "to": ["bob@acme.example"], "attachments": False})
    sent = invoke("gmail_forward", ctx, {"message_id": message_id, "to": ["bob@acme.example"], "attachments": False})

    assert "attachments" not in card.preview
    assert "text/calendar" in [part.get_content_type() for part in sent_message(ctx, sent["id"]).walk()]
