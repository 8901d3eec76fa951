"""Every Gmail change the agent makes is visible in the mailbox afterwards."""
import base64
import random
import io
import os
from email import message_from_bytes
from email.policy import default

import pytest
from googleapiclient.http import MediaIoBaseUpload

from app.tools import gmail, invoke
from app.tools.context import Context
from app.tools.registry import ToolError
from tests.gmail_helpers import sandbox_message

READONLY = "https://www.googleapis.com/auth/gmail.readonly"


def find(ctx, query):
    return invoke("gmail_search", ctx, {"query": query})["messages"]


def test_sent_email_is_in_sent_and_searchable(ctx, sandbox):
    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Budget sign-off", "body": "Signed off, thanks."})

    assert "SENT" in sandbox_message(sandbox, sent["id"])["labelIds"]
    assert [m["id"] for m in find(ctx, "in:sent subject:(budget sign-off)")] == [sent["id"]]
    assert sent["summary"] == "Sent “Budget sign-off” to bob@acme.example."
    assert sent["link"].endswith("/_sandbox/open/thread/" + sent["thread"])


def test_bcc_recipients_are_kept_in_the_sent_copy_only(ctx, sandbox):
    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "bcc": ["dana.kim@acme.example"], "subject": "Heads-up", "body": "x"})
    assert sandbox_message(sandbox, sent["id"])["Bcc"] == "dana.kim@acme.example"


def test_draft_is_saved_not_sent(ctx, sandbox):
    draft = invoke("gmail_create_draft", ctx, {"to": ["amelie.dubois@client-fr.example"], "subject": "Planning détaillé", "body": "Bonjour Amélie"})

    saved = sandbox_message(sandbox, draft["id"])
    assert saved["labelIds"] == ["DRAFT"]
    assert saved["Subject"] == "Planning détaillé"
    assert find(ctx, "in:sent subject:détaillé") == []


def drafts_titled(sandbox, subject):
    return [m for m in sandbox.state()["gmail"]["messages"] if m["Subject"] == subject and "DRAFT" in m["labelIds"]]


def test_a_draft_google_saved_before_its_answer_was_lost_is_saved_once(ctx, sandbox):
    invoke("gmail_create_draft", ctx, {"to": ["bob@acme.example"], "subject": "Offsite menu", "body": "An older draft."})
    sandbox.fault("/drafts", status=503, method="POST", after=True)  # saved, but the answer was lost

    draft = invoke("gmail_create_draft", ctx, {"to": ["Bob <bob@acme.example>"], "cc": ["carol@partner.example"],
                                               "subject": "Offsite menu", "body": "Vegetarian options?"})

    saved = drafts_titled(sandbox, "Offsite menu")
    assert len(saved) == 2  # the older draft, and this one once
    assert draft["id"] in {m["id"] for m in saved} and draft["summary"].startswith("Saved a draft “Offsite menu”")
    assert "Vegetarian options?" in str(sandbox_message(sandbox, draft["id"]))


def test_a_draft_google_refused_is_not_taken_for_an_earlier_wording_of_it(ctx, sandbox):
    mail = {"to": ["bob@acme.example"], "subject": "Offsite menu"}
    invoke("gmail_create_draft", ctx, {**mail, "body": "First wording."})
    sandbox.fault("/drafts", status=503, method="POST")

    with pytest.raises(ToolError, match="Gmail is having trouble right now"):
        invoke("gmail_create_draft", ctx, {**mail, "body": "Second wording."})


def test_a_draft_google_refused_with_a_5xx_is_reported_not_saved(ctx, sandbox):
    sandbox.fault("/drafts", status=503, method="POST")

    with pytest.raises(ToolError, match="Gmail is having trouble right now"):
        invoke("gmail_create_draft", ctx, {"to": ["bob@acme.example"], "subject": "Offsite menu", "body": "Vegetarian options?"})

    assert drafts_titled(sandbox, "Offsite menu") == []


def test_modify_marks_read_archives_and_labels(ctx, sandbox):
    lunch = find(ctx, "subject:lunch is:unread")[0]

    result = invoke("gmail_modify", ctx, {"message_ids": [lunch["id"]], "read": True, "archive": True, "add_labels": ["Follow up", "starred"]})

    labels = sandbox_message(sandbox, lunch["id"])["labelIds"]
    assert "UNREAD" not in labels and "INBOX" not in labels
    assert "STARRED" in labels
    assert result["created_labels"] == ["Follow up"]
    assert result["summary"] == "Marked read, archived, labelled Follow up, starred (1 email(s))."
    assert [m["id"] for m in find(ctx, "label:follow-up")] == [lunch["id"]]


