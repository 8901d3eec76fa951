"""Build outgoing mail and read Gmail's `payload` trees, with the `email` package.

Outgoing: EmailMessage under the SMTP policy, so non-ASCII subjects and
display names are RFC 2047 encoded and non-ASCII file names RFC 2231
encoded; HTML goes out as multipart/alternative with a text part derived by
html2text. Incoming: Gmail's JSON payload (headers, parts, base64url data).
"""
import base64
import codecs
import mimetypes
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP, default
from email.utils import getaddresses

import charset_normalizer
import html2text

REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd)\s*:\s*)+", re.IGNORECASE)
# Every part in 7 bits (quoted-printable or base64 for other text): a message goes to Gmail as
# a multipart upload, which google-api-python-client can only build from ASCII.
SEVEN_BIT = SMTP.clone(cte_type="7bit")
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
# A link as html2text writes it: [text](url "title"), with ( and ) in the URL escaped, the title optional.
# Bounded, and with no [ inside its text: on a sender's "[[[[..." an open-ended pattern takes minutes.
MARKDOWN_LINK = re.compile(r'\[([^\[\]]{0,2000})\]\(((?:\\.|[^\s()\\]){1,8000})(?:\s+"[^"]{0,2000}")?\)')
HEADING_TAG = re.compile(r"<(/?)h[1-6]\b", re.IGNORECASE)  # in a text part a heading is a paragraph, no # marks
HTML_TEXT_CHARS = 1_000_000  # of a mail's HTML turned into text, at about a second a megabyte


@dataclass
class FileData:
    filename: str
    mime_type: str
    data: bytes


@dataclass
class ReplyTo:
    """What a reply needs from the message it answers."""

    message_id: str
    references: str


def html_to_text(markup: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # keep paragraphs on one line; the reader wraps
    converter.ignore_images = True
    return converter.handle(markup or "").strip()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- outgoing ------------------------------------------------------------------
def build_message(
    *, to: list[str], cc: list[str], bcc: list[str], subject: str, body: str, html: bool,
    files: list[FileData], reply: ReplyTo | None = None, sender: str = "", text: str | None = None,
) -> EmailMessage:
    """`sender`: the From address; Gmail sends from its default when none is given. `text`: the text
    part of an HTML mail, when the caller has it as written rather than to be derived from the HTML."""
    message = addressed(sender=sender, to=to, cc=cc, bcc=bcc, subject=subject)
    if reply and reply.message_id:
        message["In-Reply-To"] = reply.message_id
        message["References"] = " ".join(filter(None, [reply.references, reply.message_id]))
    if html:
        message.set_content(text if text is not None else plain_text(body))
        message.add_alternative(body, subtype="html")
    else:
        message.set_content(body)
    for file in files:
        maintype, _, subtype = file.mime_type.partition("/")
        forwarded = _as_message(file.data) if file.mime_type == "message/rfc822" else None
        if forwarded is not None:
            message.add_attachment(forwarded, filename=file.filename)
            continue
        message.add_attachment(
            file.data, maintype=maintype, subtype=subtype or "octet-stream", filename=file.filename, params=_charset_of(file)
        )
    return message


def addressed(*, sender: str, to: list[str], cc: list[str], bcc: list[str], subject: str) -> EmailMessage:
    """An outgoing message with its From (if given), recipients and subject, its content still to come."""
    message = EmailMessage(policy=SEVEN_BIT)
    if sender:
        message["From"] = sender
    for name, addresses in (("To", to), ("Cc", cc), ("Bcc", bcc)):
        if addresses:
            message[name] = ", ".join(addresses)
    message["Subject"] = subject
    return message


def _as_message(data: bytes):
    """A forwarded mail as a message part: RFC 2046 forbids base64 for one. Raw 8-bit text in it is
    re-encoded in 7 bits by its charset; None when it has text with no charset to do that by, and it
    must then travel as a base64 file."""
    forwarded = message_from_bytes(data, policy=SEVEN_BIT)
    try:
        return forwarded if forwarded.as_bytes(policy=SEVEN_BIT).isascii() else None
    except UnicodeError:
        return None


def _charset_of(file: FileData) -> dict:
    """Text files need their charset declared, or readers fall back to ASCII."""
    if not file.mime_type.startswith("text/"):
        return {}
    try:
        file.data.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    return {"charset": "utf-8"}


def with_signature(body: str, html: bool, signature: str) -> str:
    """The body with the sender's signature (Gmail keeps it as HTML) under the "-- " line mail programs use."""
    if not signature:
        return body
    if html:
        return f'{body}<br><div class="gmail_signature">-- <br>{signature}</div>'
    return f"{body}\n\n-- \n{signature_text(signature)}"


def signature_text(signature: str) -> str:
    """A signature as the plain lines a reader sees."""
    return _plain_lines(signature)


def plain_text(markup: str) -> str:
    """HTML written for a mail as the plain lines of its text part: headings as paragraphs (a # at the
    start of a line stays what it is), no runs of blank lines."""
    return re.sub(r"\n{3,}", "\n\n", _plain_lines(HEADING_TAG.sub(r"<\1p", markup))) + "\n"


def _plain_lines(markup: str) -> str:
    """HTML as the plain lines a reader sees: no Markdown (no **, no escapes), a link as
    "text <url>" (the URL alone when it is the text), images left out."""
    converter = html2text.HTML2Text()
    converter.body_width, converter.ignore_images, converter.ignore_emphasis = 0, True, True
    text = converter.handle(markup or "")
    text = MARKDOWN_LINK.sub(_link_text, text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text))
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _link_text(link: re.Match) -> str:
    text, url = link[1], re.sub(r"\\(.)", r"\1", link[2])
    return url.removeprefix("mailto:") if text in (url, url.removeprefix("mailto:")) else f"{text} <{url.removeprefix('mailto:')}>"


