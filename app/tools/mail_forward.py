"""What forwarding an email sends, as mail programs forward: the person's note and a "Forwarded
message" header block, then the original's own content as it came, and nothing retyped.

The original is taken from its raw bytes (format=raw) and parsed by the `email` package. Its
content (every part under its top-level headers: text, HTML, inline images with their
Content-IDs, files, however nested) becomes the second part of a multipart/mixed message, so
no layout can lose a part or its charset, and nothing of it passes through the model. Without
its files, the parts that are attachments are left out; inline images stay.
"""
import html
import re
from dataclasses import dataclass
from email import encoders, message_from_bytes
from email.message import EmailMessage
from email.policy import default

from app.tools.mail_mime import BODY_PARENTS, addressed, header_text, with_signature

FORWARD_LINE = "---------- Forwarded message ---------"
HEADERS = ("From", "Date", "Subject", "To", "Cc")
FORWARD_PREFIX = re.compile(r"^\s*((fw|fwd)\s*:\s*)+", re.IGNORECASE)


@dataclass
class Forward:
    subject: str
    intro_text: str
    intro_html: str
    content: EmailMessage | None  # the original's content; None when nothing of it is left to send
    files: list[dict]  # {"name", "type"} of the attachments that go with it, for the approval card
    original: dict  # the original's From and Subject, for the approval card


def forward(raw: bytes, note: str, with_files: bool, signature: str = "") -> Forward:
    """`signature`: the sender's (HTML), under the note as Gmail puts it."""
    original = message_from_bytes(raw, policy=default)
    head = [(name, value) for name in HEADERS if (value := header_text(original, name))]
    subject = dict(head).get("Subject", "")
    files = list(_files(original))
    content = _content_of(raw)
    if not with_files and not _without_files(content):
        content = None
    if content is not None:
        _seven_bit(content)
    block = [FORWARD_LINE, *(f"{name}: {value}" for name, value in head)]
    intro_text = "\n".join([with_signature(note, False, signature), "", *block]).lstrip("\n") + "\n"
    note_html = with_signature(html.escape(note).replace("\n", "<br>"), True, signature)
    intro_html = (f"<div>{note_html}</div><br>" if note_html else "") + \
        "<div>" + "<br>".join(html.escape(line) for line in block) + "</div>"
    return Forward(forward_subject(subject), intro_text, intro_html, content,
                   [{"name": part.get_filename() or "(no name)", "type": part.get_content_type()} for part in files] if with_files else [],
                   {"subject": subject, "from": dict(head).get("From", "")})


def message(forwarded: Forward, to: list[str], cc: list[str], bcc: list[str], sender: str = "") -> EmailMessage:
    """The email that goes out: the note and header block (text and HTML), then the original's content."""
    out = addressed(sender=sender, to=to, cc=cc, bcc=bcc, subject=forwarded.subject)
    out.set_content(forwarded.intro_text)
    out.add_alternative(forwarded.intro_html, subtype="html")
    if forwarded.content is not None:
        out.make_mixed()
        out.attach(forwarded.content)
    return out


def forward_subject(subject: str) -> str:
    """ "Fwd:" in front of the original's subject, as Gmail puts it ("Fwd: Re: x"), but only one."""
    return "Fwd: " + FORWARD_PREFIX.sub("", subject or "").strip()


def _leaves(part):
    """The parts that hold content, an attached email counting as one (its own parts go with it)."""
    if part.is_multipart() and part.get_content_type() != "message/rfc822":
        for child in part.get_payload():
            yield from _leaves(child)
    else:
        yield part


def _files(part, parent: str = ""):
    """The files the original carries, as mail programs list them."""
    if part.is_multipart() and part.get_content_type() != "message/rfc822":
        for child in part.get_payload():
            yield from _files(child, part.get_content_type())
    elif _is_file(part, parent):
        yield part


def _is_file(part, parent: str) -> bool:
    """A file: not the mail's text, nor an image its HTML shows (in multipart/related). One sent without a
    name or a disposition (a scanner's PDF) is a file too, as reading the mail lists it (mail_mime.file_parts)."""
    if part.is_attachment() or (part.get_filename() and part.get_content_disposition() != "inline"):
        return True
    return part.get_content_maintype() != "text" and parent not in BODY_PARENTS and part.get_content_disposition() != "inline"


def _content_of(raw: bytes) -> EmailMessage:
    """The original without its envelope (From, To, Received...): its Content- headers and parts."""
    content = message_from_bytes(raw, policy=default)
    for name in {key.lower() for key in content.keys()}:
        if not name.startswith("content-"):
            del content[name]
    return content


def _without_files(part, parent: str = "") -> bool:
    """Leave the file parts out of `part`; whether anything of it is left."""
    if part.is_multipart() and part.get_content_type() != "message/rfc822":
        part.set_payload([child for child in part.get_payload() if _without_files(child, part.get_content_type())])
        return bool(part.get_payload())
    return not _is_file(part, parent)


def _seven_bit(content) -> None:
    """Re-encode parts sent in 8 bits as base64: the message goes to Gmail as a multipart upload,
    which google-api-python-client can only build from ASCII."""
    for part in _leaves(content):
        if part.get_content_type() == "message/rfc822":
            _seven_bit(part.get_payload(0))
            continue
        if part.get("Content-Transfer-Encoding", "7bit").lower() in ("8bit", "binary"):
            data = part.get_payload(decode=True) or b""
            del part["Content-Transfer-Encoding"]
            part.set_payload(data)
            encoders.encode_base64(part)
