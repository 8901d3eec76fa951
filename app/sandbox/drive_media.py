"""Drive's bytes: upload bodies in, exports and field masks out.

One-request uploads are parsed by app.sandbox.uploads; resumable sessions
are kept by the Drive state.
"""
import csv
import io
import re

import openpyxl

from app.sandbox import partial_response
from app.sandbox.routing import ApiError

FOLDER = "application/vnd.google-apps.folder"
DOC = "application/vnd.google-apps.document"
SHEET = "application/vnd.google-apps.spreadsheet"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC_EXPORTS = {"text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown", "text/html": "html"}


def export(file: dict, mime_type: str) -> bytes:
    """A Google Doc or Sheet in another format, as Drive's files.export gives it."""
    if file["mimeType"] == DOC and mime_type in DOC_EXPORTS:
        return file["document"].export(DOC_EXPORTS[mime_type]).encode()
    if file["mimeType"] == SHEET and mime_type == "text/csv":
        return rows_to_csv(file["rows"]).encode()
    if file["mimeType"] == SHEET and mime_type == XLSX:
        return sheets_to_xlsx([("Sheet1", file["rows"]), *file.get("more_sheets", [])])
    if file["mimeType"] in (DOC, SHEET) and mime_type == PDF:
        return text_to_pdf(export(file, "text/plain" if file["mimeType"] == DOC else "text/csv").decode())
    if file["mimeType"] not in (DOC, SHEET):
        raise ApiError(403, "Export only supports Docs Editors files.", "fileNotExportable")
    raise ApiError(400, "The requested conversion is not supported.", "badRequest")


def rows_to_csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def sheets_to_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    """An Excel workbook of the sheets, numbers as numbers, as Drive exports a spreadsheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_number_or_text(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A number as a cell shows one: no leading zero (02134 is a code, kept as text), at most 15
# significant digits; "NaN", "inf" and "1_000" are text, though Python would read them as numbers.
NUMBER = re.compile(r"-?(0|[1-9]\d{0,14})(\.\d+)?")


def _number_or_text(value):
    if isinstance(value, str) and NUMBER.fullmatch(value) and len(value.lstrip("-").replace(".", "").lstrip("0")) <= 15:
        return float(value) if "." in value else int(value)
    return value or None


def csv_to_rows(data: bytes) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(data.decode("utf-8", "replace")))]


def readable_text(file: dict) -> str | None:
    """The text a person would read in the file, or None for binary content."""
    if file["mimeType"] == DOC:
        return file["document"].export("markdown")
    if file["mimeType"] == SHEET:
        return rows_to_csv(file["rows"])
    content = file.get("content")
    if content is None or not is_text(file["mimeType"]):
        return None
    return content.decode("utf-8", "replace")


def is_text(mime_type: str) -> bool:
    return mime_type.startswith("text/") or mime_type in ("application/json", "application/xml")


def text_to_pdf(text: str) -> bytes:
    """A one-page PDF showing the text, enough for an exported Doc to open in a viewer."""
    lines = [_pdf_string(line) for line in text.splitlines()[:50]]
    stream = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    table = "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{len(out)}\n%%EOF\n"
    return out + f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n{table}{trailer}".encode("latin-1")


def _pdf_string(line: str) -> str:
    # Helvetica's built-in encoding covers Latin-1; anything else shows as "?".
    line = line.encode("latin-1", "replace").decode("latin-1")
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


# --- the `fields` parameter ----------------------------------------------------
def apply_fields(value, fields: str | None, default: str):
    """Keep only the fields asked for, or Drive's default set when none are; "*" keeps all."""
    return partial_response.select(value, fields or default)