def test_a_label_comes_off_and_goes_on_the_whole_conversation_and_a_star_on_the_message_alone(ctx, sandbox):
    conversation = find(ctx, "label:finance subject:(q3 report)")
    latest = conversation[0]
    assert len(conversation) > 1 and {m["thread"] for m in conversation} == {latest["thread"]}

    invoke("gmail_modify", ctx, {"message_ids": [latest["id"]], "remove_labels": ["Finance"]})
    assert find(ctx, "label:finance subject:(q3 report)") == []

    invoke("gmail_modify", ctx, {"message_ids": [latest["id"]], "add_labels": ["Q3", "starred"]})
    whole = {m["id"] for m in find(ctx, "subject:(q3 report)") if m["thread"] == latest["thread"]}
    assert {m["id"] for m in find(ctx, "label:q3 subject:(q3 report)")} == whole
    assert [m["id"] for m in find(ctx, "is:starred subject:(q3 report)")] == [latest["id"]]


def test_modify_marks_unread_and_removes_a_label(ctx, sandbox):
    invoice = find(ctx, "subject:INV-2031")[0]
    invoke("gmail_modify", ctx, {"message_ids": [invoice["id"]], "read": False, "remove_labels": ["Finance"]})
    message = find(ctx, "subject:INV-2031")[0]
    assert message["unread"] is True
    assert "Finance" not in message.get("labels", [])


def test_a_label_made_in_a_run_shows_by_name_and_labels_are_listed_once(ctx, sandbox):
    invoice = find(ctx, "subject:INV-2031")[0]  # carries Finance: the run lists the labels here
    sandbox.clear_log()

    invoke("gmail_modify", ctx, {"message_ids": [invoice["id"]], "add_labels": ["Finance", "To pay"]})
    again = find(ctx, "subject:INV-2031")[0]

    assert {"Finance", "To pay"} <= set(again["labels"])
    assert not any(r["path"].endswith("/labels") and r["method"] == "GET" for r in sandbox.log())


def test_trash_moves_messages_out_of_search(ctx, sandbox):
    github = [m["id"] for m in find(ctx, "from:github")]
    result = invoke("gmail_trash", ctx, {"message_ids": github + ["0000000000000000"]})

    assert result["trashed"] == github
    assert result["not_found"] == ["0000000000000000"]
    assert "TRASH" in sandbox_message(sandbox, github[0])["labelIds"]
    assert find(ctx, "from:github") == []
    assert [m["id"] for m in find(ctx, "in:trash from:github")] == github


def test_deleting_an_email_moves_its_whole_conversation_to_trash_as_gmail_does(ctx, sandbox):
    report = find(ctx, "subject:(Q3 report) from:alex")[0]
    conversation = [m["id"] for m in find(ctx, "subject:(Q3 report)") if m["thread"] == report["thread"]]

    result = invoke("gmail_trash", ctx, {"message_ids": [report["id"]]})

    assert len(conversation) > 1 and sorted(result["trashed"]) == sorted(conversation)
    assert all("TRASH" in sandbox_message(sandbox, i)["labelIds"] for i in conversation)


def test_only_the_emails_given_go_to_trash_when_asked(ctx, sandbox):
    report = find(ctx, "subject:(Q3 report) from:alex")[0]

    result = invoke("gmail_trash", ctx, {"message_ids": [report["id"]], "only_these": True})

    assert result["trashed"] == [report["id"]]
    rest = [m for m in find(ctx, "subject:(Q3 report)") if m["thread"] == report["thread"]]
    assert rest and all("TRASH" not in sandbox_message(sandbox, m["id"])["labelIds"] for m in rest)


def test_attachment_is_saved_to_drive(ctx, sandbox):
    q3 = find(ctx, "subject:q3 filename:final")[0]
    attachment = invoke("gmail_read", ctx, {"message_id": q3["id"]})["messages"][0]["attachments"][0]

    saved = invoke("gmail_save_attachment", ctx, {"message_id": q3["id"], "attachment_id": attachment["id"], "folder": "Finance"})

    file = sandbox.state()["drive"]["files"][saved["file"]["id"]]
    assert file["name"] == "Q3-report-final.pdf"
    assert file["mimeType"] == "application/pdf"
    assert file["parents"] == ["1FinanceFolder"]
    assert saved["link"]


