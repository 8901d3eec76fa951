"""Raw RFC 822 messages in and out of the Gmail sandbox.

The sandbox stores each message as its raw bytes, as Gmail does, and builds
the API's `payload` tree from them with the `email` package on every read:
multiparts list their `parts`, attachments carry `body.attachmentId`, inline
text parts carry `body.data` (base64url).
"""
import base64
import codecs
import html
import re
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import SMTP, default
from email.utils import format_datetime, getaddresses, make_msgid, parsedate_to_datetime
from zoneinfo import ZoneInfo

SNIPPET_CHARS = 200
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd)\s*:\s*)+", re.IGNORECASE)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=default)


# --- reading ----------------------------------------------------------------
def payload(message: Message, part_id: str = "", metadata_headers: list[str] | None = None) -> dict:
    """The Gmail `payload` for a parsed message (or, recursively, one of its parts)."""
    headers = [{"name": k, "value": str(v)} for k, v in message.items()]
    if metadata_headers is not None:
        wanted = {h.lower() for h in metadata_headers}
        headers = [h for h in headers if not wanted or h["name"].lower() in wanted]
        return {"partId": part_id, "mimeType": message.get_content_type(), "filename": "", "headers": headers}
    node = {
        "partId": part_id,
        "mimeType": message.get_content_type(),
        "filename": message.get_filename() or "",
        "headers": headers,
    }
    if message.get_content_type() == "message/rfc822":  # an attached email: one attachment, its bytes whole
        node["body"] = {"attachmentId": attachment_id(part_id), "size": len(_bytes(message))}
        return node
    if message.is_multipart():
        node["body"] = {"size": 0}
        prefix = f"{part_id}." if part_id else ""
        node["parts"] = [payload(child, f"{prefix}{n}") for n, child in enumerate(message.iter_parts())]
        return node
    data = message.get_payload(decode=True) or b""
    if node["filename"] or not message.get_content_maintype() == "text":
        node["body"] = {"attachmentId": attachment_id(part_id), "size": len(data)}
    else:
        node["body"] = {"size": len(data), "data": b64url(data)}
    return node


def attachment_id(part_id: str) -> str:
    return "ANGjdJ_" + (part_id or "0").replace(".", "_")


def attachment_bytes(message: Message, wanted: str) -> bytes | None:
    for part_id, part in walk_leaves(message):
        if attachment_id(part_id) == wanted:
            return _bytes(part)
    return None


def _bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        return part.get_payload(0).as_bytes()
    return part.get_payload(decode=True) or b""


def walk_leaves(message: Message, part_id: str = ""):
    if not message.is_multipart() or message.get_content_type() == "message/rfc822":
        yield part_id, message
        return
    prefix = f"{part_id}." if part_id else ""
    for n, child in enumerate(message.iter_parts()):
        yield from walk_leaves(child, f"{prefix}{n}")


def filenames(message: Message) -> list[str]:
    return [part.get_filename() for _, part in walk_leaves(message) if part.get_filename()]


def plain_text(message: Message) -> str:
    """The readable text: the text/plain part, else the HTML with tags dropped."""
    html_text = ""
    for _, part in walk_leaves(message):
        if part.get_filename():
            continue
        if part.get_content_type() == "text/plain":
            return text_of(part)
        if part.get_content_type() == "text/html" and not html_text:
            html_text = text_of(part)
    without_code = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html_text)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_code))


def text_of(part: Message) -> str:
    """A text part's content; a charset Python lacks must not make the message unreadable."""
    data = part.get_payload(decode=True) or b""
    return data.decode(python_charset(part.get_content_charset()), "replace")


def python_charset(name: str | None) -> str:
    name = (name or "utf-8").lower()
    if name in ("iso-8859-1", "latin1", "latin-1"):
        return "cp1252"  # what mail labelled Latin-1 really is, as every mail reader assumes
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name


