"""PDFs and attachments read as text: what the model gets from gmail_read_attachment and drive_read."""
import base64
import io
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from googleapiclient.http import MediaIoBaseUpload
from pypdf import PdfReader, PdfWriter

from app.tools import invoke
from app.tools.registry import ToolError
from tests.agent_script import data, tool_results
from tests.fake_claude import text, tool_use

INVOICE = "1Invoice2026031Pdf"  # a one-page PDF in the demo Drive


def drive_pdf(ctx, data: bytes, name: str = "report.pdf") -> str:
    upload = MediaIoBaseUpload(io.BytesIO(data), mimetype="application/pdf")
    return ctx.service("drive").files().create(body={"name": name}, media_body=upload, fields="id").execute()["id"]


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def invoice_pages(ctx, copies: int) -> bytes:
    """The demo invoice's page, `copies` times over: a long PDF with text on every page."""
    data = ctx.service("drive").files().get_media(fileId=INVOICE).execute()
    writer = PdfWriter()
    for _ in range(copies):
        writer.append(PdfReader(io.BytesIO(data)))
    return pdf_bytes(writer)


def mail_with(ctx, filename: str, data: bytes, maintype: str, subtype: str) -> tuple[str, str]:
    message = EmailMessage(policy=SMTP)
    message["From"], message["To"], message["Subject"] = "robin@partner.example", "alex@acme.example", "Files"
    message.set_content("See attached.")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode()
    inserted = ctx.service("gmail").users().messages().insert(userId="me", body={"raw": raw, "labelIds": ["INBOX"]}).execute()
    attachment = invoke("gmail_read", ctx, {"message_id": inserted["id"]})["messages"][0]["attachments"][0]
    return inserted["id"], attachment["id"]


def test_a_pdf_in_drive_is_read_as_its_text(ctx):
    invoice = invoke("drive_read", ctx, {"file": INVOICE})
    assert invoice["type"] == "pdf" and invoice["pages"] == 1
    assert invoice["text"] == "Invoice 2026-031\nAcme Corp - Cloud hosting, September 2026\nTotal due: EUR 4,200.00"


def test_the_pdf_alice_attached_is_read_from_her_email(ctx):
    found = invoke("gmail_search", ctx, {"query": "from:alice subject:Q3 has:attachment", "limit": 1})["messages"][0]
    attachment = invoke("gmail_read", ctx, {"message_id": found["id"]})["messages"][0]["attachments"][0]

    report = invoke("gmail_read_attachment", ctx, {"message_id": found["id"], "attachment_id": attachment["id"]})

    assert (report["name"], report["type"], report["text"]) == ("Q3-report-final.pdf", "application/pdf", "Q3 report - final")


def test_a_pdf_labelled_as_any_file_is_still_read_as_a_pdf(ctx):
    data = ctx.service("drive").files().get_media(fileId=INVOICE).execute()
    message_id, attachment_id = mail_with(ctx, "invoice.pdf", data, "application", "octet-stream")

    invoice = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attachment_id})

    assert invoice["type"] == "application/pdf" and "Total due: EUR 4,200.00" in invoice["text"]


def test_text_and_html_attachments_are_read_as_text(ctx):
    notes = "Réunion: budget validé ✅\nNext: 東京".encode()
    message_id, attachment_id = mail_with(ctx, "notes.txt", notes, "text", "plain")
    assert invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attachment_id})["text"] == notes.decode()

    page = b"<html><body><h1>Agenda</h1><p>Budget <b>approved</b></p></body></html>"
    message_id, attachment_id = mail_with(ctx, "agenda.html", page, "text", "html")
    text = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attachment_id})["text"]
    assert "# Agenda" in text and "**approved**" in text and "<p>" not in text


def test_an_image_attachment_is_not_dumped_as_text(ctx):
    message_id, attachment_id = mail_with(ctx, "photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image", "png")
    photo = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attachment_id})
    assert "text" not in photo and "cannot be read here" in photo["note"]


def test_a_long_pdf_is_read_only_as_far_as_asked(ctx):
    long = invoke("drive_read", ctx, {"file": drive_pdf(ctx, invoice_pages(ctx, 120)), "max_chars": 1000})
    assert len(long["text"]) == 1000 and long["truncated"] is True
    assert long["pages"] == 120 and long["pages_read"] < 20


def test_a_pdf_with_no_text_says_so(ctx):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)  # as a scan reads: no text layer
    scan = invoke("drive_read", ctx, {"file": drive_pdf(ctx, pdf_bytes(writer), "scan.pdf")})
    assert scan["text"] == "" and "holds no text" in scan["note"]


def test_a_password_protected_pdf_says_why_it_cannot_be_read(ctx):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(invoice_pages(ctx, 1))))
    writer.encrypt("secret")
    with pytest.raises(ToolError, match="protected by a password"):
        invoke("drive_read", ctx, {"file": drive_pdf(ctx, pdf_bytes(writer), "locked.pdf")})


def test_a_damaged_pdf_gives_a_clear_error(ctx):
    with pytest.raises(ToolError, match="damaged.pdf could not be read as a PDF"):
        invoke("drive_read", ctx, {"file": drive_pdf(ctx, b"%PDF-1.4\n1 0 obj << /Type /Catalog", "damaged.pdf")})


def test_claude_reads_the_report_alice_attached_as_workspace_data(alice, fake_claude, sandbox):
    def first(request):
        return data(request)["messages"][0]

    fake_claude.reply(tool_use("gmail_search", {"query": "from:alice subject:Q3 has:attachment", "limit": 1}))
    fake_claude.respond_with(lambda request: [tool_use("gmail_read", {"message_id": first(request)["id"]})])
    fake_claude.respond_with(lambda request: [tool_use("gmail_read_attachment", {
        "message_id": first(request)["id"], "attachment_id": first(request)["attachments"][0]["id"]})])
    fake_claude.respond_with(lambda request: [text(f"The report reads: {data(request)['text']}")])

    answer = alice.ask("What does the Q3 report Alice sent me say?")

    assert answer["status"] == "done" and answer["reply"] == "The report reads: Q3 report - final"
    assert tool_results(fake_claude.requests[-1])[0]["content"].startswith('{"untrusted_data"')