def test_drive_files_are_attached_with_their_type_and_name(ctx, sandbox):
    sent = invoke("gmail_send", ctx, {
        "to": ["bob@acme.example"], "subject": "Files", "body": "Both attached.",
        "attachments": [{"drive_file_id": "1Invoice2026031Pdf"}, {"drive_file_id": "1Q3PlanningNotesDoc"}],
    })

    read = invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]
    assert [(a["name"], a["type"]) for a in read["attachments"]] == [
        ("Invoice 2026-031.pdf", "application/pdf"),
        ("Q3 planning notes.pdf", "application/pdf"),
    ]


def test_a_large_drive_file_goes_out_whole_through_gmails_upload_endpoint(ctx, sandbox):
    data = os.urandom(8 * 2**20)  # far past what Google takes as a `raw` JSON field
    drive = ctx.service("drive")
    upload = MediaIoBaseUpload(io.BytesIO(data), mimetype="application/octet-stream")
    file = drive.files().create(body={"name": "site-photos.zip"}, media_body=upload, fields="id").execute()

    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Photos", "body": "All of them.",
                                      "attachments": [{"drive_file_id": file["id"]}]})

    parsed = message_from_bytes(sandbox_message_bytes(ctx, sent["id"]), policy=default)
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "site-photos.zip" and attachment.get_content() == data
    assert any(r["path"] == "/upload/gmail/v1/users/me/messages/send" for r in sandbox.http_requests())


def forward(ctx, sandbox, eml: bytes):
    """Send an .eml file from Drive as an attachment; the sent mail's attached part."""
    # Resumable: the client cannot build a multipart upload from 8-bit bytes.
    upload = MediaIoBaseUpload(io.BytesIO(eml), mimetype="message/rfc822", resumable=True)
    file = ctx.service("drive").files().create(body={"name": "meeting.eml"}, media_body=upload, fields="id").execute()
    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Fwd", "body": "See below.",
                                      "attachments": [{"drive_file_id": file["id"]}]})
    parsed = message_from_bytes(sandbox_message_bytes(ctx, sent["id"]), policy=default)
    return next(part for part in parsed.walk() if part.get_filename() == "meeting.eml")


def test_a_forwarded_mail_file_is_attached_as_a_message_not_base64(ctx, sandbox):
    attached = forward(ctx, sandbox, b"Subject: Meeting\r\nFrom: alice@acme.example\r\n\r\nSee you tomorrow.\r\n")

    assert attached.get_content_type() == "message/rfc822"
    assert attached["Content-Transfer-Encoding"] in ("7bit", "8bit")  # RFC 2046 allows no base64 here
    assert attached.get_payload(0)["Subject"] == "Meeting"


def test_a_forwarded_mail_in_raw_8_bit_text_is_attached_as_a_message_too(ctx, sandbox):
    eml = ("Subject: Café plans\r\nFrom: Zoë <zoe@acme.example>\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\nRendez-vous à 9 h — ça marche ?\r\n").encode()

    attached = forward(ctx, sandbox, eml)

    assert attached.get_content_type() == "message/rfc822"
    inner = attached.get_payload(0)
    assert (inner["Subject"], inner["From"]) == ("Café plans", "Zoë <zoe@acme.example>")
    assert inner.get_content() == "Rendez-vous à 9 h — ça marche ?\r\n"


def test_a_forwarded_mail_with_8_bit_text_of_no_charset_still_goes_as_a_file(ctx, sandbox):
    eml = "Subject: Notes\r\nContent-Type: text/plain\r\n\r\nNo charset é\r\n".encode()

    attached = forward(ctx, sandbox, eml)

    # As base64, byte for byte, where no charset says how to re-encode it (a parser reads the encoded
    # text as the body of a message with no headers).
    assert attached["Content-Transfer-Encoding"] == "base64"
    assert base64.b64decode(attached.get_payload(0).get_payload()) == eml


