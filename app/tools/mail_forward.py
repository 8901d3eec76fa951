"""What forwarding an email sends, as Gmail forwards: the person's note, then the original under a
"Forwarded message" header block, in HTML when the original has HTML, and its attachments.

The original is taken from its raw bytes (format=raw) and parsed by the `email` package, so
nothing of it passes through the model: not its text, not its formatting, not its files.
"""
import html
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default

from app.tools.mail_mime import FileData, decode, header_text

FORWARD_LINE = "---------- Forwarded message ---------"
HEADERS = ("From", "Date", "Subject", "To", "Cc")
BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
FORWARD_PREFIX = re.compile(r"^\s*((fw|fwd)\s*:\s*)+", re.IGNORECASE)


@dataclass
class Forward:
    subject: str
    body: str
    html: bool
    files: list[FileData]
    original: dict  # the original's From and Subject, for the approval card


def forward(raw: bytes, note: str, with_files: bool) -> Forward:
    original = message_from_bytes(raw, policy=default)
    head = [(name, value) for name in HEADERS if (value := header_text(original, name))]
    subject = dict(head).get("Subject", "")
    files = [_file(part) for part in original.iter_attachments()] if with_files else []
    html_part = original.get_body(("html",))
    if html_part is not None:
        block = "<br>".join(html.escape(f"{name}: {value}") for name, value in head)
        body = (f"<div>{html.escape(note).replace(chr(10), '<br>')}</div><br>"
                f"<div>{FORWARD_LINE}<br>{block}</div><br>{_inner_html(_text(html_part))}")
    else:
        text_part = original.get_body(("plain",))
        text = _text(text_part) if text_part is not None else ""
        body = "\n".join([note, "", FORWARD_LINE, *(f"{name}: {value}" for name, value in head), "", text]).lstrip("\n")
    return Forward(forward_subject(subject), body, html_part is not None, files,
                   {"subject": subject, "from": dict(head).get("From", "")})


def forward_subject(subject: str) -> str:
    """ "Fwd:" in front of the original's subject, as Gmail puts it ("Fwd: Re: x"), but only one."""
    return "Fwd: " + FORWARD_PREFIX.sub("", subject or "").strip()


def _text(part) -> str:
    return decode(part.get_payload(decode=True) or b"", part.get_content_charset())


def _inner_html(markup: str) -> str:
    """The original's HTML without its own <html> and <head>: it goes inside this message's body."""
    match = BODY.search(markup)
    return match.group(1) if match else markup


def _file(part) -> FileData:
    if part.get_content_type() == "message/rfc822":  # an email attached to the original: sent on whole
        data = part.get_payload(0).as_bytes()
    else:
        data = part.get_payload(decode=True) or b""
    return FileData(part.get_filename() or "attachment", part.get_content_type(), data)
