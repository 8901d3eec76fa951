"""Gmail tools: search, read, send, forward, draft (and send a draft), label, trash, save attachments to Drive.

Reads go through one list call per 500 ids and one batch per 50 messages,
never a request per message. The batch asks for format=full trimmed by
`fields` to headers and file names: format=metadata would be as small but
cannot name attachments, and search results list them.
"""
import functools
import html
import io
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from typing import Annotated
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload
from pydantic import BaseModel, Field

from app import google_api
from app.tools import file_text, mail_forward, mail_quote
from app.tools import mail_mime as mime
from app.tools.context import Context
from app.tools.drive import acts_on, folder_id, outbound_if_folder_shared, preview_folder
from app.tools.registry import TEXT_LIMIT, ToolError, clip, tool
from app.tools.timezone import user_timezone

LIST_PAGE = 500  # Gmail's largest page of ids
MAX_MESSAGE_BYTES = 36_700_160  # the upload endpoint's limit (35 MB), attachments and encoding included
RESUMABLE_ABOVE = 5 * 2**20  # attachments saved to Drive go up in resumable chunks past this size
UPLOAD_CHUNK = 8 * 2**20  # a multiple of 256 KB, as Drive requires
# Headers and file names only: a full message without body data costs a fraction of it.
# The parts' types and attachment ids too: they tell a file the sender gave no name from a body.
PART = "filename,mimeType,partId,body/attachmentId"
SUMMARY_FIELDS = f"id,threadId,labelIds,snippet,internalDate,payload(headers,{PART},parts({PART},parts({PART},parts({PART}))))"
SYSTEM_LABELS = {"INBOX", "SENT", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "DRAFT", "SPAM"}
HIDDEN_LABELS = {"UNREAD", "CATEGORY_PERSONAL", "CATEGORY_UPDATES", "CATEGORY_PROMOTIONS", "CATEGORY_SOCIAL", "CATEGORY_FORUMS"}
GOOGLE_APPS = "application/vnd.google-apps."
FOLDER_LABELS = {"TRASH", "SPAM", "DRAFT", "SENT"}  # where mail is, not a tag: trashing must ask for approval


class AttachmentRef(BaseModel):
    drive_file_id: str | None = None
    message_id: str | None = None
    attachment_id: str | None = None


def _outgoing(
    ctx: Context,
    body: str,
    to: Annotated[list[str], Field(description="'Name <addr>' or addr; replies default to the sender")] = [],
    cc: list[str] = [],
    bcc: list[str] = [],
    subject: str = "",
    html: Annotated[bool, Field(description="body is HTML")] = False,
    attachments: Annotated[list[AttachmentRef], Field(description="drive_file_id, or message_id+attachment_id")] = [],
    reply_to_message_id: str | None = None,
    reply_all: bool = False,
):
    """The inputs gmail_send and gmail_create_draft share (one schema, written once)."""


shares_outgoing_inputs = functools.wraps(_outgoing, assigned=("__annotations__",), updated=())


# --- search and read -------------------------------------------------------------
@tool("read", progress="Searching Gmail for {query!r}")
def gmail_search(
    ctx: Context,
    query: Annotated[str, Field(description="Gmail syntax, e.g. from:alice has:attachment newer_than:7d")] = "",
    limit: Annotated[int, Field(ge=1, le=500)] = 20,
) -> dict:
    """Find emails, newest first: sender, subject, date, snippet, labels, file names, ids."""
    gmail = ctx.service("gmail")
    messages = gmail.users().messages()  # built once: each resource object costs a discovery-document walk
    refs = _list_ids(messages, query, limit)
    fetched = google_api.execute_batch(
        gmail, [messages.get(userId="me", id=r["id"], format="full", fields=SUMMARY_FIELDS) for r in refs]
    )
    _raise_first_failure(fetched, ignore_404=True)  # 404: deleted since the list
    found = [m for m in fetched if isinstance(m, dict)]
    names = _label_names(ctx, gmail, found)
    tz = user_timezone(ctx)
    return {"messages": [_summary(ctx, m, names, tz) for m in found], "tz": tz}


def _list_ids(messages, query: str, limit: int) -> list[dict]:
    return google_api.listing(lambda token, size: messages.list(
        userId="me", q=query, maxResults=min(size, LIST_PAGE), pageToken=token
    ), "messages", limit)[0]


def _summary(ctx: Context, message: dict, names: dict, tz: str) -> dict:
    head = mime.headers(message["payload"])
    labels = message.get("labelIds", [])
    item = {
        "id": message["id"],
        "thread": message["threadId"],
        "from": head.get("from", ""),
        "to": head.get("to", ""),
        "subject": head.get("subject", ""),
        "date": _local_time(message["internalDate"], tz),
        "snippet": html.unescape(message.get("snippet", "")),  # Gmail sends snippets HTML-escaped
        "unread": "UNREAD" in labels,
        "labels": [names.get(l, l) for l in labels if l not in HIDDEN_LABELS],
        "files": [part["filename"] for part in mime.file_parts(message["payload"])],
        "link": _thread_link(ctx, message["threadId"]),
    }
    return {key: value for key, value in item.items() if value not in ("", [], False)}


