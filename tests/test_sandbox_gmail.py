"""The Gmail sandbox answers the real client library in Gmail's own shapes."""
import base64
import urllib.request

import pytest
from googleapiclient.errors import HttpError

from app.tools.context import Context
from tests.gmail_helpers import fill_mailbox, raw_in_charset, raw_message

READONLY = "https://www.googleapis.com/auth/gmail.readonly"


@pytest.fixture
def gmail(ctx):
    return ctx.service("gmail").users()


def ids(listing):
    return [m["id"] for m in listing.get("messages", [])]


def test_profile_names_the_account(gmail):
    profile = gmail.getProfile(userId="me").execute()
    assert profile["emailAddress"] == "alex@acme.example"
    assert profile["messagesTotal"] >= 25


def test_list_pages_through_results_newest_first(gmail):
    first = gmail.messages().list(userId="me", labelIds=["INBOX"], maxResults=5).execute()
    second = gmail.messages().list(userId="me", labelIds=["INBOX"], maxResults=5, pageToken=first["nextPageToken"]).execute()
    dates = [int(gmail.messages().get(userId="me", id=i, format="minimal").execute()["internalDate"]) for i in ids(first) + ids(second)]
    assert dates == sorted(dates, reverse=True)
    assert not set(ids(first)) & set(ids(second))
    assert first["resultSizeEstimate"] > 10


@pytest.mark.parametrize(
    "query, subjects",
    [
        ("from:alice has:attachment", ["Re: Q3 report", "Q3 report"]),
        ("is:unread label:clients", ["Réunion de lancement — prochaine étape", "見積書の送付について"]),
        ("filename:pdf -from:alice", ["Contract renewal 2025", "Invoice INV-2031 for May"]),
        ("in:spam", ["You won a prize!!!"]),
        ("prize", []),  # spam and trash stay out of plain searches
        ("to:sam in:sent", ["Dinner on Friday?"]),
        ('"lieferadresse für bestellung"', ["Änderung der Lieferadresse für Bestellung 4471"]),
        ("newer_than:1d subject:lunch", ["Lunch?"]),
        ("from:sam OR from:github", ["[acme/web] Pull request #212 merged", "Re: Dinner on Friday?"]),
        ("{from:sam from:github}", ["[acme/web] Pull request #212 merged", "Re: Dinner on Friday?"]),
        ("filename:pdf -{from:alice from:cloudhost}", ["Contract renewal 2025"]),  # neither of them
        ("subject:lunch OR subject:payslip is:unread", ["Lunch?"]),
    ],
)
def test_search_understands_gmail_query_syntax(gmail, query, subjects):
    found = ids(gmail.messages().list(userId="me", q=query).execute())
    got = [_subject(gmail.messages().get(userId="me", id=i, format="metadata", metadataHeaders=["Subject"]).execute()) for i in found]
    assert got == subjects


def _subject(message):
    return next(h["value"] for h in message["payload"]["headers"] if h["name"] == "Subject")


def test_metadata_format_returns_only_the_asked_headers(gmail):
    message_id = ids(gmail.messages().list(userId="me", q="subject:lunch").execute())[0]
    message = gmail.messages().get(userId="me", id=message_id, format="metadata", metadataHeaders=["From", "Subject"]).execute()
    assert [h["name"] for h in message["payload"]["headers"]] == ["From", "Subject"]
    assert "parts" not in message["payload"] and message["snippet"].startswith("Lunch at 12:30")


def test_full_format_has_parts_with_attachment_ids_and_inline_text(gmail):
    message_id = ids(gmail.messages().list(userId="me", q="subject:renewal").execute())[0]
    payload = gmail.messages().get(userId="me", id=message_id).execute()["payload"]
    text, pdf = payload["parts"]
    assert payload["mimeType"] == "multipart/mixed"
    assert "contract ends" in base64.urlsafe_b64decode(text["body"]["data"]).decode()
    assert (pdf["filename"], pdf["mimeType"]) == ("renewal-terms.pdf", "application/pdf")
    data = gmail.messages().attachments().get(userId="me", messageId=message_id, id=pdf["body"]["attachmentId"]).execute()
    assert base64.urlsafe_b64decode(data["data"]).startswith(b"%PDF-")
    assert data["size"] == pdf["body"]["size"]


def test_fields_parameter_trims_the_response(gmail):
    listing = gmail.messages().list(userId="me", q="subject:lunch", fields="messages(id)").execute()
    assert list(listing) == ["messages"] and list(listing["messages"][0]) == ["id"]


def test_send_assigns_message_id_and_honours_thread_id(gmail):
    thread_id = ids(gmail.messages().list(userId="me", q="subject:offsite").execute())[0]
    thread_id = gmail.messages().get(userId="me", id=thread_id, format="minimal").execute()["threadId"]
    sent = gmail.messages().send(userId="me", body={"raw": raw_message("Re: Offsite planning", sender="alex@acme.example"), "threadId": thread_id}).execute()
    assert sent["threadId"] == thread_id and sent["labelIds"] == ["SENT"]
    message = gmail.messages().get(userId="me", id=sent["id"], format="metadata", metadataHeaders=["Message-ID"]).execute()
    assert message["payload"]["headers"][0]["value"].endswith("@acme.example>")
    assert len(gmail.threads().get(userId="me", id=thread_id).execute()["messages"]) == 4


