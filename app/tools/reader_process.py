"""PDFs and Word documents read as text in a child process that is killed when its time is up.

pypdf and python-docx are pure Python over untrusted files. A PDF built to be
costly (a form drawn thousands of times, a huge font map, a string that
inflates to megabytes) keeps pypdf busy on a single page for minutes, whatever
limits it is given; a Word file is a zip that can inflate to gigabytes. In the
server they would hold its GIL and memory. So files are read in a process of
their own, forked from a server process that has the readers loaded. It sends
each page's text as it goes and stops by itself at the time limit; if a page
keeps it past that, it is killed, and the answer holds the pages read by then.
Its memory is capped too.

Only the readers and the standard library are imported here: the child needs no more.
"""
import io
import multiprocessing
import resource
import time
from dataclasses import dataclass, field

import docx
from docx.table import Table
from pypdf import PdfReader, apply_configuration

MEMORY = 1024 * 1024 * 1024  # bytes of address space for the reading process
STARTUP_SECONDS = 30  # for the first read of a process, which starts the fork server
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload([__name__])


@dataclass
class Pages:
    total: int | None = None  # None: the file could not be opened
    texts: list[str | None] = field(default_factory=list)  # None for a page that could not be read
    locked: bool = False  # encrypted with a password other than the empty one
    started: bool = False  # the reading process came up (it cannot where __main__ cannot be imported again)
    killed: bool = False  # a page was still being read when the time was up, or the reader ran out of memory
    timed_out: bool = False  # reading stopped between pages at the time limit


def read(kind: str, data: bytes, *, max_chars: int, max_pages: int = 1, page_budget: int = 0, seconds: float,
         grace: float) -> Pages:
    """The text of a "pdf" or "docx": the first pages until max_chars, max_pages or `seconds` (checked
    between pages) is reached; the reading process is killed `grace` seconds after that. A Word
    document is one page."""
    receive, send = _context.Pipe(duplex=False)
    reader = _context.Process(target=_read_pages, args=(kind, data, max_chars, max_pages, page_budget, seconds, send),
                              daemon=True)
    reader.start()
    send.close()
    pages, deadline = Pages(), time.monotonic() + STARTUP_SECONDS
    try:
        while receive.poll(max(0.0, deadline - time.monotonic())):
            message, value = receive.recv()
            if message == "started":
                pages.started = True
                deadline = time.monotonic() + seconds + grace
            elif message == "opened":
                pages.total = value
            elif message == "locked":
                pages.locked = True
            elif message == "page":
                pages.texts.append(value)
            elif message == "done":
                pages.timed_out = value == "time"
            if message in ("done", "locked", "damaged"):
                return pages
        pages.killed = True
        return pages
    except EOFError:  # it died: out of memory, most likely
        pages.killed = True
        return pages
    finally:
        if reader.is_alive():
            reader.kill()
        reader.join()
        receive.close()


def _read_pages(kind: str, data: bytes, max_chars: int, max_pages: int, page_budget: int, seconds: float, out) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    out.send(("started", None))
    if kind == "docx":
        _read_docx(data, max_chars, out)
    else:
        _read_pdf(data, max_chars, max_pages, page_budget, time.monotonic() + seconds, out)


def _read_pdf(data: bytes, max_chars: int, max_pages: int, page_budget: int, until: float, out) -> None:
    try:
        pdf = PdfReader(io.BytesIO(data))
        if pdf.is_encrypted and not pdf.decrypt(""):  # many PDFs are encrypted with an empty password
            out.send(("locked", None))
            return
        total = len(pdf.pages)
    except Exception:  # pypdf on a damaged or unusual file can fail in many ways
        out.send(("damaged", None))
        return
    out.send(("opened", total))
    length, stopped = 0, None
    with apply_configuration(stream_parsing_work_maximum_count=page_budget):
        for number in range(min(total, max_pages)):
            if length > max_chars:
                break
            if number and time.monotonic() > until:
                stopped = "time"
                break
            try:
                text = (pdf.pages[number].extract_text() or "").strip()
            except Exception:  # one bad page must not lose the others
                text = None
            out.send(("page", text))
            length += len(text or "")
    out.send(("done", stopped))


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
        for block in document.iter_inner_content():
            if length > max_chars:
                break
            if isinstance(block, Table):
                lines.extend(" | ".join(cell.text.strip() for cell in row.cells) for row in block.rows)
            else:
                lines.append(_heading_mark(block) + block.text)
            length += len(lines[-1]) if lines else 0
        out.send(("page", "\n".join(lines).strip()))
    except Exception:
        out.send(("page", None))
    out.send(("done", None))


def _heading_mark(paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = style.removeprefix("Heading ").strip()
    return "#" * int(level) + " " if style.startswith("Heading ") and level.isdigit() else ""
