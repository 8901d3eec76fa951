"""The readers the file reading process runs (app.tools.reader_process), one page at a time.

pypdf, python-docx, openpyxl, xlrd and python-pptx take about half a second to import: only the
reading process's fork server imports this module, so the server itself starts without them.
"""
import functools
import io
import resource
import time

import docx
import openpyxl
import pptx
import xlrd
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pptx.shapes.group import GroupShape
from pypdf import PdfReader, apply_configuration

from app.tools.cell_values import displayed
from app.tools.file_text import OLE_SIGNATURE
from app.tools.sheet_ranges import Bounds, find, rows_part

MEMORY = 1024 * 1024 * 1024  # bytes of address space for the reading process


def read_pages(kind: str, data: bytes, max_chars: int, max_pages: int, page_budget: int, seconds: float, out,
               part: str | None = None) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    out.send(("started", None))
    until = time.monotonic() + seconds
    if kind not in ("pdf", "xls") and data.startswith(OLE_SIGNATURE):
        out.send(("locked", None))
    elif kind == "docx":
        _read_docx(data, max_chars, out)
    elif kind == "pdf":
        with apply_configuration(stream_parsing_work_maximum_count=page_budget):
            _send_pages(_pdf_pages, data, max_chars, max_pages, until, out)
    else:
        readers = {"xlsx": functools.partial(_sheets, part=part), "xls": functools.partial(_xls_sheets, part=part),
                   "pptx": _slides}
        _send_pages(readers[kind], data, max_chars, max_pages, until, out)


def _send_pages(open_pages, data: bytes, max_chars: int, max_pages: int, until: float, out) -> None:
    """Send the text of each page `open_pages(file, until)` gives (their number, a reader of each
    page's text, and the names of a workbook's sheets) until there is enough text, pages or time."""
    try:
        total, pages, names = open_pages(io.BytesIO(data), until)
    except Locked:
        out.send(("locked", None))
        return
    except Exception:  # readers of a damaged or unusual file can fail in many ways
        out.send(("damaged", None))
        return
    out.send(("opened", total))
    if names:
        out.send(("names", names))
    length, stopped = 0, None
    for number in range(min(total, max_pages)):
        if length > max_chars:
            break
        if number and time.monotonic() > until:
            stopped = "time"
            break
        # A page is cut to what is still wanted here, not in the server: one slide or one row can
        # hold megabytes, which must not cross into the server's memory.
        wanted = max_chars - length + 1  # one more character tells the server there was more
        try:
            text = _sent_text(next(pages)(wanted), wanted, out)
        except TimeUp as cut:
            out.send(("page", _sent_text(cut.text, wanted, out)))
            stopped = "cut"
            break
        except Exception:  # one bad page must not lose the others
            text = None
        out.send(("page", text))
        length += len(text or "")
    out.send(("done", stopped))


def _sent_text(page: str | dict, wanted: int, out) -> str:
    """A page's text, cut to `wanted`; of a sheet or range asked for (sheet_ranges.rows_part: already
    whole rows within max_chars), the range shown and any note are sent first."""
    if isinstance(page, dict):
        out.send(("part", {key: value for key, value in page.items() if key != "text"}))
        return page["text"]
    return page.strip()[:wanted]


class Locked(Exception):
    """Encrypted with a password other than the empty one."""


class TimeUp(Exception):
    """The time limit came while a page was read: `text` is what was read of it (of a sheet or range
    asked for, its whole rows read, as _part_text gives them)."""

    def __init__(self, text: str | dict):
        super().__init__()
        self.text = text


def _pdf_pages(file, until: float):
    pdf = PdfReader(file)
    if pdf.is_encrypted and not pdf.decrypt(""):  # many PDFs are encrypted with an empty password
        raise Locked
    return len(pdf.pages), (lambda _, page=page: page.extract_text() or "" for page in pdf.pages), None


def _sheets(file, until: float, part: str | None = None):
    """A workbook's sheets (or the sheet or range `part` names) as rows of cells joined by |, under
    the sheet's name; the values a spreadsheet program last computed (not its formulas), shown in
    each cell's number format."""
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    chosen = _chosen(book.sheetnames, part)
    return len(chosen), (functools.partial(_sheet_text, book.worksheets[index], until, cells, part is not None)
                         for index, cells in chosen), book.sheetnames


