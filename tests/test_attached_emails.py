"""An email forwarded as an attachment (.eml) is read as one: headers, body as text, its own files."""
import base64
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

from app.tools import file_text, invoke


def offer(html: bool = False) -> EmailMessage:
    inner = EmailMessage(policy=SMTP)
    inner["From"], inner["To"] = "Jürgen Weiß <juergen@lieferant.example>", "robin@partner.example"
    inner["Subject"], inner["Date"] = "Angebot für Q4", "Mon, 02 Nov 2026 09:15:00 +0100"
    if html:
        inner.set_content("<p>Preis: <b>4 200 €</b> netto.</p>", subtype="html", charset="iso-8859-15")
    else:
        inner.set_content("Preis: 4 200 € netto.\nGültig bis Freitag.", charset="iso-8859-15")
    inner.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="Angebot.pdf")
    return inner


def forwarded(ctx, inner: EmailMessage) -> tuple[str, dict]:
    outer = EmailMessage(policy=SMTP)
    outer["From"], outer["To"], outer["Subject"] = "robin@partner.example", "alex@acme.example", "Fwd: Angebot"
    outer.set_content("See the supplier's offer attached.")
    outer.add_attachment(inner, filename="Angebot für Q4.eml")
    raw = base64.urlsafe_b64encode(outer.as_bytes()).decode()
    message_id = ctx.service("gmail").users().messages().insert(userId="me", body={"raw": raw, "labelIds": ["INBOX"]}).execute()["id"]
    read = invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]
    return message_id, read


def test_an_attached_email_is_listed_as_one_attachment_and_read_with_its_headers(ctx):
    message_id, read = forwarded(ctx, offer())

    [attachment] = read["attachments"]
    assert (attachment["name"], attachment["type"]) == ("Angebot für Q4.eml", file_text.EMAIL)
    assert read["body"]["text"] == "See the supplier's offer attached."

    text = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attachment["id"]})

    assert text["text"] == ("From: Jürgen Weiß <juergen@lieferant.example>\nTo: robin@partner.example\n"
                            "Date: Mon, 02 Nov 2026 09:15:00 +0100\nSubject: Angebot für Q4\n\n"
                            "Preis: 4 200 € netto.\nGültig bis Freitag.")
    assert text["attachments"] == ["Angebot.pdf"]


def test_an_attached_html_email_is_read_as_text(ctx):
    message_id, read = forwarded(ctx, offer(html=True))

    text = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": read["attachments"][0]["id"]})

    assert text["text"].endswith("Subject: Angebot für Q4\n\nPreis: **4 200 €** netto.")


def test_an_attached_email_can_be_saved_to_drive_whole(ctx):
    message_id, read = forwarded(ctx, offer())

    saved = invoke("gmail_save_attachment", ctx, {"message_id": message_id, "attachment_id": read["attachments"][0]["id"]})

    data = ctx.service("drive").files().get_media(fileId=saved["file"]["id"]).execute()
    assert message_from_bytes(data, policy=default)["Subject"] == "Angebot für Q4"
    assert invoke("drive_read", ctx, {"file": saved["file"]["id"]})["text"].startswith("From: Jürgen Weiß")


def test_an_attached_email_labelled_latin_1_is_read_as_windows_1252(ctx):
    inner = EmailMessage(policy=SMTP)
    inner["From"], inner["Subject"] = "juergen@lieferant.example", "Preis"
    inner.set_content("Preis: 4 200 € „netto“", cte="8bit")
    inner.replace_header("Content-Type", 'text/plain; charset="iso-8859-1"')  # as old mailers label Windows-1252
    inner.set_payload("Preis: 4 200 € „netto“".encode("cp1252"))
    message_id, read = forwarded(ctx, inner)

    text = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": read["attachments"][0]["id"]})["text"]

    assert text.endswith("Preis: 4 200 € „netto“")