def reply_subject(subject: str) -> str:
    """One "Re:" however many the thread has collected ("Re: AW: Re: x" -> "Re: x")."""
    return "Re: " + REPLY_PREFIX.sub("", subject or "").strip()


def header_text(message, name: str) -> str:
    """A header of a parsed message (email package) as text, "" when absent or beyond decoding."""
    try:
        return str(message[name] or "")
    except Exception:  # the email package can fail on a header malformed enough; the others still count
        return ""


def not_an_address(entries: list[str]) -> str | None:
    """The first entry that holds no valid email address (a bare name, say), or None."""
    for entry in entries:
        pairs = getaddresses([entry])
        if not pairs or any(not EMAIL.fullmatch(address) for _, address in pairs):
            return entry
    return None


# --- incoming ------------------------------------------------------------------
def headers(payload: dict) -> dict:
    """Header values by lower-cased name (the first of each)."""
    out = {}
    for header in payload.get("headers", []):
        out.setdefault(header["name"].lower(), header["value"])
    return out


def raw_headers(raw: bytes, names: tuple[str, ...] = ("From", "To", "Cc")) -> dict:
    """Some headers of a raw message by lower-cased name, read without parsing its body."""
    head = BytesHeaderParser(policy=default).parsebytes(raw)
    return {name.lower(): header_text(head, name) for name in names}


def emails(value: str) -> list[str]:
    return [address for _, address in getaddresses([value or ""]) if address]


def mailboxes(value: str) -> list[str]:
    """Each "Name <addr>" of a header, names kept readable (not RFC 2047 encoded)."""
    return [str(Address(display_name=name, addr_spec=address)) for name, address in getaddresses([value or ""]) if address]


def own_leaves(payload: dict, top: bool = True):
    """The message's own leaf parts, never those of an email attached to it (whose text is not its body)."""
    if not top and payload.get("mimeType") == "message/rfc822":
        return
    parts = payload.get("parts")
    if not parts:
        yield payload
        return
    for part in parts:
        yield from own_leaves(part, top=False)


def body_text(payload: dict, plain: bool = False) -> str:
    """The readable body: the text/plain part, else the HTML part as text (Markdown, or with `plain`
    the plain lines a reader without HTML sees)."""
    found = _body_parts(payload)
    if "text/plain" in found:
        return found["text/plain"].replace("\r\n", "\n").strip()
    # A sender can make a mail of any size: only its first megabyte of HTML is turned into text.
    markup = found.get("text/html", "")[:HTML_TEXT_CHARS].replace("\r\n", "\n")
    return plain_text(markup).strip() if plain else html_to_text(markup)


def html_source(payload: dict) -> str:
    """The HTML a message would show (its text/html part, not a file), as written; "" when it has none."""
    return _body_parts(payload).get("text/html", "")


def _body_parts(payload: dict) -> dict[str, str]:
    """The message's own text/plain and text/html bodies (the first of each, not files), decoded."""
    found: dict[str, str] = {}
    for part in own_leaves(payload):
        data = part.get("body", {}).get("data")
        if data and not part.get("filename") and part.get("mimeType") in ("text/plain", "text/html"):
            found.setdefault(part["mimeType"], decode(unb64url(data), declared_charset(part)))
    return found


def declared_charset(part: dict) -> str | None:
    """The charset label the part declares (`decode` reads it), or None."""
    match = re.search(r'charset\s*=\s*["\']?([\w.:-]+)', headers(part).get("content-type", ""), re.IGNORECASE)
    return match[1] if match else None