def snippet(message: Message) -> str:
    """Plain text, HTML-escaped as Gmail's snippets are."""
    text = " ".join(plain_text(message).split())[:SNIPPET_CHARS]
    return html.escape(text).replace("&#x27;", "&#39;")


def thread_subject(message: Message) -> str:
    """The subject Gmail threads by: without Re:/Fwd: prefixes, case and spacing."""
    return " ".join(REPLY_PREFIX.sub("", str(message.get("Subject", ""))).lower().split())


def addresses(message: Message, *names: str) -> str:
    """Header addresses, lower-cased, for search: display names and emails."""
    pairs = getaddresses([str(v) for name in names for v in message.get_all(name, [])])
    return " ".join(f"{n} {a}" for n, a in pairs).lower()


def sent_at(message: Message) -> datetime | None:
    try:
        return parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        return None


# --- writing ----------------------------------------------------------------
def check_recipients(message: Message) -> str | None:
    """Why Gmail would refuse to send this message, or None."""
    found = {name: [a for _, a in getaddresses([str(v) for v in message.get_all(name, [])]) if a] for name in ("To", "Cc", "Bcc")}
    if not any(found.values()):
        return "Recipient address required"
    for name, addresses in found.items():
        if any(not EMAIL.fullmatch(address) for address in addresses):
            return f"Invalid {name} header"
    return None


def complete_outgoing(raw: bytes, account: dict, domain: str, senders: set[str] = frozenset()) -> bytes:
    """What Gmail does to a message it sends: From is the account unless it names one of the
    account's send-as addresses (`senders`, lower case); Date and Message-ID if missing."""
    message = parse(raw)
    addresses = message["From"].addresses if message["From"] else ()
    if not (addresses and addresses[0].addr_spec.lower() in senders):
        del message["From"]
        message["From"] = f'{account["name"]} <{account["email"]}>'
    if not message["Date"]:
        message["Date"] = format_datetime(datetime.now().astimezone())
    if not message["Message-ID"]:
        message["Message-ID"] = make_msgid(domain=domain)
    return message.as_bytes(policy=SMTP)


def raw_from_seed(entry: dict, account: dict, parent: Message | None, tz: str) -> bytes:
    """Build one seed message (see the gmail module's docstring) as RFC 822 bytes."""
    message = EmailMessage()
    message["From"] = entry.get("from") or f'{account["name"]} <{account["email"]}>'
    for name in ("to", "cc", "reply_to"):
        if entry.get(name):
            message[name.replace("_", "-").title()] = entry[name]
    message["Subject"] = entry.get("subject", "")
    message["Date"] = format_datetime(seed_date(entry.get("date"), tz))
    message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain or "mail.example")
    if parent is not None:
        message["In-Reply-To"] = parent["Message-ID"]
        message["References"] = " ".join(filter(None, [parent["References"], parent["Message-ID"]]))
    message.set_content(entry.get("text", ""))
    if entry.get("html"):
        message.add_alternative(entry["html"], subtype="html")
    for item in entry.get("attachments", []):
        data = item["text"].encode() if "text" in item else base64.b64decode(item["data_b64"])
        maintype, _, subtype = item.get("mimeType", "application/octet-stream").partition("/")
        charset = {"charset": "utf-8"} if "text" in item else {}  # declared, or readers assume ASCII
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=item["filename"], params=charset)
    return message.as_bytes(policy=SMTP)


def seed_date(value: str | None, tz: str) -> datetime:
    """ISO 8601, or relative to today so the demo stays fresh: "-2d 09:30"."""
    zone = ZoneInfo(tz)
    if not value:
        return datetime.now(zone)
    match = re.fullmatch(r"-(\d+)d(?: (\d\d):(\d\d))?", value.strip())
    if not match:
        return datetime.fromisoformat(value).astimezone(zone)
    day = datetime.now(zone) - timedelta(days=int(match[1]))
    if match[2]:
        day = day.replace(hour=int(match[2]), minute=int(match[3]), second=0, microsecond=0)
    return day