def test_modify_trash_untrash_and_batch_modify(gmail):
    message_id = ids(gmail.messages().list(userId="me", q="subject:lunch").execute())[0]
    changed = gmail.messages().modify(userId="me", id=message_id, body={"addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]}).execute()
    assert changed["labelIds"] == ["INBOX", "STARRED"]
    assert "TRASH" in gmail.messages().trash(userId="me", id=message_id).execute()["labelIds"]
    assert "TRASH" not in gmail.messages().untrash(userId="me", id=message_id).execute()["labelIds"]
    gmail.messages().batchModify(userId="me", body={"ids": [message_id], "removeLabelIds": ["INBOX"]}).execute()
    assert gmail.messages().get(userId="me", id=message_id, format="minimal").execute()["labelIds"] == ["STARRED"]


def test_unknown_label_is_rejected(gmail):
    message_id = ids(gmail.messages().list(userId="me", q="subject:lunch").execute())[0]
    with pytest.raises(HttpError) as caught:
        gmail.messages().modify(userId="me", id=message_id, body={"addLabelIds": ["Label_404"]}).execute()
    assert caught.value.status_code == 400


def test_permanent_delete_needs_full_mail_scope(gmail, sandbox):
    message_id = ids(gmail.messages().list(userId="me", q="subject:lunch").execute())[0]
    with pytest.raises(HttpError) as caught:
        gmail.messages().delete(userId="me", id=message_id).execute()
    assert caught.value.status_code == 403
    full = Context(credentials=sandbox.credentials(["https://mail.google.com/"]), api_root=sandbox.url).service("gmail").users()
    full.messages().delete(userId="me", id=message_id).execute()
    assert ids(gmail.messages().list(userId="me", q="subject:lunch").execute()) == []


def test_threads_list_get_modify_trash(gmail):
    threads = gmail.threads().list(userId="me", q="subject:q3").execute()["threads"]
    assert len(threads) == 1
    thread_id = threads[0]["id"]
    thread = gmail.threads().get(userId="me", id=thread_id, format="minimal").execute()
    assert len(thread["messages"]) == 3
    gmail.threads().modify(userId="me", id=thread_id, body={"addLabelIds": ["IMPORTANT"]}).execute()
    gmail.threads().trash(userId="me", id=thread_id).execute()
    labels = [m["labelIds"] for m in gmail.threads().get(userId="me", id=thread_id, format="minimal").execute()["messages"]]
    assert all("IMPORTANT" in l and "TRASH" in l for l in labels)
    assert gmail.threads().list(userId="me", q="subject:q3").execute().get("threads") is None


def test_draft_lifecycle_keeps_the_thread(gmail):
    thread_id = gmail.threads().list(userId="me", q="subject:offsite").execute()["threads"][0]["id"]
    draft = gmail.drafts().create(userId="me", body={"message": {"raw": raw_message("Re: Offsite planning"), "threadId": thread_id}}).execute()
    assert draft["message"]["threadId"] == thread_id
    updated = gmail.drafts().update(userId="me", id=draft["id"], body={"message": {"raw": raw_message("Re: Offsite planning", body="v2")}}).execute()
    assert updated["message"]["threadId"] == thread_id
    listed = gmail.drafts().list(userId="me").execute()["drafts"]
    assert [d["id"] for d in listed] == [draft["id"]]
    fetched = gmail.drafts().get(userId="me", id=draft["id"]).execute()
    assert base64.urlsafe_b64decode(fetched["message"]["payload"]["body"]["data"]).decode().strip() == "v2"
    sent = gmail.drafts().send(userId="me", body={"id": draft["id"]}).execute()
    assert sent["threadId"] == thread_id and sent["labelIds"] == ["SENT"]
    assert gmail.drafts().list(userId="me").execute().get("drafts") is None


def test_draft_delete(gmail):
    draft = gmail.drafts().create(userId="me", body={"message": {"raw": raw_message("Scratch")}}).execute()
    gmail.drafts().delete(userId="me", id=draft["id"]).execute()
    with pytest.raises(HttpError) as caught:
        gmail.drafts().get(userId="me", id=draft["id"]).execute()
    assert caught.value.status_code == 404


def test_labels_create_get_patch_delete(gmail):
    names = {l["name"] for l in gmail.labels().list(userId="me").execute()["labels"]}
    assert {"INBOX", "SENT", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "DRAFT", "SPAM", "Clients", "Finance"} <= names
    label = gmail.labels().create(userId="me", body={"name": "Receipts"}).execute()
    with pytest.raises(HttpError) as duplicate:
        gmail.labels().create(userId="me", body={"name": "receipts"}).execute()
    assert duplicate.value.status_code == 409
    message_id = ids(gmail.messages().list(userId="me", q="subject:lunch").execute())[0]
    gmail.messages().modify(userId="me", id=message_id, body={"addLabelIds": [label["id"]]}).execute()
    counted = gmail.labels().get(userId="me", id=label["id"]).execute()
    assert (counted["messagesTotal"], counted["messagesUnread"]) == (1, 1)
    assert gmail.labels().patch(userId="me", id=label["id"], body={"name": "Receipts 2026"}).execute()["name"] == "Receipts 2026"
    gmail.labels().delete(userId="me", id=label["id"]).execute()
    assert label["id"] not in gmail.messages().get(userId="me", id=message_id, format="minimal").execute()["labelIds"]


def test_readonly_scope_can_read_but_not_change(sandbox):
    gmail = Context(credentials=sandbox.credentials([READONLY]), api_root=sandbox.url).service("gmail").users()
    message_id = ids(gmail.messages().list(userId="me", q="subject:lunch").execute())[0]
    with pytest.raises(HttpError) as caught:
        gmail.messages().trash(userId="me", id=message_id).execute()
    assert caught.value.status_code == 403


def test_insert_accepts_many_messages_in_batches(ctx, gmail):
    inserted = fill_mailbox(ctx, 55, subject="Batch test")
    assert len(set(inserted)) == 55
    assert gmail.messages().list(userId="me", q="subject:(batch test)", maxResults=500).execute()["resultSizeEstimate"] == 55


def test_viewer_shows_a_thread(sandbox, gmail):
    thread_id = gmail.threads().list(userId="me", q="subject:q3").execute()["threads"][0]["id"]
    page = urllib.request.urlopen(f"{sandbox.url}/_sandbox/open/thread/{thread_id}").read().decode()
    assert "Q3-report-final.pdf" in page and "Alice Chen" in page


def send_error(gmail, raw) -> HttpError:
    with pytest.raises(HttpError) as caught:
        gmail.messages().send(userId="me", body={"raw": raw}).execute()
    return caught.value


def test_send_without_recipients_is_refused_as_gmail_does(gmail):
    error = send_error(gmail, raw_message("No one", to=None))
    assert (error.status_code, error.error_details[0]["message"]) == (400, "Recipient address required")


def test_send_to_a_bare_name_is_refused_as_gmail_does(gmail):
    error = send_error(gmail, raw_message("Hi", to="Alice"))
    assert (error.status_code, error.error_details[0]["message"]) == (400, "Invalid To header")


def test_refused_draft_send_keeps_the_draft(gmail):
    draft = gmail.drafts().create(userId="me", body={"message": {"raw": raw_message("Later", to=None)}}).execute()
    with pytest.raises(HttpError):
        gmail.drafts().send(userId="me", body={"id": draft["id"]}).execute()
    assert [d["id"] for d in gmail.drafts().list(userId="me").execute()["drafts"]] == [draft["id"]]


def test_sent_mail_is_from_the_account_whatever_the_from_header_says(gmail):
    sent = gmail.messages().send(userId="me", body={"raw": raw_message("Spoof", sender="CEO <ceo@bank.example>")}).execute()
    message = gmail.messages().get(userId="me", id=sent["id"], format="metadata", metadataHeaders=["From"]).execute()
    assert message["payload"]["headers"][0]["value"] == "Alex Martin <alex@acme.example>"


def test_thread_id_with_another_subject_starts_a_new_thread(gmail):
    thread_id = gmail.threads().list(userId="me", q="subject:offsite").execute()["threads"][0]["id"]
    other = gmail.messages().send(userId="me", body={"raw": raw_message("Budget numbers"), "threadId": thread_id}).execute()
    same = gmail.messages().send(userId="me", body={"raw": raw_message("RE: Fwd: offsite  planning"), "threadId": thread_id}).execute()
    assert other["threadId"] != thread_id
    assert same["threadId"] == thread_id


def test_search_by_category_counts_uncategorised_mail_as_primary(gmail):
    promo = gmail.messages().insert(userId="me", body={"raw": raw_message("Sale ends today"), "labelIds": ["INBOX", "CATEGORY_PROMOTIONS"]}).execute()
    promotions = ids(gmail.messages().list(userId="me", q="category:promotions").execute())
    primary = ids(gmail.messages().list(userId="me", q="category:primary", maxResults=500).execute())
    assert promotions == [promo["id"]]
    assert promo["id"] not in primary and len(primary) > 10


def test_snippet_is_html_escaped_like_gmails(gmail):
    sent = gmail.messages().send(userId="me", body={"raw": raw_message("Terms", body='Tom & Jerry\'s "deal" <draft>')}).execute()
    snippet = gmail.messages().get(userId="me", id=sent["id"], format="minimal").execute()["snippet"]
    assert snippet == "Tom &amp; Jerry&#39;s &quot;deal&quot; &lt;draft&gt;"


def test_unknown_charset_does_not_break_reading_or_search(gmail):
    inserted = gmail.messages().insert(userId="me", body={"raw": raw_in_charset("x-klingon", b"Qapla' plans"), "labelIds": ["INBOX"]}).execute()
    assert ids(gmail.messages().list(userId="me", q="qapla").execute()) == [inserted["id"]]
    assert gmail.messages().get(userId="me", id=inserted["id"], format="minimal").execute()["snippet"] == "Qapla&#39; plans"
