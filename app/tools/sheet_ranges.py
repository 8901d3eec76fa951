"""Which part of a spreadsheet is asked for: a sheet (tab) by its title or by the #gid= its link
opens at, or an A1 range (Summary!A1:D50, 'Q3 costs'!B:C, or A1:D50 on the first sheet).

A workbook is read sheet by sheet up to max_chars, so the sheets after a long one are reached
only by asking for them. A sheet or range asked for is shown in whole rows, saying the range shown and
the row to ask for next (`rows_part`). `find` and `rows_part` run in the file reading process too,
for Excel files, which are so read alike.
"""
import bisect
import itertools
import re

from app import google_api
from app.tools.registry import ToolError

GID = re.compile(r"[#?&]gid=(\d+)")  # the sheet a link opens at: …/edit#gid=1234
# A1 cells: B2, A1:D50, A:C (whole columns), 2:10 (whole rows), A2:D (from row 2 down).
CELLS = re.compile(r"(?P<c1>[A-Z]{1,3})?(?P<r1>\d+)?(?::(?P<c2>[A-Z]{1,3})?(?P<r2>\d+)?)?", re.IGNORECASE)
TAB_AND_CELLS = re.compile(r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!]+))!(?P<cells>[^!]+)")

# (first column, first row, last column, last row), from 1; None where the range is open.
Bounds = tuple[int | None, int | None, int | None, int | None]


def tab_named(titles: list[str], wanted: str) -> int | None:
    """The index of the sheet with this title: as written, else in any case."""
    for same in (lambda title: title == wanted, lambda title: title.casefold() == wanted.casefold()):
        found = next((index for index, title in enumerate(titles) if same(title)), None)
        if found is not None:
            return found
    return None


def find(titles: list[str], wanted: str, default: int = 0) -> tuple[int, Bounds | None] | None:
    """The sheet (its index) and the cells asked for (None: all of them); None when there is no such
    sheet. A title as it is comes first (a sheet may be called "Q1:Q2"), then Tab!A1:D50, then a
    range alone (A1:D50, A:C; not B2, which may be a mistyped title) on the `default` sheet."""
    wanted = wanted.strip()
    whole = tab_named(titles, wanted)
    if whole is not None:
        return whole, None
    match = TAB_AND_CELLS.fullmatch(wanted)
    if match and (cells := bounds(match["cells"])):
        index = tab_named(titles, match["plain"].strip() if match["plain"] else match["quoted"].replace("''", "'"))
        return None if index is None else (index, cells)
    cells = bounds(wanted) if ":" in wanted else None
    return (default, cells) if cells and titles else None


def bounds(cells: str) -> Bounds | None:
    match = CELLS.fullmatch(cells.strip())
    if not match:
        return None
    c1, r1, c2, r2 = _column(match["c1"]), _row(match["r1"]), _column(match["c2"]), _row(match["r2"])
    if ":" not in cells:
        return (c1, r1, c1, r1) if c1 and r1 else None  # one cell
    if bool(c1) != bool(c2) or (r2 and not r1) or not (c1 or r2) or 0 in (r1, r2):
        return None
    (c1, c2), (r1, r2) = _ordered(c1, c2), _ordered(r1, r2)
    return c1, r1, c2, r2


def read_range(ctx, spreadsheet_id: str, wanted: str | None, link: str, max_chars: int) -> dict | None:
    """The sheet or range asked for (or the sheet the link opens at) of a Google Sheet, as the person
    sees its cells, with the titles of its other sheets; None when neither asks for a part (nor does a
    link to the first sheet, what a copied link usually is): the whole spreadsheet is to be read."""
    spreadsheets = ctx.service("sheets").spreadsheets()
    fields = "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)))"
    book = google_api.execute(spreadsheets.get(spreadsheetId=spreadsheet_id, fields=fields))
    sheets = [sheet["properties"] for sheet in book.get("sheets", [])]
    titles = [sheet["title"] for sheet in sheets]
    opened = linked(sheets, link) if GID.search(link) else 0
    if wanted is None:
        if not opened:
            return None
        found = opened, None
    elif (found := find(titles, wanted, opened)) is None:
        raise missing(wanted, titles)
    index, cells = found
    out = _cells_text(spreadsheets, spreadsheet_id, sheets[index], cells, max_chars)
    return {**out, "other_sheets": titles[:index] + titles[index + 1:]}


def _cells_text(spreadsheets, spreadsheet_id: str, sheet: dict, cells: Bounds | None, max_chars: int) -> dict:
    """The cells (all of the sheet's for None) of a Google Sheet's sheet, as rows_part shows them."""
    grid = sheet.get("gridProperties", {})

    def read(top: int, bottom: int, left: int | None, right: int | None):
        asked = _a1(sheet["title"], top, bottom, left, right)
        got = google_api.execute(spreadsheets.values().batchGet(
            spreadsheetId=spreadsheet_id, ranges=[asked], valueRenderOption="FORMATTED_VALUE", majorDimension="ROWS"))
        part = got["valueRanges"][0]
        return part.get("values", []), part.get("range", asked)

    return rows_part(sheet["title"], cells, (grid.get("rowCount"), grid.get("columnCount")), read, max_chars)


