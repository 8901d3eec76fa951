"""PDFs and Office files read as text in a child process that is killed when its time is up.

pypdf, python-docx, openpyxl and python-pptx are pure Python over untrusted
files. A PDF built to be costly (a form drawn thousands of times, a huge font
map, a string that inflates to megabytes) keeps pypdf busy on a single page for
minutes, whatever limits it is given; an Office file is a zip that can inflate
to gigabytes. In the server they would hold its GIL and memory. So files are
read in a process of their own, forked from a fork server that has the readers
(app.tools.file_readers) loaded; the server never imports them. The child sends
each page's text (a PDF's pages, a workbook's sheets, a deck's slides) as it
goes and stops by itself at the time limit; if a page keeps it past that, it is
killed, and the answer holds the pages read by then. Its memory is capped too.
"""
import multiprocessing
import time
from dataclasses import dataclass, field

STARTUP_SECONDS = 30  # for the first read of a process, which starts the fork server
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["app.tools.file_readers"])


@dataclass
class Pages:
    total: int | None = None  # None: the file could not be opened
    texts: list[str | None] = field(default_factory=list)  # None for a page that could not be read
    locked: bool = False  # encrypted with a password other than the empty one
    started: bool = False  # the reading process came up (it cannot where __main__ cannot be imported again)
    killed: bool = False  # a page was still being read when the time was up, or the reader ran out of memory
    timed_out: bool = False  # reading stopped at the time limit
    cut_short: bool = False  # ... in the middle of the last page sent (a long sheet)
    names: list[str] = field(default_factory=list)  # a workbook's sheets, all of them, read or not
    part: dict = field(default_factory=dict)  # of a sheet or range asked for: the range shown, any note on rows left


def read(kind: str, data: bytes, *, max_chars: int, max_pages: int = 1, page_budget: int = 0, seconds: float,
         grace: float, part: str | None = None) -> Pages:
    """The text of a "pdf", "docx", "xlsx" or "pptx": the first pages until max_chars, max_pages or
    `seconds` (checked between pages) is reached; the reading process is killed `grace` seconds after
    that. A Word document is one page, a workbook's sheets and a deck's slides are its pages; `part`:
    only the workbook's sheet or range so named (app.tools.sheet_ranges)."""
    receive, send = _context.Pipe(duplex=False)
    reader = _context.Process(target=_in_child, args=(kind, data, max_chars, max_pages, page_budget, seconds, send, part),
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
            elif message == "names":
                pages.names = value
            elif message == "part":
                pages.part = value
            elif message == "locked":
                pages.locked = True
            elif message == "page":
                pages.texts.append(value)
            elif message == "done":
                pages.timed_out, pages.cut_short = value in ("time", "cut"), value == "cut"
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


def _in_child(*args) -> None:
    # Already imported in the fork server (its preload), so this costs the child nothing.
    from app.tools import file_readers

    file_readers.read_pages(*args)
