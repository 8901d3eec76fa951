"""The text inside a file or an attachment, for the model to read: plain text, HTML, PDF, Word,
Excel, PowerPoint, and emails attached to emails (.eml).

PDFs are read with pypdf, page by page, stopping once there is enough text. A
scanned PDF has no text to read, and the model is told so rather than handed
an empty string it could take for an empty document. Anyone can mail a PDF
built to make a parser work for hours, so reading is bounded: pypdf's budget
per page's content, a time limit, and a process of its own that is killed when
a page outlasts that (app.tools.reader_process). Office files are read there too.

Error messages never name the file: a sender chooses its name, and errors
reach the model outside the untrusted-data wrapper results get.
"""
import email
import email.policy
import logging
import mimetypes
import re

from app.tools import reader_process, sheet_ranges
from app.tools.mail_mime import decode, header_text, html_to_text
from app.tools.registry import ToolError, clip

log = logging.getLogger(__name__)

PDF = "application/pdf"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"  # .docx
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # .xlsx
EXCEL_97 = "application/vnd.ms-excel"  # .xls, the format before 2007 that exports still use
# Office files are zips; .xls (like .doc and .ppt) and any Office file protected by a password are OLE containers.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"  # .pptx
EMAIL = "message/rfc822"  # .eml: an email forwarded as an attachment
DOWNLOADED = (PDF, WORD, EXCEL, EXCEL_97, POWERPOINT, EMAIL)  # read from the whole file (all but emails in the reading process)
EMAIL_HEADERS = ("From", "To", "Cc", "Date", "Subject")
MAX_BYTES = 25 * 1024 * 1024  # Gmail's limit for sending; larger files are not downloaded to be read
PDF_MAX_PAGES = 300  # pages read at most, however little text they hold
PDF_PAGE_BUDGET = 200_000  # pypdf's parsing work per page (its default, 2 million, lets one page take 15 s)
READ_SECONDS = 10.0  # pages are read until then; what was read so far is the answer
KILL_GRACE = 5.0  # then a page (or a Word file) still being read gets this long before the reader is killed
HTML_MAX_BYTES = 1024 * 1024  # converting HTML to text takes about 1.3 s a megabyte
TEXT_APPLICATIONS = ("application/json", "application/xml", "application/javascript", "application/csv")
# What mailers and servers label files they do not care to type: the file's name says more.
UNTYPED = ("", "application/octet-stream", "binary/octet-stream", "application/force-download",
           "application/x-download", "application/download", "application/unknown")
PDF_ALIASES = ("application/x-pdf", "application/acrobat", "applications/vnd.pdf", "text/pdf")


def file_type(mime_type: str, name: str) -> str:
    """The type to read a file as."""
    mime_type = (mime_type or "").lower()
    if mime_type in PDF_ALIASES:
        return PDF
    if mime_type in UNTYPED:
        return mimetypes.guess_type(name)[0] or "application/octet-stream"
    return mime_type


def is_text(mime_type: str) -> bool:
    return mime_type.startswith("text/") or mime_type in TEXT_APPLICATIONS


def readable(mime_type: str) -> bool:
    return is_text(mime_type) or mime_type in DOWNLOADED


def text_of(data: bytes, mime_type: str, max_chars: int, charset: str | None = None, sheet: str | None = None) -> dict:
    """`{"text", "truncated"?, ...}` for a readable type (see `readable`); `charset` as the sender declared it;
    `sheet`: of a workbook, only this sheet or range (app.tools.sheet_ranges)."""
    if mime_type == PDF:
        return pdf_text(data, max_chars)
    if mime_type == WORD:
        return word_text(data, max_chars)
    if mime_type == EXCEL_97 and not data.startswith(OLE_SIGNATURE):
        # Named .xls, yet not one: a workbook saved as .xlsx, or the HTML or tab-separated table
        # many systems export under that name.
        kind = EXCEL if data.startswith(b"PK") else "text/html" if data.lstrip()[:1] == b"<" else "text/plain"
        return text_of(data, kind, max_chars, charset, sheet)
    if mime_type in (EXCEL, EXCEL_97, POWERPOINT):
        return office_text(data, mime_type, max_chars, sheet)
    if mime_type == EMAIL:
        return email_text(data, max_chars)
    if mime_type == "text/html":
        return html_text(data, max_chars, charset)
    return plain_text(data, max_chars, charset)