def test_a_draft_with_a_large_file_is_saved_whole(ctx, sandbox):
    drive = ctx.service("drive")
    upload = MediaIoBaseUpload(io.BytesIO(os.urandom(6 * 2**20)), mimetype="application/octet-stream")
    file = drive.files().create(body={"name": "scan.tiff"}, media_body=upload, fields="id").execute()

    draft = invoke("gmail_create_draft", ctx, {"to": ["bob@acme.example"], "subject": "Scan", "body": "Attached.",
                                               "attachments": [{"drive_file_id": file["id"]}]})

    read = invoke("gmail_read", ctx, {"message_id": draft["id"]})["messages"][0]
    assert read["attachments"][0]["size"] == 6 * 2**20


def test_an_email_over_gmails_size_limit_is_refused_before_sending(ctx, sandbox, monkeypatch):
    monkeypatch.setattr(gmail, "MAX_MESSAGE_BYTES", 10_000)  # stands in for 35 MB
    with pytest.raises(ToolError, match="Gmail takes up to 35 MB.*Drive links"):
        invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Big", "body": "x" * 20_000})
    assert not any("/messages/send" in r["path"] for r in sandbox.http_requests())


def sandbox_message_bytes(ctx, message_id: str) -> bytes:
    raw = ctx.service("gmail").users().messages().get(userId="me", id=message_id, format="raw").execute()["raw"]
    return base64.urlsafe_b64decode(raw)


@pytest.mark.parametrize("label", ["TRASH", "spam", "Draft", "SENT"])
def test_modify_refuses_folders_that_need_their_own_tool(ctx, sandbox, label):
    lunch = find(ctx, "subject:lunch")[0]
    with pytest.raises(ToolError, match="use gmail_trash to move mail to Trash"):
        invoke("gmail_modify", ctx, {"message_ids": [lunch["id"]], "add_labels": [label]})
    assert sandbox_message(sandbox, lunch["id"])["labelIds"] == ["INBOX", "UNREAD"]


def test_archive_and_read_apply_to_the_whole_conversation(ctx, sandbox):
    q3 = find(ctx, "subject:(q3 report) in:inbox")
    latest = q3[0]
    invoke("gmail_modify", ctx, {"message_ids": [latest["id"]], "archive": True, "read": True})

    assert find(ctx, "in:inbox subject:(q3 report)") == []
    assert find(ctx, "is:unread subject:(q3 report)") == []
    assert len(invoke("gmail_read", ctx, {"thread_id": latest["thread"]})["messages"]) == 3


def test_trash_without_permission_is_not_reported_as_not_found(sandbox):
    ctx = Context(credentials=sandbox.credentials([READONLY]), api_root=sandbox.url)
    lunch = find(ctx, "subject:lunch")[0]
    with pytest.raises(ToolError, match="refused|not granted"):
        invoke("gmail_trash", ctx, {"message_ids": [lunch["id"]]})


def test_attachment_is_saved_to_a_folder_given_by_id(ctx, sandbox):
    q3 = find(ctx, "subject:q3 filename:final")[0]
    saved = invoke("gmail_save_attachment", ctx, {"message_id": q3["id"], "attachment_id": "1", "folder": "1ArchiveFolder"})
    assert sandbox.state()["drive"]["files"][saved["file"]["id"]]["parents"] == ["1ArchiveFolder"]


def test_a_large_attachment_reaches_drive_whole_even_when_a_chunk_fails_on_the_way(ctx, sandbox, monkeypatch):
    monkeypatch.setattr(random, "random", lambda: 0.0)  # no backoff before the chunk is sent again
    data = os.urandom(9 * 2**20)
    upload = MediaIoBaseUpload(io.BytesIO(data), mimetype="application/zip")
    file = ctx.service("drive").files().create(body={"name": "site-photos.zip"}, media_body=upload, fields="id").execute()
    sent = invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Photos", "body": "All of them.",
                                      "attachments": [{"drive_file_id": file["id"]}]})
    attachment = invoke("gmail_read", ctx, {"message_id": sent["id"]})["messages"][0]["attachments"][0]
    sandbox.fault(path="/upload/drive/v3/files", method="PUT", status=503, count=1)

    saved = invoke("gmail_save_attachment", ctx, {"message_id": sent["id"], "attachment_id": attachment["id"]})

    stored = ctx.service("drive").files().get_media(fileId=saved["file"]["id"]).execute()
    assert stored == data
    chunks = [r["status"] for r in sandbox.http_requests() if r["method"] == "PUT"]
    assert chunks == [503, 308, 200]  # the refused chunk alone was sent again