def _chosen(names: list[str], part: str | None) -> list[tuple[int, Bounds | None]]:
    """The sheets to read and their cells: all, or the one asked for (none when there is no such sheet)."""
    if part is None:
        return [(index, None) for index in range(len(names))]
    found = find(names, part)
    return [found] if found else []


def _sheet_text(sheet, until: float, cells: Bounds | None, asked: bool, max_chars: int) -> str | dict:
    # The size a sheet declares may be wrong: too small, read-only mode would drop the cells outside
    # it; a million rows by 16,384 columns, it would pad every row. The cells themselves say.
    sheet.reset_dimensions()
    last_row = cells[3] if cells else None

    def rows(top: int, left: int | None, right: int | None):
        return ([displayed(cell.value, cell.number_format) for cell in row]
                for row in sheet.iter_rows(min_row=top, max_row=last_row, min_col=left, max_col=right))

    if asked:
        return _part_text(sheet.title, cells, rows, until, max_chars)
    return _rows_text(sheet.title, rows(1, None, None), until, max_chars)


def _xls_sheets(file, until: float, part: str | None = None):
    """An Excel 97-2003 workbook (.xls), read as _sheets reads .xlsx."""
    try:
        book = xlrd.open_workbook(file_contents=file.getvalue(), formatting_info=True, on_demand=True,
                                  logfile=io.StringIO())  # xlrd prints its warnings otherwise
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            raise Locked from None
        raise
    chosen = _chosen(book.sheet_names(), part)
    return len(chosen), (functools.partial(_xls_sheet_text, book, index, until, cells, part is not None)
                         for index, cells in chosen), book.sheet_names()


def _xls_sheet_text(book, index: int, until: float, cells: Bounds | None, asked: bool, max_chars: int) -> str | dict:
    sheet = book.sheet_by_index(index)
    last_row = cells[3] if cells else None

    def rows(top: int, left: int | None, right: int | None):
        return ([_xls_cell(book, cell) for cell in sheet.row(number)[(left or 1) - 1:right]]
                for number in range(top - 1, min(last_row or sheet.nrows, sheet.nrows)))

    try:
        if asked:
            return _part_text(sheet.name, cells, rows, until, max_chars)
        return _rows_text(sheet.name, rows(1, None, None), until, max_chars)
    finally:
        book.unload_sheet(index)  # a sheet is padded to its widest row: sheets must not pile up in memory


def _xls_cell(book, cell) -> str:
    """A cell as shown: dates as dates, numbers in their number format, errors as #DIV/0! and such."""
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return displayed(cell.value, None)
        # Under one day and from day zero: a time of day (12:00), not a date in 1899.
        return displayed(moment.time() if 0 <= cell.value < 1 else moment, None)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        shown = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
        return displayed(cell.value, shown.format_str if shown else None)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return displayed(bool(cell.value), None)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return str(cell.value) if cell.ctype == xlrd.XL_CELL_TEXT else ""


def _rows_text(title: str, rows, until: float, max_chars: int) -> str:
    """A sheet as its name, then its rows of cells joined by |."""
    lines, length = [f"## {title}"], 0
    # A sheet may hold a million rows, formatted and empty: rows are read only while time and text remain.
    for number, cells in enumerate(rows):
        if length > max_chars:
            break
        if number % 1000 == 999 and time.monotonic() > until:
            raise TimeUp("\n".join(lines))
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append(" | ".join(cells))
            length += len(lines[-1])
    return "\n".join(lines)


def _part_text(title: str, cells: Bounds | None, rows, until: float, wanted: int) -> dict:
    """The sheet or range asked for, as a Google Sheet's is shown (sheet_ranges.rows_part): whole
    rows, empty ones kept, the range shown and the row to ask for next. `rows(top, left, right)`:
    the rows from top to the range's last or the sheet's, read only as far as needed; how many a
    sheet has is not taken as known (an .xlsx declares it, maybe wrongly): a row past those shown
    says there are more. At the time limit, the whole rows read by then."""
    late = []

    def read(top: int, bottom: int, left: int | None, right: int | None):
        return _until(rows(top, left, right), until, late), None

    # A page is asked for one character more than max_chars (_send_pages): whole rows need the very limit.
    out = rows_part(title, cells, (None, None), read, wanted - 1)
    if late:
        raise TimeUp(out)
    return out


