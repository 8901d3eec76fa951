"""The text inside a file or an attachment, for the model to read: plain text, HTML and PDF.

PDFs are read with pypdf, page by page, stopping once there is enough text. A
scanned PDF has no text to read, and the model is told so rather than handed
an empty string it could take for an empty document.
"""
import io
import logging
import mimetypes

from pypdf import PdfReader

from app.tools.mail_mime import html_to_text
from app.tools.registry import ToolError, clip

log = logging.getLogger(__name__)

PDF = "application/pdf"
PDF_MAX_BYTES = 25 * 1024 * 1024  # Gmail's own limit on attachments; Drive PDFs past it are not downloaded
PDF_MAX_PAGES = 300  # pages read at most, however little text they hold: bounds the time one read takes
TEXT_APPLICATIONS = ("application/json", "application/xml", "application/javascript", "application/csv")


def file_type(mime_type: str, name: str) -> str:
    """The type to read a file as: many mailers label every attachment application/octet-stream."""
    if mime_type in ("", "application/octet-stream"):
        return mimetypes.guess_type(name)[0] or "application/octet-stream"
    return mime_type


def is_text(mime_type: str) -> bool:
    return mime_type.startswith("text/") or mime_type in TEXT_APPLICATIONS


def readable(mime_type: str) -> bool:
    return is_text(mime_type) or mime_type == PDF


def text_of(data: bytes, mime_type: str, name: str, max_chars: int) -> dict:
    """`{"text", "truncated"?, "pages"?, "note"?}` for a readable type (see `readable`)."""
    if mime_type == PDF:
        return pdf_text(data, name, max_chars)
    text = data.decode("utf-8", "replace")
    return clip(html_to_text(text) if mime_type == "text/html" else text, max_chars)


def pdf_text(data: bytes, name: str, max_chars: int) -> dict:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # many PDFs are encrypted with an empty password
            raise ToolError(f"{name} is protected by a password, so its text cannot be read.")
        total_pages = len(reader.pages)
        pages, length = [], 0
        for page in reader.pages:
            if length > max_chars or len(pages) == PDF_MAX_PAGES:
                break
            pages.append((page.extract_text() or "").strip())
            length += len(pages[-1])
    except ToolError:
        raise
    except Exception as exc:  # pypdf on a damaged or unusual file can fail in many ways; none may end the run
        log.info("Could not read the PDF %s: %s", name, type(exc).__name__)
        raise ToolError(f"{name} could not be read as a PDF (it may be damaged).") from None
    text = "\n\n".join(page for page in pages if page)
    if not text:
        return {"text": "", "pages": total_pages,
                "note": "This PDF holds no text (probably a scan or images); it cannot be read here."}
    out = {**clip(text, max_chars), "pages": total_pages}
    if len(pages) < total_pages:
        out.update(truncated=True, pages_read=len(pages))
    return out