# Labels mail programs and browsers read as the wider Windows encoding they stand for in practice
# (as the WHATWG Encoding Standard maps them): text labelled Latin-1 or ASCII is Windows-1252,
# Shift_JIS is Microsoft's cp932 (①, ㈱), GB2312 is GBK (镕), EUC-KR is cp949; and a few labels
# Python does not know at all (Hebrew's iso-8859-8-i, Thai's windows-874).
ASCII_LABELS = ("us-ascii", "ascii", "ansi_x3.4-1968")
MAIL_CHARSETS = {
    **dict.fromkeys(("iso-8859-1", "latin1", "latin-1"), "cp1252"),
    **dict.fromkeys(ASCII_LABELS, "cp1252"),
    "iso-8859-9": "cp1254",
    **dict.fromkeys(("windows-874", "tis-620", "iso-8859-11"), "cp874"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j"), "cp932"),
    "x-euc-jp": "euc_jp",
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "csgb2312", "chinese", "gb_2312-80"), "gb18030"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "korean", "cseuckr", "windows-949"), "cp949"),
    **dict.fromkeys(("iso-8859-8-i", "iso-8859-8-e", "logical", "visual"), "iso8859-8"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "x-x-big5"), "big5hkscs"),
}


def _label(name: str | None) -> str:
    return (name or "").strip().strip('"').lower()


def text_codec(name: str) -> str | None:
    """The codec for a charset label; None for one unknown here, or no text encoding."""
    name = _label(name)
    if name in MAIL_CHARSETS:
        return MAIL_CHARSETS[name]
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return None
    # Python also knows base64, zlib, rot13...: not text encodings, and no sender's to choose.
    return codec.name if getattr(codec, "_is_text_encoding", True) else None


BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16's, which they start with
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, charset: str | None, complete: bool = True) -> str:
    """Text by its byte-order mark; else in its declared charset, or UTF-8, if the bytes are that;
    else the best reading. `complete=False`: the data was cut, and a character cut at its end is dropped."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _decoded(data, codec, complete, "replace")
    codec = _utf16_without_bom(data)
    if codec:
        return _decoded(data, codec, complete, "replace")
    # Text labelled ASCII yet holding other bytes is mislabelled: UTF-8 most often, else Windows-1252.
    ascii_label = _label(charset) in ASCII_LABELS
    charset = charset and text_codec(charset)  # a label known under another name, or none worth trusting
    # ISO-2022 text is 7-bit, so UTF-8 would take its escape codes as they are: no fallback to it. (8-bit
    # bytes under that label mean the label is wrong: UTF-8 then, as for any other.) Japanese text the
    # strict codec refuses holds the characters Windows adds, read as Windows means them.
    fallback = None if (charset or "").startswith("iso2022") and data.isascii() else "utf-8"
    for codec in filter(None, ("utf-8", charset) if ascii_label else (charset, fallback)):
        try:
            return _decoded(data, codec, complete, "strict")
        except (UnicodeDecodeError, LookupError):
            pass
    if charset == "iso2022_jp" and data.isascii():
        return _decoded(_jis_as_cp932(data), "cp932", complete, "replace")
    if charset:
        return _decoded(data, charset, complete, "replace")
    # Unlabelled and not clean UTF-8: UTF-8 with a stray bad byte, or the code page of the Windows
    # (or old mailer) that wrote it: a CSV export from Excel in Tokyo is Shift_JIS, in Moscow Windows-1251.
    text = _decoded(data, "utf-8", complete, "replace")
    bad = text.count("\ufffd")
    return text if sum(1 for c in text if c > "\x7f") > 2 * bad else _decoded(data, _code_page(data), complete, "replace")


# The code pages unlabelled text is likely in: charset_normalizer chooses among these only.
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "koi8_r", "cp1253", "cp932", "euc_jp", "gb18030", "big5hkscs", "cp949")
OTHER_SCRIPTS = ("cp1251", "koi8_r", "cp1253", "cp932", "euc_jp", "gb18030", "big5hkscs", "cp949")
CENTRAL_EUROPEAN = ("Polish", "Czech", "Slovak", "Hungarian", "Croatian", "Slovene", "Romanian")
CLEAR = 0.1  # charset_normalizer's "chaos" (the share of the text that looks garbled) a guess may show at most


def _code_page(data: bytes) -> str:
    """Windows-1252 unless charset_normalizer reads the bytes clearly better in the code page of another
    script (Japanese, Chinese, Korean, Cyrillic, Greek) or, in a Central European language, as
    Windows-1250. Between Western code pages its guesses are not to be trusted (French read as cp775):
    a guess counts only where Windows-1252 reads worse, and the two read differently."""
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=list(CODE_PAGES)))
    western = next((m for m in matches if "cp1252" in m.could_be_from_charset), None)
    chaos, coherence = (western.chaos, western.coherence) if western else (1.0, 0.0)
    for match in matches:  # best first
        if match is western:
            break
        if match.encoding in OTHER_SCRIPTS and match.chaos <= CLEAR and match.chaos < chaos:
            return match.encoding
        if match.encoding == "cp1250" and match.language in CENTRAL_EUROPEAN and match.chaos <= CLEAR and (
                match.chaos < chaos or match.coherence > coherence):
            return "cp1250"
    return "cp1250" if _broken_words_in_1252(data) else "cp1252"


def _broken_words_in_1252(data: bytes) -> bool:
    """Whether Windows-1252 shows symbols inside words where Windows-1250 has letters (Ma³gorzata for
    Małgorzata, ¯ó³æ for Żółć): short Central European text charset_normalizer is unsure of."""
    western, central = data.decode("cp1252", "replace"), data.decode("cp1250", "replace")  # a character a byte
    broken = sum(1 for i in range(1, len(central) - 1) if not western[i].isalpha() and central[i - 1:i + 2].isalpha())
    return broken >= 2  # not one stray symbol


# ISO-2022-JP's escapes to one-byte sets: ASCII, JIS-Roman (read as ASCII, as mail programs show it),
# half-width katakana; any other escape (ESC $ @, ESC $ B) starts two-byte JIS X 0208.
ONE_BYTE_SETS = {b"\x1b(B": 0, b"\x1b(J": 0, b"\x1b(I": 0x80}


def _jis_as_cp932(data: bytes) -> bytes:
    """ISO-2022-JP as Windows writes it (NEC's ① and ㈱ and IBM's kanji included, which Python's
    codec refuses but browsers and mail programs read), rewritten as the Shift_JIS bytes of the same
    characters, for cp932 to read. Shift_JIS is JIS X 0208 with each pair of rows folded into one."""
    out, two_byte, shift = bytearray(), False, 0
    for chunk in re.split(rb"(\x1b[$(][@BJI])", data):
        if chunk.startswith(b"\x1b"):
            two_byte, shift = chunk not in ONE_BYTE_SETS, ONE_BYTE_SETS.get(chunk, 0)
        elif not two_byte:
            out += bytes(byte + shift if byte > 0x20 and shift else byte for byte in chunk)
        else:
            for row, cell in zip(chunk[::2], chunk[1::2]):
                lead = (row + 1) // 2 + (0x70 if row <= 0x5E else 0xB0)
                trail = cell + (0x1F + (cell >= 0x60) if row % 2 else 0x7E)
                out += bytes((lead, trail))
    return bytes(out)


def _decoded(data: bytes, codec: str, complete: bool, errors: str) -> str:
    return codecs.getincrementaldecoder(codec)(errors).decode(data, final=complete)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 of mostly Latin text has a NUL in every other byte."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


def attachments(payload: dict) -> list[dict]:
    """Files in a message. The id is Gmail's part id: its attachmentId changes on every read."""
    return [
        {"id": part["partId"], "name": part["filename"], "type": part.get("mimeType", ""), "size": part.get("body", {}).get("size", 0)}
        for part in file_parts(payload)
    ]


# Parts of these are the mail's own body: its versions (an invitation's text/calendar beside its text),
# the images its HTML shows, a bounce's report.
BODY_PARENTS = ("multipart/alternative", "multipart/related", "multipart/report")


def file_parts(payload: dict, parent: str = ""):
    """The message's files, each with a "filename": one the sender left out is made up from its type,
    as scanners and some mail programs send them (a PDF, an attached email) with none."""
    parts = payload.get("parts")
    if not parts or (payload.get("mimeType") == "message/rfc822" and payload.get("body", {}).get("attachmentId")):
        name = _file_name(payload, parent)
        if name:
            yield {**payload, "filename": name}
        return
    for part in parts:
        yield from file_parts(part, payload.get("mimeType", ""))


def _file_name(part: dict, parent: str) -> str | None:
    if part.get("filename"):
        return part["filename"]
    kind = part.get("mimeType", "")
    # Not files: text (a body, an invitation's calendar, a bounce's headers), nor a part of the body.
    if kind.startswith("text/") or parent in BODY_PARENTS:
        return None
    if not (part.get("body", {}).get("attachmentId") or kind == "message/rfc822"):
        return None
    extension = ".eml" if kind == "message/rfc822" else mimetypes.guess_extension(kind) or ""
    return f"untitled-{part.get('partId') or '0'}{extension}"