def _until(rows, until: float, late: list):
    """The rows until the time limit, checked every thousand of them; `late` is told when it came."""
    for number, row in enumerate(rows):
        if number % 1000 == 999 and time.monotonic() > until:
            late.append(number)
            return
        yield row


def _slides(file, until: float):
    """A deck's slides: the text of their shapes, tables as rows joined by |, and the speaker notes."""
    slides = list(pptx.Presentation(file).slides)
    return len(slides), (functools.partial(_slide_text, number, slide) for number, slide in enumerate(slides, 1)), None


def _slide_text(number: int, slide, max_chars: int) -> str:
    lines = [f"## Slide {number}", *_shape_lines(slide.shapes)]
    notes = slide.notes_slide.notes_text_frame if slide.has_notes_slide else None  # None: a notes page without notes
    if notes is not None and notes.text.strip():
        lines.append(f"Notes: {notes.text.strip()}")
    return "\n".join(lines)


def _shape_lines(shapes):
    for shape in shapes:
        try:
            if isinstance(shape, GroupShape):
                yield from _shape_lines(shape.shapes)
            elif shape.has_text_frame and shape.text_frame.text.strip():
                yield shape.text_frame.text.strip()
            elif getattr(shape, "has_table", False) and shape.has_table:
                yield from (" | ".join(cell.text.strip() for cell in row.cells) for row in shape.table.rows)
        except Exception:  # one odd shape must not lose the rest of the slide
            continue


def _read_docx(data: bytes, max_chars: int, out) -> None:
    """Paragraphs and tables in document order, as Markdown-ish text: headings with #, cells with |."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # not a Word document, or a damaged one
        out.send(("damaged", None))
        return
    out.send(("opened", 1))
    lines, length = [], 0
    try:
        for block in _blocks(document.element.body):
            if length > max_chars:
                break
            if block.tag == TABLE:
                added = _table_lines(block)
            else:
                added = [_heading_mark(Paragraph(block, document)) + _inline_text(block)]
            lines += added
            length += sum(len(line) + 1 for line in added)
        out.send(("page", "\n".join(lines).strip()[: max_chars + 1]))  # one more: the server sees there was more
    except Exception:
        out.send(("page", None))
    out.send(("done", None))


PARAGRAPH, TABLE, ROW, CELL, RUN = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
# What wraps paragraphs, rows, cells or runs without being text itself: content controls (which Word
# templates, forms and cover pages fill), custom XML, tracked insertions, links, smart tags, fields.
WRAPPERS = {qn(f"w:{tag}") for tag in ("sdt", "sdtContent", "customXml", "ins", "hyperlink", "smartTag", "fldSimple")}


def _children(element, *tags: str):
    """The element's children of these tags in document order, those inside wrappers included."""
    for child in element.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in WRAPPERS:
            yield from _children(child, *tags)


def _blocks(element):
    """The paragraphs and tables of the body or of a table cell."""
    return _children(element, PARAGRAPH, TABLE)


def _inline_text(paragraph) -> str:
    return "".join(run.text for run in _children(paragraph, RUN))


def _table_lines(table) -> list[str]:
    """A row a line, its cells joined by |: a merged cell's text once, in its first column; a
    table inside a cell as that cell's lines."""
    lines = []
    for row in _children(table, ROW):
        cells = []
        for cell in _children(row, CELL):
            continued = cell.vMerge == "continue"  # the cell above holds the text
            cells += ["" if continued else _cell_text(cell)] + [""] * (cell.grid_span - 1)
        lines.append(" | ".join(cells))
    return lines


def _cell_text(cell) -> str:
    return "\n".join(line for block in _blocks(cell)
                     for line in (_table_lines(block) if block.tag == TABLE else [_inline_text(block)])).strip()


def _heading_mark(paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = style.removeprefix("Heading ").strip()
    return "#" * int(level) + " " if style.startswith("Heading ") and level.isdigit() else ""