def bytes_for(max_chars: int) -> int:
    """How many bytes of a text file can hold max_chars characters: UTF-8 takes up to 4 a character."""
    return max_chars * 4


def plain_text(data: bytes, max_chars: int, charset: str | None = None, total_bytes: int | None = None) -> dict:
    """Text from its first bytes: `data` may be only the start of the file (`total_bytes` long)."""
    total = len(data) if total_bytes is None else total_bytes
    most = bytes_for(max_chars)
    text = decode(data[:most], charset, complete=total <= most)
    if total <= most:
        return clip(text, max_chars)
    return {"text": text[:max_chars], "truncated": True, "total_bytes": total}


def html_text(data: bytes, max_chars: int, charset: str | None = None) -> dict:
    charset = charset or _meta_charset(data)
    if len(data) <= HTML_MAX_BYTES:
        return clip(html_to_text(decode(data, charset)), max_chars)
    head = data[:HTML_MAX_BYTES]
    head = head[:head.rfind(b"<")]  # not a tag cut in two, shown as text
    if head.rfind(b"<!--") > head.rfind(b"-->"):
        head = head[:head.rfind(b"<!--")]  # nor a comment left open
    text = html_to_text(decode(head, charset, complete=False))
    return {"text": text[:max_chars], "truncated": True, "total_bytes": len(data)}