def rows_part(title: str, cells: Bounds | None, size: tuple[int | None, int | None], read, max_chars: int) -> dict:
    """The cells (all of the sheet's for None) as shown, in rows joined by |, under the sheet's title:
    whole rows, as many as max_chars holds, the range shown, and the row to go on from when more are
    left. Google Sheets and Excel files (in the file reading process) are read alike.

    `size`: the sheet's rows and columns; None where not known (an .xlsx). `read(top, bottom, left,
    right)` gives the cells of rows top, top + 1, … (left to right; None: all) as an iterable read only
    as far as needed, empty rows at the end may be left out, and the range read (None: as asked).
    Where the sheet's rows are not known, it gives them past bottom, as far as there are any."""
    first_column, first_row, last_column, last_row = cells or (None, None, None, None)
    rows, columns = size
    # Each row shown takes a character at least (its line break): no more rows than that are read.
    # Sheets refuses a range past the sheet's grid, so the range is cut to it.
    window = _cut(first_row or 1, last_row, rows, max_chars), _cut(first_column, last_column, columns, None)
    if None in window:
        return {"text": f"## {title}", "note": f"No cells there: the sheet has {rows} rows and {columns} columns."}
    (top, bottom), (left, right) = window
    given, span = read(top, bottom, left, right)
    given = iter(given)
    heading = f"## {title}"
    lines, ran_out = _lines(given, bottom - top + 1, max_chars - len(heading))
    if rows is None and ran_out:  # the sheet ends there
        if not lines:
            return {"text": heading, "note": f"No cells there: the sheet holds nothing from row {top} on."}
        bottom = top + len(lines) - 1
    while lines and not lines[-1]:
        lines.pop()  # as Sheets leaves out the empty rows at the end
    text, shown, cut = _whole_rows(heading, lines, max_chars)
    out, notes = {"text": text}, []
    if cut:
        notes.append(f"Row {top} is longer than max_chars: only its start is shown.")
    # When every row read is shown, the next is past the rows read (the empty ones at the end included).
    after = top + shown if shown < len(lines) else bottom + 1
    out["range"] = re.sub(r"\d+$", str(after - 1), span or _a1(title, top, bottom, left, right))  # the rows shown
    if rows is None:  # a row read past bottom says there are more
        more = after <= bottom or next(given, None) is not None
    else:
        more = after <= min((end for end in (last_row, rows) if end), default=after)
    if more:
        notes.append(f"Rows {after} on were not read: ask for them.")
    if notes:
        out.update(truncated=True, note=" ".join(notes))
    return out


def _lines(rows, most: int, room: int) -> tuple[list[str], bool]:
    """Up to `most` rows as lines (an empty row as an empty line, so that they keep their numbers),
    read until one that will not be shown, and whether the rows ran out first. The first row is shown
    however long; empty rows past the `room` characters tell nothing yet (empty rows at the end are not
    shown): the rows are read on to the next one with cells."""
    lines, length = [], 0
    for row in itertools.islice(rows, most):
        cells = [str(cell) for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(" | ".join(cells))
        length += 1 + len(lines[-1])
        if length > room and lines[-1] and len(lines) > 1:
            return lines, False
    return lines, len(lines) < most


def _a1(title: str, top: int, bottom: int, left: int | None, right: int | None) -> str:
    """Rows top..bottom, of columns left..right or whole, in A1 notation."""
    return quoted(title) + "!" + (f"{_letters(left)}{top}:{_letters(right)}{bottom}" if left else f"{top}:{bottom}")


def _whole_rows(heading: str, lines: list[str], max_chars: int) -> tuple[str, int, bool]:
    """The heading and as many whole lines under it as max_chars holds, how many, and whether the
    first had to be cut instead: a row longer than max_chars shows its start rather than nothing."""
    shown = bisect.bisect_right(list(itertools.accumulate(1 + len(line) for line in lines)), max_chars - len(heading))
    if lines and not shown:
        return f"{heading}\n{lines[0]}"[:max_chars], 1, True
    return "\n".join([heading, *lines[:shown]]), shown, False


def _cut(first: int | None, last: int | None, size: int | None, most: int | None) -> tuple | None:
    """Rows or columns first..last (None: to the end) within a grid of `size`, at most `most` of them;
    None when the first is past the grid."""
    if first is not None and size is not None and first > size:
        return None
    ends = [end for end in (last, size, most and (first or 1) + most - 1) if end is not None]
    return first, min(ends) if ends else None


def missing(wanted: str, titles: list[str]) -> ToolError:
    return ToolError(f"The spreadsheet has no sheet {wanted!r}; its sheets follow.", found={"sheets": titles})


def linked(sheets: list[dict], link: str) -> int:
    """The index of the sheet a link names (#gid=), else of the first: the tab the person was looking at."""
    gid = GID.search(link)
    if gid is None:
        return 0
    found = next((index for index, sheet in enumerate(sheets) if sheet["sheetId"] == int(gid[1])), None)
    if found is None:
        raise ToolError("The link names a sheet (gid) this spreadsheet no longer has; its sheets follow.",
                        found={"sheets": [sheet["title"] for sheet in sheets]})
    return found


def quoted(title: str) -> str:
    """A sheet's title as an A1 range: quoted, with ' doubled, as Sheets reads any title."""
    return "'" + title.replace("'", "''") + "'"


def _ordered(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    return (min(a, b), max(a, b)) if a is not None and b is not None else (a, b)


def _column(letters: str | None) -> int | None:
    if not letters:
        return None
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row(digits: str | None) -> int | None:
    return int(digits) if digits else None
