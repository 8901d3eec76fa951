"""HTML mail and attachments: what recipients' mail programs and the model can read."""
import base64
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

from app.tools import invoke

HTML = "<h1>Q3 summary</h1><p>Revenue is <b>up 12%</b>. See <a href='https://acme.example/q3'>the dashboard</a>.</p>"


def q3_pdf(ctx):
    message = invoke("gmail_search", ctx, {"query": "subject:q3 filename:final"})["messages"][0]
    attachment = invoke("gmail_read", ctx, {"message_id": message["id"]})["messages"][0]["attachments"][0]
    return message["id"], attachment


def test_html_email_with_pdf_goes_out_as_alternative_plus_attachment(ctx):
    message_id, pdf = q3_pdf(ctx)
    sent = invoke("gmail_send", ctx, {
        "to": ["Bob Stone <bob@acme.example>"], "subject": "Q3 summary", "body": HTML, "html": True,
        "attachments": [{"message_id": message_id, "attachment_id": pdf["id"]}],
    })

    raw = ctx.service("gmail").users().messages().get(userId="me", id=sent["id"], format="raw").execute()["raw"]
    parsed = message_from_bytes(base64.urlsafe_b64decode(raw), policy=default)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert "up 12%" in alternative.get_body(("plain",)).get_content()
    assert "<b>" not in alternative.get_body(("plain",)).get_content()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Q3-report-final.pdf"
    assert attachment.get_content().startswith(b"%PDF-")


def test_read_shows_html_email_as_readable_text_with_its_attachment(ctx):
    message_id, pdf = q3_pdf(ctx)
    sent = invoke("gmail_send", ctx, {
        "to": ["bob@acme.example"], "subject": "Q3 summary", "body": HTML, "html": True,
        "attachments": [{"message_id": message_id, "attachment_id": pdf["id"]}],
    })

    read = invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]
    # Its text part, as plain lines: what a reader without HTML sees.
    assert read["body"]["text"].startswith("Q3 summary\n\nRevenue is up 12%. See the dashboard https://acme.example/q3.\n\n-- \nAlex Martin")
    assert read["attachments"] == [{"id": "1", "name": "Q3-report-final.pdf", "type": "application/pdf", "size": pdf["size"]}]


def test_html_only_email_is_read_without_tags_or_scripts(ctx):
    message = EmailMessage(policy=SMTP)
    message["From"], message["To"], message["Subject"] = "news@lattice.example", "alex@acme.example", "Only HTML"
    message.set_content("<p>Hello <i>there</i></p><script>alert(1)</script><img src=x onerror=alert(2)>", subtype="html")
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode()
    inserted = ctx.service("gmail").users().messages().insert(userId="me", body={"raw": raw, "labelIds": ["INBOX"]}).execute()

    text = invoke("gmail_read", ctx, {"message_id": inserted["id"]})["messages"][0]["body"]["text"]
    assert text == "Hello _there_"


def test_search_lists_attachment_names_without_downloading_bodies(ctx, sandbox):
    sandbox.clear_log()
    found = invoke("gmail_search", ctx, {"query": "has:attachment from:alice"})["messages"]
    assert [m["files"] for m in found] == [["Q3-report-final.pdf"], ["Q3-report-draft.pdf"]]
    assert not any("/attachments/" in entry["path"] for entry in sandbox.log())


def inserted(ctx, message: EmailMessage) -> str:
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode()
    return ctx.service("gmail").users().messages().insert(userId="me", body={"raw": raw, "labelIds": ["INBOX"]}).execute()["id"]


def scan(with_logo: bool = False) -> EmailMessage:
    """A scanner's mail: its PDF has no file name; an HTML body may show a logo by cid: (not a file)."""
    message = EmailMessage(policy=SMTP)
    message["From"], message["To"], message["Subject"] = "Scanner <scan@acme.example>", "alex@acme.example", "Scan"
    message.set_content("Scanned document attached")
    if with_logo:
        message.add_alternative('<p>Scanned document attached <img src="cid:logo"></p>', subtype="html")
        message.get_payload()[1].add_related(b"\x89PNG logo", maintype="image", subtype="png", cid="<logo>")
    message.add_attachment(b"%PDF-1.4 scanned", maintype="application", subtype="pdf")
    return message


def test_a_file_sent_without_a_name_is_listed_under_one_and_can_be_saved(ctx, sandbox):
    message_id = inserted(ctx, scan(with_logo=True))

    [pdf] = invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]["attachments"]
    assert pdf["name"].startswith("untitled-") and pdf["name"].endswith(".pdf") and pdf["type"] == "application/pdf"
    assert invoke("gmail_search", ctx, {"query": "subject:scan"})["messages"][0]["files"] == [pdf["name"]]

    saved = invoke("gmail_save_attachment", ctx, {"message_id": message_id, "attachment_id": pdf["id"]})
    assert [f["name"] for f in sandbox.state()["drive"]["files"].values() if f["name"] == pdf["name"]] == [pdf["name"]]
    assert saved["link"]


def test_an_email_attached_without_a_name_is_read_as_one(ctx):
    inner = EmailMessage(policy=SMTP)
    inner["From"], inner["Subject"] = "Robin <robin@partner.example>", "Offer"
    inner.set_content("Price: 4 200 EUR.")
    outer = EmailMessage(policy=SMTP)
    outer["From"], outer["To"], outer["Subject"] = "robin@partner.example", "alex@acme.example", "See attached"
    outer.set_content("See attached.")
    outer.add_attachment(inner)  # as many mail programs attach a message: no file name
    message_id = inserted(ctx, outer)

    [attached] = invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]["attachments"]
    text = invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attached["id"]})["text"]

    assert attached["name"].endswith(".eml")
    assert "Subject: Offer" in text and "Price: 4 200 EUR." in text