@tool("read", progress="Reading an email")
def gmail_read(ctx: Context, message_id: str | None = None, thread_id: str | None = None) -> dict:
    """Read one email, or a whole thread: headers, body as text, attachments (id, name, type, size)."""
    if bool(message_id) == bool(thread_id):
        raise ToolError("Give either message_id or thread_id.")
    gmail = ctx.service("gmail").users()
    if thread_id:
        messages = google_api.execute(gmail.threads().get(userId="me", id=thread_id, format="full"))["messages"]
    else:
        messages = [google_api.execute(gmail.messages().get(userId="me", id=message_id, format="full"))]
    tz = user_timezone(ctx)
    share = max(1000, TEXT_LIMIT // len(messages))  # a long thread shares the text budget
    thread = messages[0]["threadId"]
    return {"thread": thread, "link": _thread_link(ctx, thread), "tz": tz, "messages": [_full(m, tz, share) for m in messages]}


@tool("read", progress="Reading an attachment")
def gmail_read_attachment(
    ctx: Context, message_id: str, attachment_id: str, max_chars: Annotated[int, Field(ge=200, le=30000)] = 8000
) -> dict:
    """Read the text of an email attachment: PDF, Word, Excel, PowerPoint (.docx .xlsx .pptx), text, CSV, HTML, an attached email (.eml) (ids from gmail_read)."""
    gmail = ctx.service("gmail")
    part = _mail_part(gmail, message_id, attachment_id)
    kind = file_text.file_type(part.get("mimeType", ""), part["filename"])
    head = {"name": part["filename"], "type": kind}
    if not file_text.readable(kind):
        return {**head, "note": "Not a text, PDF or Office file; it cannot be read here. It can be saved to Drive or forwarded."}
    if part.get("body", {}).get("size", 0) > file_text.MAX_BYTES:
        return {**head, "note": "Too large to read here; it can be saved to Drive or forwarded."}
    data = _part_data(gmail, message_id, part)
    return {**head, **file_text.text_of(data, kind, max_chars, charset=mime.declared_charset(part))}


def _full(message: dict, tz: str, text_limit: int) -> dict:
    payload = message["payload"]
    head = mime.headers(payload)
    item = {
        "id": message["id"],
        **{name: head.get(name, "") for name in ("from", "to", "cc", "reply-to", "subject")},
        "date": _local_time(message["internalDate"], tz),
        "unread": "UNREAD" in message.get("labelIds", []),
        "draft": "DRAFT" in message.get("labelIds", []),  # not sent: the model must not say it was
        "body": clip(mime.body_text(payload), text_limit),
        "attachments": mime.attachments(payload),
    }
    return {key: value for key, value in item.items() if value not in ("", [], False)}


# --- send and draft ----------------------------------------------------------------
NEWEST_DRAFTS = 10  # the drafts looked at, before a save and after its answer was lost


def _prepare_outgoing(needs_recipient: bool):
    """Who a reply goes to and under which subject, settled before approval.

    The original's sender chooses its Reply-To, so the person must see where
    a reply really goes; the approved call then sends to exactly these.
    """

    def prepare(ctx: Context, args: dict) -> tuple[dict, dict]:
        gmail = ctx.service("gmail")
        args, preview, from_headers, parent = dict(args), {}, [], None
        if args["reply_to_message_id"]:
            parent = _parent(gmail, args["reply_to_message_id"])
            args, from_headers = _reply_addressing(ctx, gmail, parent, args)
            args["subject"] = parent.subject
            preview["reply_to"] = {"subject": parent.head.get("subject", ""), "from": parent.head.get("from", "")}
            # The original follows the reply, quoted: the card names it by its attribution line.
            preview["quoted"] = mail_quote.attribution(parent.head, user_timezone(ctx))
        _check_recipients(args, needs_recipient, from_headers)
        _show_sender(_identity(ctx, gmail, parent and parent.head), preview)
        if args["attachments"]:
            preview["attachments"] = [_attachment_label(ctx, gmail, AttachmentRef(**ref)) for ref in args["attachments"]]
            # Too large is said now, not after the person approved it. Files go out in base64 lines of 76
            # characters and a line break for every 57 bytes; an HTML body goes twice (text and HTML).
            body = len(args["body"].encode()) * (2 if args["html"] else 1)
            _check_size(sum((file["size"] + 56) // 57 * 78 for file in preview["attachments"]) + body)
        return args, preview

    return prepare


@tool("outbound", prepare=_prepare_outgoing(needs_recipient=True), progress="Sending an email")
@shares_outgoing_inputs
def gmail_send(ctx: Context, **message) -> dict:
    """Send an email (a reply stays in its thread). Attach Drive files or files of other emails."""
    gmail = ctx.service("gmail")
    raw, thread, subject, recipients = _compose(ctx, gmail, message, needs_recipient=True)
    sent = google_api.execute_once(gmail.users().messages().send(userId="me", body=thread or None, media_body=_upload(raw)))
    return {
        "id": sent["id"],
        "thread": sent["threadId"],
        "link": _thread_link(ctx, sent["threadId"]),
        "summary": f"Sent “{subject}” to {', '.join(recipients)}.",
    }


@tool("write", prepare=_prepare_outgoing(needs_recipient=False), progress="Saving a draft")
@shares_outgoing_inputs
def gmail_create_draft(ctx: Context, **message) -> dict:
    """Save an email as a draft without sending it (same inputs as gmail_send)."""
    gmail = ctx.service("gmail")
    raw, thread, subject, recipients = _compose(ctx, gmail, message, needs_recipient=False)
    body = {"message": thread} if thread else None
    create = gmail.users().drafts().create(userId="me", body=body, media_body=_upload(raw))
    before = {draft["id"] for draft in _newest_drafts(gmail)}
    draft = google_api.execute_once_or_find(create, lambda: _just_saved(gmail, before, subject, recipients, thread.get("threadId")))
    saved = draft["message"]
    return {
        "draft_id": draft["id"],
        "id": saved["id"],
        "thread": saved["threadId"],
        "link": _thread_link(ctx, saved["threadId"]),
        "summary": f"Saved a draft “{subject}” to {', '.join(recipients) or 'no one yet'}.",
    }


def _newest_drafts(gmail) -> list[dict]:
    return google_api.execute(gmail.users().drafts().list(userId="me", maxResults=NEWEST_DRAFTS)).get("drafts", [])


def _just_saved(gmail, before: set[str], subject: str, recipients: list[str], thread_id: str | None) -> dict | None:
    """The draft Google saved though its answer was lost: among the newest, one that was not there
    before the save, with this subject, these recipients and thread. Saving again would leave two;
    an older draft of the same mail (another wording) is never taken for it."""
    listed = [draft for draft in _newest_drafts(gmail) if draft["id"] not in before]
    heads = google_api.execute_batch(gmail, [gmail.users().messages().get(
        userId="me", id=draft["message"]["id"], format="metadata", metadataHeaders=["Subject", "To", "Cc", "Bcc"]) for draft in listed])
    wanted = {address.lower() for entry in recipients for address in mime.emails(entry)}
    for draft, message in zip(listed, heads):
        if isinstance(message, HttpError):
            continue
        head = mime.headers(message["payload"])
        found = {address.lower() for key in ("to", "cc", "bcc") for address in mime.emails(head.get(key, ""))}
        if head.get("subject", "") == subject and found == wanted and message["threadId"] == (thread_id or message["threadId"]):
            return {**draft, "message": message}
    return None


def _show_forward(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names what goes out besides the note: the original, by subject and sender, and its files.
    One too large to send is refused now, not after the person approved it."""
    forwarded, raw, identity = _forward_of(ctx, ctx.service("gmail"), args)
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ToolError(f"Forwarded with its files, the email would be {len(raw) / 2**20:.0f} MB; Gmail sends up to "
                        "35 MB. Forward it without them (attachments: false) and share them from Drive.")
    preview = {"forwarding": forwarded.original, "subject": forwarded.subject}
    if forwarded.files:
        preview["attachments"] = forwarded.files
    _show_sender(identity, preview)
    return args, preview


def _forward_of(ctx: Context, gmail, args: dict) -> tuple[mail_forward.Forward, bytes, dict]:
    """The forward of the original, the email that sends it, and the send-as address it goes out from."""
    _check_recipients(args, needs_recipient=True)
    original = google_api.execute(gmail.users().messages().get(userId="me", id=args["message_id"], format="raw"))["raw"]
    raw = mime.unb64url(original)
    identity = _identity(ctx, gmail, mime.raw_headers(raw))
    forwarded = mail_forward.forward(raw, args["note"], args["attachments"], _signature(identity))
    out = mail_forward.message(forwarded, args["to"], args["cc"], args["bcc"], _sender(identity))
    return forwarded, out.as_bytes(), identity


@tool("outbound", prepare=_show_forward, progress="Forwarding an email")
def gmail_forward(
    ctx: Context,
    message_id: str,
    to: list[str],
    cc: list[str] = [],
    bcc: list[str] = [],
    note: Annotated[str, Field(description="your words above it")] = "",
    attachments: Annotated[bool, Field(description="forward its files too")] = True,
) -> dict:
    """Forward an email as Gmail does: your note, then the original with its files."""
    args = {"message_id": message_id, "to": to, "cc": cc, "bcc": bcc, "note": note, "attachments": attachments}
    gmail = ctx.service("gmail")
    forwarded, raw, _ = _forward_of(ctx, gmail, args)
    sent = google_api.execute_once(gmail.users().messages().send(userId="me", media_body=_upload(raw)))
    return {
        "id": sent["id"],
        "thread": sent["threadId"],
        "link": _thread_link(ctx, sent["threadId"]),
        "summary": f"Forwarded “{forwarded.original['subject']}” to {', '.join(to + cc + bcc)}.",
    }


def _show_draft(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card shows the draft as it stands in Gmail now (the person may have edited it there), and
    the send is bound to that version: a draft changed after approval is not sent."""
    draft = _draft(ctx.service("gmail"), args["draft_id"])
    payload, head = draft["message"]["payload"], mime.headers(draft["message"]["payload"])
    preview = {key: head.get(key, "") for key in ("from", "to", "cc", "bcc", "subject")}
    markup = mime.html_source(payload)
    # An HTML draft is shown as its source, as gmail_send's card shows HTML: images and links included.
    preview.update(body=markup or mime.body_text(payload), html=bool(markup),
                   attachments=[{"name": f["name"], "type": f["type"]} for f in mime.attachments(payload)])
    if not (preview["to"] or preview["cc"] or preview["bcc"]):
        raise ToolError("This draft has no recipients yet: say who it is for, then save it again.")
    return {**args, "draft_id": draft["id"], "version": draft["message"]["id"]}, preview


def _draft(gmail, draft_or_message_id: str) -> dict:
    """A draft by its id, or by the id of its message (what searching Gmail finds)."""
    drafts = gmail.users().drafts()
    try:
        return google_api.execute(drafts.get(userId="me", id=draft_or_message_id, format="full"))
    except HttpError as error:
        if error.status_code not in (400, 404):
            raise
    listed, _ = google_api.listing(lambda token, size: drafts.list(
        userId="me", maxResults=min(size, LIST_PAGE), pageToken=token, fields="nextPageToken,drafts(id,message/id)"), "drafts", 100_000)
    found = next((d for d in listed if d["message"]["id"] == draft_or_message_id), None)
    if found is None:
        raise ToolError("No draft has that id: it may have been sent or deleted already. Search with in:drafts "
                        "for the drafts there are.")
    return google_api.execute(drafts.get(userId="me", id=found["id"], format="full"))


@tool("outbound", prepare=_show_draft, progress="Sending a draft")
def gmail_send_draft(
    ctx: Context,
    draft_id: Annotated[str, Field(description="a draft's id, or its message id")],
    version: Annotated[str | None, Field(description="set on approval; leave out")] = None,
) -> dict:
    """Send a saved draft as it stands in Gmail, the person's own edits included."""
    gmail = ctx.service("gmail")
    draft = _draft(gmail, draft_id)
    if version and draft["message"]["id"] != version:
        raise ToolError("The draft changed after it was approved; it was not sent. Ask again to see it as it is now.")
    sent = google_api.execute_once(gmail.users().drafts().send(userId="me", body={"id": draft["id"]}))
    head = mime.headers(draft["message"]["payload"])
    recipients = ", ".join(filter(None, (head.get("to"), head.get("cc"), head.get("bcc"))))
    return {
        "id": sent["id"],
        "thread": sent["threadId"],
        "link": _thread_link(ctx, sent["threadId"]),
        "summary": f"Sent the draft “{head.get('subject', '')}” to {recipients}.",
    }


def _upload(raw: bytes) -> MediaIoBaseUpload:
    """The message as a media upload: a `raw` field in JSON fails once attachments pass a few MB,
    while Gmail's upload endpoint takes messages up to 35 MB."""
    _check_size(len(raw))
    return MediaIoBaseUpload(io.BytesIO(raw), mimetype="message/rfc822")


def _check_size(size: int) -> None:
    if size > MAX_MESSAGE_BYTES:
        raise ToolError(f"The email with its attachments is {size / 2**20:.0f} MB; Gmail takes up to 35 MB. "
                        "Share large files as Drive links instead.")


def _compose(ctx: Context, gmail, args: dict, needs_recipient: bool) -> tuple[bytes, dict, str, list[str]]:
    """The raw message, its thread (for replies), subject and recipients."""
    parent = _parent(gmail, args["reply_to_message_id"]) if args["reply_to_message_id"] else None
    if parent:  # reviewed beforehand, this changes nothing; a direct call has its recipients worked out now
        args = _reply_addressing(ctx, gmail, parent, args)[0]
    _check_recipients(args, needs_recipient)
    identity = _identity(ctx, gmail, parent and parent.head)
    # The text part is put together from its parts, not derived from the HTML: the signature's "-- "
    # line must be the only one mail programs take for a signature.
    text = mime.plain_text(args["body"]).rstrip("\n") if args["html"] else args["body"]
    text = mime.with_signature(text, False, _signature(identity))
    body = mime.with_signature(args["body"], True, _signature(identity)) if args["html"] else text
    if parent:
        quote = _quote(ctx, parent)
        text = mail_quote.under_text(text, quote)
        body = mail_quote.under_html(body, quote) if args["html"] else text
    message = mime.build_message(
        to=args["to"],
        cc=args["cc"],
        bcc=args["bcc"],
        # Gmail keeps a reply in its thread only under the thread's subject.
        subject=parent.subject if parent else args["subject"],
        body=body,
        text=text,
        sender=_sender(identity),
        html=args["html"],
        files=[_fetch_file(ctx, gmail, AttachmentRef(**ref)) for ref in args["attachments"]],
        reply=parent and parent.reply,
    )
    thread = {"threadId": parent.thread_id} if parent else {}
    return message.as_bytes(), thread, str(message["Subject"]), args["to"] + args["cc"] + args["bcc"]


def _check_recipients(args: dict, needs_recipient: bool, from_headers: list[str] = ()) -> None:
    everyone = args["to"] + args["cc"] + args["bcc"]
    if needs_recipient and not everyone:
        raise ToolError("Say who the email is for (to).")
    wrong = mime.not_an_address(everyone)
    if wrong is not None:
        if wrong in from_headers:  # the original's sender wrote it: data, never part of the message
            raise ToolError("The original's sender is not an email address (it follows); say whom to reply to.",
                            found={"recipient": wrong})
        raise ToolError(f"'{wrong}' is not an email address — use contacts_search to find it.")


@dataclass
class Parent:
    """The message a reply answers."""

    thread_id: str
    head: dict  # lower-cased header names
    reply: mime.ReplyTo
    payload: dict  # format=full, for the quote

    @property
    def subject(self) -> str:
        return mime.reply_subject(self.head.get("subject", ""))


def _parent(gmail, message_id: str) -> Parent:
    parent = google_api.execute(gmail.users().messages().get(userId="me", id=message_id, format="full", fields="threadId,payload"))
    head = mime.headers(parent["payload"])
    return Parent(parent["threadId"], head, mime.ReplyTo(head.get("message-id", ""), head.get("references", "")), parent["payload"])


def _quote(ctx: Context, parent: Parent) -> mail_quote.Quote:
    return mail_quote.quote_of(parent.payload, parent.head, user_timezone(ctx))


def _reply_addressing(ctx: Context, gmail, parent: "Parent", args: dict) -> tuple[dict, list[str]]:
    """A reply's To and Cc: those the model gave, and for a reply naming no one, or a reply-all, those
    the original names, as Gmail would (its Cc stays Cc); and which came from the original's headers."""
    if args["to"] and not args["reply_all"]:
        return args, []
    to, cc = _reply_recipients(ctx, gmail, parent.head, args["reply_all"])
    merged_to = _unique(args["to"] + to)
    merged_cc = _unique(args["cc"] + cc, besides=merged_to)
    bcc = _unique(args["bcc"], besides=merged_to + merged_cc)  # no one gets the reply twice
    return {**args, "to": merged_to, "cc": merged_cc, "bcc": bcc}, to + cc


def _reply_recipients(ctx: Context, gmail, head: dict, reply_all: bool) -> tuple[list[str], list[str]]:
    """To: Reply-To, else the sender (answering one's own message: its recipients); for reply-all, also
    the original's other recipients, its Cc as Cc. Never me."""
    me = _my_addresses(ctx, gmail)
    mine = any(a.lower() in me for a in mime.emails(head.get("from", "")))
    first = head.get("to", "") if mine else head.get("reply-to") or head.get("from", "")
    to = mime.mailboxes(first) + (mime.mailboxes(head.get("to", "")) if reply_all else [])
    cc = mime.mailboxes(head.get("cc", "")) if reply_all else []
    to = _unique(to, besides=sorted(me))
    if not to and not cc and mine:  # a note to self: Gmail answers it to oneself
        to = mime.mailboxes(first)[:1]
    return to, _unique(cc, besides=[*sorted(me), *to])


def _unique(mailboxes: list[str], besides: list[str] = ()) -> list[str]:
    """Each address once (the first way it was written), and none of those `besides`."""
    def address(mailbox: str) -> str:
        return (mime.emails(mailbox) or [mailbox])[0].lower()

    taken, out = {address(m) for m in besides}, []
    for mailbox in mailboxes:
        if address(mailbox) not in taken:
            taken.add(address(mailbox))
            out.append(mailbox)
    return out


def _send_as(ctx: Context, gmail) -> list[dict]:
    """The addresses the person sends from: their own and their aliases, each with its signature."""
    if "send_as" not in ctx.cache:
        ctx.cache["send_as"] = google_api.execute(gmail.users().settings().sendAs().list(userId="me")).get("sendAs", [])
    return ctx.cache["send_as"]


def _my_addresses(ctx: Context, gmail) -> set[str]:
    """The person's own addresses, so that a reply never goes to them under an alias. A shared address
    they may send from (support@, not treated as an alias) is someone else, as Gmail's reply has it."""
    return {entry["sendAsEmail"].lower() for entry in _send_as(ctx, gmail)
            if entry.get("isPrimary") or (entry.get("treatAsAlias") and entry.get("verificationStatus") != "pending")}


def _identity(ctx: Context, gmail, original: dict | None = None) -> dict:
    """The send-as address mail goes out from, with its signature ({} when Gmail names none).

    Answering or forwarding mail (`original`: its lower-cased headers), it is the person's own
    address that mail came from or was sent to, as Gmail replies by default ("reply from the
    same address the message was sent to"); otherwise their default address.
    """
    usable = [e for e in _send_as(ctx, gmail) if e.get("verificationStatus") != "pending"]
    if original:
        by_address = {e["sendAsEmail"].lower(): e for e in usable}
        for field in ("from", "to", "cc"):
            for address in mime.emails(original.get(field, "")):
                if address.lower() in by_address:
                    return by_address[address.lower()]
    return next((e for e in usable if e.get("isDefault")), {})


def _show_sender(identity: dict, preview: dict) -> None:
    """The card shows who the mail is from and the signature that goes under its body: all that is sent is seen."""
    if sender := _sender(identity):
        preview["from"] = sender
    if signature := _signature(identity):
        preview["signature"] = mime.signature_text(signature)


def _sender(identity: dict) -> str:
    return str(Address(display_name=identity.get("displayName", ""), addr_spec=identity["sendAsEmail"])) if identity else ""


def _signature(identity: dict) -> str:
    """The signature (HTML) Gmail adds to mail from that address, as its compose window does;
    none when it holds no text (Gmail keeps an emptied one as <div><br></div>)."""
    signature = identity.get("signature", "")
    return signature if mime.signature_text(signature).strip() else ""


def _attachment_label(ctx: Context, gmail, ref: AttachmentRef) -> dict:
    """The name and type an attachment will go out with, for the approval card."""
    if ref.drive_file_id:
        meta = _drive_meta(ctx.service("drive").files(), ref.drive_file_id)
        # A Doc or Sheet has no size until it is exported (as a PDF): counted as nothing here.
        return {"name": _sent_name(meta), "type": _sent_type(meta), "size": int(meta.get("size", 0))}
    part = _mail_part(gmail, *_attachment_ids(ref))
    return {"name": part["filename"], "type": part.get("mimeType", ""), "size": part.get("body", {}).get("size", 0)}


def _fetch_file(ctx: Context, gmail, ref: AttachmentRef) -> mime.FileData:
    if ref.drive_file_id:
        return _drive_file(ctx, ref.drive_file_id)
    return _mail_file(gmail, *_attachment_ids(ref))


def _attachment_ids(ref: AttachmentRef) -> tuple[str, str]:
    if not (ref.message_id and ref.attachment_id):
        raise ToolError("Each attachment needs drive_file_id, or message_id and attachment_id.")
    return ref.message_id, ref.attachment_id


def _drive_meta(files, file_id: str) -> dict:
    return google_api.execute(files.get(fileId=file_id, fields="name,mimeType,size", supportsAllDrives=True))


# Docs, Sheets...: sent as a PDF, as Gmail's Drive picker does.
def _sent_name(meta: dict) -> str:
    return meta["name"] + ".pdf" if meta["mimeType"].startswith(GOOGLE_APPS) else meta["name"]


def _sent_type(meta: dict) -> str:
    return "application/pdf" if meta["mimeType"].startswith(GOOGLE_APPS) else meta["mimeType"]


def _drive_file(ctx: Context, file_id: str) -> mime.FileData:
    files = ctx.service("drive").files()
    meta = _drive_meta(files, file_id)
    if meta["mimeType"].startswith(GOOGLE_APPS):
        data = google_api.execute(files.export(fileId=file_id, mimeType="application/pdf"))
    else:
        data = google_api.execute(files.get_media(fileId=file_id, supportsAllDrives=True))
    return mime.FileData(_sent_name(meta), _sent_type(meta), data)


def _mail_part(gmail, message_id: str, part_id: str) -> dict:
    messages = gmail.users().messages()
    payload = google_api.execute(messages.get(userId="me", id=message_id, format="full", fields="payload"))["payload"]
    part = next((file for file in mime.file_parts(payload) if file.get("partId") == part_id), None)
    if part is None:
        raise ToolError(f"Message {message_id} has no attachment {part_id}; read the message for attachment ids.")
    return part


def _mail_file(gmail, message_id: str, part_id: str) -> mime.FileData:
    part = _mail_part(gmail, message_id, part_id)
    return mime.FileData(part["filename"], part.get("mimeType") or "application/octet-stream", _part_data(gmail, message_id, part))


def _part_data(gmail, message_id: str, part: dict) -> bytes:
    body = part.get("body", {})
    if "data" not in body:
        attachments = gmail.users().messages().attachments()
        body = google_api.execute(attachments.get(userId="me", messageId=message_id, id=body["attachmentId"]))
    return mime.unb64url(body["data"])


# --- labels and trash ----------------------------------------------------------------
def _show_modify(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names the emails (subject and sender) and the labels that go on or come off, by name,
    saying which will be new; a change that cannot be made is refused before anyone is asked."""
    _refuse_folders(args["add_labels"] + args["remove_labels"])
    gmail = ctx.service("gmail")
    found = _known_headlines(ctx, gmail, args["message_ids"])
    preview = {"messages": [{"subject": found[i].get("subject", ""), "from": found[i].get("from", "")} for i in args["message_ids"]]}
    if args["add_labels"] or args["remove_labels"]:
        labels = {label["name"].lower(): label for label in _labels(ctx, gmail)}
        preview["labels_added"] = [_label_shown(labels[n.lower()]) if n.lower() in labels else n for n in args["add_labels"]]
        preview["labels_removed"] = [_label_shown(labels[n.lower()]) for n in args["remove_labels"] if n.lower() in labels]
        if new := [n for n in args["add_labels"] if n.lower() not in labels]:
            preview["new_labels"] = new
    if args["read"] is None and not (args["archive"] or args["add_labels"] or preview.get("labels_removed")):
        raise ToolError(NOTHING_TO_MODIFY)
    return args, preview


def _label_shown(label: dict) -> str:
    """A label as Gmail shows it: "Starred" rather than the system label's id STARRED."""
    return label["name"].replace("_", " ").capitalize() if label.get("type") == "system" else label["name"]


def _modifying(args: dict, preview: dict) -> str:
    """e.g. "Updating 'Lunch on Tuesday?': mark read, label Follow up"."""
    messages = preview.get("messages") or []
    which = repr(messages[0]["subject"] or "(no subject)") if len(messages) == 1 else f"{len(args['message_ids'])} emails"
    added, removed = preview.get("labels_added", args["add_labels"]), preview.get("labels_removed", args["remove_labels"])
    return f"Updating {which}: {_change_steps(args['read'], args['archive'], added, removed, 'asked')}"


NOTHING_TO_MODIFY = "Nothing to change: say read, archive, add_labels or remove_labels."


@tool("write", prepare=_show_modify, progress=_modifying)
def gmail_modify(
    ctx: Context,
    message_ids: list[str],
    read: Annotated[bool | None, Field(description="true: mark read; false: unread")] = None,
    archive: bool = False,
    add_labels: Annotated[list[str], Field(description="names; created if missing")] = [],
    remove_labels: list[str] = [],
) -> dict:
    """Mark conversations read/unread, archive them, add or remove labels (STARRED, IMPORTANT, INBOX too)."""
    _refuse_folders(add_labels + remove_labels)
    gmail = ctx.service("gmail")
    # System labels answer to their names ("starred") like the person's own.
    ids_by_name = {label["name"].lower(): label["id"] for label in _labels(ctx, gmail)} if add_labels or remove_labels else {}
    created = [name for name in add_labels if name.lower() not in ids_by_name]
    for name in created:
        ids_by_name[name.lower()] = _create_label(ctx, gmail, name)["id"]
    add = [ids_by_name[n.lower()] for n in add_labels]
    remove = [ids_by_name[n.lower()] for n in remove_labels if n.lower() in ids_by_name]
    # As in Gmail, labels, read state and the Inbox belong to the conversation: archiving or unlabelling one
    # message leaves none of it behind. A star alone goes on the message itself (unstarring clears them all).
    star = [label for label in add if label == "STARRED"]
    thread_add = (["UNREAD"] if read is False else []) + [label for label in add if label != "STARRED"]
    thread_remove = (["UNREAD"] if read else []) + (["INBOX"] if archive else []) + remove
    if not (star or thread_add or thread_remove):
        raise ToolError(NOTHING_TO_MODIFY)
    if thread_add or thread_remove:
        _modify_threads(ctx, gmail, message_ids, {"addLabelIds": thread_add, "removeLabelIds": thread_remove})
    if star:
        google_api.execute(gmail.users().messages().batchModify(userId="me", body={"ids": message_ids, "addLabelIds": star}))
    done = _change_steps(read, archive, add_labels, remove_labels, "done")
    return {"ids": message_ids, "created_labels": created, "summary": f"{done[:1].upper()}{done[1:]} ({len(message_ids)} email(s))."}


def _create_label(ctx: Context, gmail, name: str) -> dict:
    """A new label, kept in the run's list so that later searches show it by name. The calls of one turn
    run at once: another may have made the same label since this one read the list, and Gmail answers
    409 "Label name exists or conflicts"; the label made is then the one to use."""
    try:
        made = google_api.execute(gmail.users().labels().create(userId="me", body={"name": name}))
    except HttpError as error:
        if error.status_code != 409:
            raise
        labels = _labels(ctx, gmail)
        known = {label["id"] for label in labels}
        labels += [label for label in _list_labels(gmail) if label["id"] not in known]
        made = next((label for label in labels if label["name"].lower() == name.lower()), None)
        if made is None:  # a name that conflicts with no label listed (Gmail reserves some): as Gmail says
            raise
        return made
    _labels(ctx, gmail).append(made)
    return made


def _refuse_folders(label_names: list[str]) -> None:
    refused = next((n for n in label_names if n.strip().upper() in FOLDER_LABELS), None)
    if refused:
        raise ToolError(f"gmail_modify cannot change {refused}: use gmail_trash to move mail to Trash.")


def _modify_threads(ctx: Context, gmail, message_ids: list[str], body: dict) -> None:
    found = _known_headlines(ctx, gmail, message_ids)
    threads = list(dict.fromkeys(found[i]["threadId"] for i in message_ids))
    changes = [gmail.users().threads().modify(userId="me", id=t, body=body) for t in threads]
    _raise_first_failure(google_api.execute_batch(gmail, changes))


def _known_headlines(ctx: Context, gmail, message_ids: list[str], missing_ok: bool = False) -> dict:
    """_headlines of these messages, kept for the run: a change's card reads them, and the change itself
    finds their conversations there rather than reading them again (a message's subject, sender and
    conversation never change)."""
    kept = ctx.cache.setdefault("gmail_headlines", {})
    if missing := [i for i in dict.fromkeys(message_ids) if i not in kept]:
        kept.update(_headlines(gmail, missing, missing_ok=missing_ok))
    return {i: kept[i] for i in message_ids if i in kept}


def _headlines(gmail, message_ids: list[str], missing_ok: bool = True) -> dict:
    """Subject, sender and thread of each message by id, in one batch; gone ones are left out if missing_ok."""
    messages = gmail.users().messages()
    wanted = ["Subject", "From"]
    fields = "id,threadId,payload(headers)"
    fetched = google_api.execute_batch(
        gmail, [messages.get(userId="me", id=i, format="metadata", metadataHeaders=wanted, fields=fields) for i in message_ids]
    )
    _raise_first_failure(fetched, ignore_404=missing_ok)
    return {m["id"]: {"threadId": m["threadId"], **mime.headers(m.get("payload", {}))} for m in fetched if isinstance(m, dict)}


def _raise_first_failure(results: list, ignore_404: bool = False) -> None:
    for failure in results:
        if isinstance(failure, HttpError) and not (ignore_404 and failure.status_code == 404):
            raise failure


CHANGE_WORDS = {"done": ("marked read", "marked unread", "archived", "labelled", "removed"),
                "asked": ("mark read", "mark unread", "archive", "label", "remove")}


def _change_steps(read, archive, added, removed, tense: str) -> str:
    """A label change in words, done ("marked read, labelled Follow up") or asked ("mark read, label Follow up")."""
    as_read, as_unread, archived, labelled, unlabelled = CHANGE_WORDS[tense]
    steps = [{True: as_read, False: as_unread}.get(read, ""), archived if archive else "",
             f"{labelled} {', '.join(added)}" if added else "", f"{unlabelled} {', '.join(removed)}" if removed else ""]
    return ", ".join(step for step in steps if step)


def _name_trashed(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names every email that will go to Trash, not just ids: with whole conversations, each
    of theirs (a reply that arrives after approval changes the card, so nothing unseen goes)."""
    gmail = ctx.service("gmail")
    found = _known_headlines(ctx, gmail, args["message_ids"], missing_ok=True)
    if args["only_these"]:
        going = [found[i] for i in args["message_ids"] if i in found]
    else:
        going = [mime.headers(m.get("payload", {})) for thread in _threads(gmail, found) for m in thread.get("messages", [])]
    preview = {"messages": [{"subject": m.get("subject", ""), "from": m.get("from", "")} for m in going]}
    missing = [i for i in args["message_ids"] if i not in found]
    return args, {**preview, **({"not_found": missing} if missing else {})}


def _threads(gmail, found: dict) -> list[dict]:
    """The conversations of the messages found, each with its messages' subject and sender, in one batch."""
    threads = gmail.users().threads()
    ids = list(dict.fromkeys(m["threadId"] for m in found.values()))
    fetched = google_api.execute_batch(gmail, [threads.get(userId="me", id=t, format="metadata", metadataHeaders=["Subject", "From"],
                                                           fields="id,messages(id,payload(headers))") for t in ids])
    _raise_first_failure(fetched, ignore_404=True)
    return [thread for thread in fetched if isinstance(thread, dict)]


@tool("destructive", prepare=_name_trashed, progress="Moving emails to Trash")
def gmail_trash(ctx: Context, message_ids: list[str], only_these: bool = False) -> dict:
    """Move emails and their conversations to Trash, as Gmail's Delete does (only_these: just these
    emails); deleted for good after 30 days."""
    gmail = ctx.service("gmail")
    found = _known_headlines(ctx, gmail, message_ids, missing_ok=True)
    if only_these:
        calls = [gmail.users().messages().trash(userId="me", id=i) for i in found]
    else:
        calls = [gmail.users().threads().trash(userId="me", id=t) for t in dict.fromkeys(m["threadId"] for m in found.values())]
    results = google_api.execute_batch(gmail, calls)
    _raise_first_failure(results, ignore_404=True)  # a lost scope or a lasting outage is not "not found"
    if only_these:
        trashed = [i for i, r in zip(found, results) if isinstance(r, dict)]
    else:
        trashed = [m["id"] for r in results if isinstance(r, dict) for m in r.get("messages", [])]
    out = {"trashed": trashed, "summary": f"Moved {len(trashed)} email(s) to Trash."}
    if failed := [i for i in message_ids if i not in found]:
        out["not_found"] = failed
    return out


# --- attachments to Drive -----------------------------------------------------------
def _preview_saved_attachment(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names the attachment as well as the folder and who can see it there."""
    args, preview = preview_folder(ctx, args)
    ref = AttachmentRef(message_id=args["message_id"], attachment_id=args["attachment_id"])
    return args, {**preview, "attachment": _attachment_label(ctx, ctx.service("gmail"), ref)}


@tool("write", escalate=outbound_if_folder_shared, prepare=_preview_saved_attachment, target=acts_on,
      progress="Saving an attachment to Drive")
def gmail_save_attachment(
    ctx: Context, message_id: str, attachment_id: str, folder: Annotated[str | None, Field(description="folder name or id")] = None
) -> dict:
    """Save an email attachment to Drive; returns the new file."""
    file = _mail_file(ctx.service("gmail"), message_id, attachment_id)
    # Drive advises resumable uploads over 5 MB: a chunk that fails is sent again, not the whole file.
    # An email (.eml) goes that way too: the client library wraps a one-request upload in MIME, which
    # cannot hold an email's 8-bit text as a message part.
    media = _ChunksAsBytes(io.BytesIO(file.data), mimetype=file.mime_type, chunksize=UPLOAD_CHUNK,
                           resumable=len(file.data) > RESUMABLE_ABOVE or file.mime_type == file_text.EMAIL)
    body = {"name": file.filename, **({"parents": [folder_id(ctx, folder)]} if folder else {})}
    created = google_api.execute(
        ctx.service("drive").files().create(body=body, media_body=media, fields="id,name,webViewLink", supportsAllDrives=True)
    )
    return {
        "file": {"id": created["id"], "name": created["name"], "link": created.get("webViewLink", "")},
        "link": created.get("webViewLink", ""),
        "summary": f"Saved {created['name']} to Drive.",
    }


class _ChunksAsBytes(MediaIoBaseUpload):
    """Each chunk is read out as bytes. From a stream, googleapiclient sends a chunk as a slice of
    it, and when it retries a chunk Google refused with a 5xx, that slice is already read: the
    retry goes out with no body and the upload stalls."""

    def has_stream(self) -> bool:
        return False


# --- shared -----------------------------------------------------------------------
def _label_names(ctx: Context, gmail, messages: list[dict]) -> dict:
    """Names for user label ids, listed only when a message has one."""
    user_labels = {l for m in messages for l in m.get("labelIds", []) if l not in SYSTEM_LABELS and not l.startswith("CATEGORY_")}
    return {label["id"]: label["name"] for label in _labels(ctx, gmail)} if user_labels else {}


def _labels(ctx: Context, gmail) -> list[dict]:
    """The mailbox's labels (id and name), listed once per run."""
    if "gmail_labels" not in ctx.cache:
        ctx.cache["gmail_labels"] = _list_labels(gmail)
    return ctx.cache["gmail_labels"]


def _list_labels(gmail) -> list[dict]:
    return google_api.execute(gmail.users().labels().list(userId="me")).get("labels", [])


def _local_time(internal_date: str, tz: str) -> str:
    moment = datetime.fromtimestamp(int(internal_date) / 1000, ZoneInfo(tz))
    return moment.strftime("%a %Y-%m-%d %H:%M")


def _thread_link(ctx: Context, thread_id: str) -> str:
    return ctx.link("thread", thread_id, f"https://mail.google.com/mail/u/0/#all/{thread_id}")