def email_text(data: bytes, max_chars: int) -> dict:
    """An attached email: its headers, its body as text, and the names of its own attachments."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    head = "".join(f"{name}: {value}\n" for name in EMAIL_HEADERS if (value := header_text(message, name)))
    body = message.get_body(("plain", "html"))
    text = ""
    if body is not None:
        raw, charset = body.get_payload(decode=True) or b"", body.get_content_charset()
        read = html_text if body.get_content_type() == "text/html" else plain_text
        text = read(raw, max(max_chars - len(head), 0), charset)["text"]
    out = clip(f"{head}\n{text}".strip(), max_chars)
    files = [part.get_filename() for part in message.iter_attachments() if part.get_filename()]
    return {**out, "attachments": files} if files else out


def _meta_charset(data: bytes) -> str | None:
    """The charset label an HTML file declares in its head (<meta charset=...>), or None."""
    match = re.search(rb'<meta[^>]+charset\s*=\s*["\']?([\w.:-]+)', data[:4096], re.IGNORECASE)
    return match[1].decode("ascii") if match else None


class ReaderUnavailable(ToolError):
    """The file reading process could not be started."""


def pdf_text(data: bytes, max_chars: int) -> dict:
    pages = _in_reader_process("pdf", data, max_chars=max_chars, max_pages=PDF_MAX_PAGES, page_budget=PDF_PAGE_BUDGET)
    _raise_if_unopened(pages, "a PDF")
    if pages.killed:
        log.warning("Stopped reading a PDF on page %d of %d: too costly to read", len(pages.texts) + 1, pages.total)
    return _pdf_answer(pages, max_chars)


def word_text(data: bytes, max_chars: int) -> dict:
    pages = _in_reader_process("docx", data, max_chars=max_chars)
    _raise_if_unopened(pages, "a Word document")
    if pages.killed or not pages.texts or pages.texts[0] is None:
        raise ToolError("This Word document could not be read to the end (time, memory or damage).")
    return clip(pages.texts[0], max_chars)


def office_text(data: bytes, mime_type: str, max_chars: int, sheet: str | None = None) -> dict:
    """An Excel workbook's sheets (or the sheet or range `sheet` names) or a PowerPoint deck's slides.
    Sheets left unread are named, so that they can be asked for."""
    kind = {EXCEL: "xlsx", EXCEL_97: "xls", POWERPOINT: "pptx"}[mime_type]
    unit, what = ("slide", "a PowerPoint file") if kind == "pptx" else ("sheet", "an Excel workbook")
    pages = _in_reader_process(kind, data, max_chars=max_chars, max_pages=PDF_MAX_PAGES, part=sheet if unit == "sheet" else None)
    _raise_if_unopened(pages, what)
    if pages.killed:
        log.warning("Stopped reading %s on %s %d of %d: too costly to read", what, unit, len(pages.texts) + 1, pages.total)
    out = _paged_answer(pages, max_chars, unit)
    if out.get("truncated"):
        out.pop("total_chars", None)  # a sheet is read only as far as max_chars: the rest is not counted
    if sheet is not None and unit == "sheet":
        found = sheet_ranges.find(pages.names, sheet)
        if found is None:
            raise sheet_ranges.missing(sheet, pages.names)
        out.pop("sheets")
        # As a Google Sheet's (sheet_ranges.rows_part): whole rows, the range shown, the row to ask for next.
        notes = " ".join(filter(None, (pages.part.get("note"), out.get("note"))))
        out = {**out, **pages.part, **({"note": notes} if notes else {})}
        return {**out, "other_sheets": pages.names[:found[0]] + pages.names[found[0] + 1:]}
    if not pages.total:
        out["note"] = f"This file holds no {unit}s to read."
    elif len(pages.texts) < len(pages.names):
        out["sheets_not_read"] = pages.names[len(pages.texts):]
    return out


def _in_reader_process(kind: str, data: bytes, **limits) -> "reader_process.Pages":
    pages = reader_process.read(kind, data, seconds=READ_SECONDS, grace=KILL_GRACE, **limits)
    if not pages.started:
        log.error("The file reading process did not start (see its error above)")
        raise ReaderUnavailable("PDF and Office files cannot be read just now; the error was logged.")
    return pages


def _raise_if_unopened(pages: "reader_process.Pages", what: str) -> None:
    """Why the file could not be opened, if it could not; `what`: "a PDF", "an Excel workbook"."""
    kind = what.split(" ", 1)[1]
    if pages.locked:
        # An Office file protected by a password is not a zip, nor is one in the older formats (.doc, .xls).
        older = "" if kind == "PDF" else " (or saved in an older format)"
        raise ToolError(f"This {kind} is protected by a password{older}, so its text cannot be read.")
    if pages.total is None and not pages.killed:
        raise ToolError(f"This file could not be read as {what} (it may be damaged).")
    if pages.total is None:
        raise ToolError(f"This {kind} is too costly to open (time or memory); it cannot be read here.")


def _pdf_answer(pages: "reader_process.Pages", max_chars: int) -> dict:
    out = _paged_answer(pages, max_chars, "page")
    read, total = len(pages.texts), pages.total
    if read and not any(pages.texts) and None not in pages.texts:
        where = "This PDF holds" if read == total else f"The first {read} pages of this PDF hold"
        out["note"] = " ".join(filter(None, (out.get("note"), f"{where} no text (a scan or images, probably); it cannot be read here.")))
    return out


def _paged_answer(pages: "reader_process.Pages", max_chars: int, unit: str) -> dict:
    """The text of the pages read, how many there are, and notes on any not read and why."""
    read, total = len(pages.texts), pages.total
    text = "\n\n".join(page for page in pages.texts if page)
    unreadable = [number for number, page in enumerate(pages.texts, 1) if page is None]
    out = {**clip(text, max_chars), f"{unit}s": total}
    notes = []
    if read < total or pages.cut_short:
        out.pop("total_chars", None)  # of the pages read only: it would understate the document
        out.update({"truncated": True, f"{unit}s_read": read})
    if pages.killed:
        notes.append(f"Reading stopped on {unit} {read + 1}, too costly to read (time or memory); asking again will not help.")
    elif pages.cut_short:
        notes.append(f"Reading stopped part way through {unit} {read} at the time limit; asking for more will not help.")
    elif pages.timed_out:
        notes.append(f"Reading stopped after {unit} {read} at the time limit; asking for more will not help.")
    if unreadable:
        more = f" and {len(unreadable) - 20} more" if len(unreadable) > 20 else ""
        notes.append(f"{unit.capitalize()}s that could not be read: {', '.join(map(str, unreadable[:20]))}{more}.")
    if notes:
        out["note"] = " ".join(notes)
    return out
