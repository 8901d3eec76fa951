"""Sandbox emulation of the Sheets API v4: a spreadsheet's sheets, and appending rows.

Spreadsheets are Drive files (see the drive section): the first sheet's rows are
file["rows"], the others file["more_sheets"] as (title, rows). The first sheet is
called "Sheet1", as in a new Google Sheet. Appended values are kept as a CSV or
Excel export of the file then shows them (a formula as its text). USER_ENTERED
reads them as Sheets reads typing: a leading apostrophe makes text (and is not
kept), digits make a number (02134 is 2134, and a number holds 15 significant
digits), +x or -x that is no amount makes a formula (=+x).

    GET  /v4/spreadsheets/{id}                       properties and sheets (fields honoured)
    GET  /v4/spreadsheets/{id}/values:batchGet       ranges in A1 notation ('Q3 costs'!A1:D50, Sheet1, A:C,
                                                     2:10) within the grid; cells as stored, which is as shown
                                                     (FORMATTED_VALUE) and, a formula being kept as its text, as
                                                     written (FORMULA); trailing empty rows and cells left out
    POST /v4/spreadsheets/{id}/values/{range}:append valueInputOption RAW or USER_ENTERED;
                                                     rows go under the sheet's last row
"""
import re
from urllib.parse import unquote

from app.sandbox.drive_media import SHEET, apply_fields
from app.sandbox.routing import ApiError, Router
from app.scopes import DRIVE, G

router = Router("sheets")

READ = (G + "spreadsheets", G + "spreadsheets.readonly", DRIVE, G + "drive.readonly", G + "drive.file")
WRITE = (G + "spreadsheets", DRIVE, G + "drive.file")
SPREADSHEET = r"/v4/spreadsheets/(?P<spreadsheet_id>[\w-]+)"
FIRST_SHEET = "Sheet1"


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox

    def file(self, spreadsheet_id: str) -> dict:
        file = self.sandbox.state["drive"].files.get(spreadsheet_id)
        if file is None or file["trashed"] or file["mimeType"] != SHEET:
            raise ApiError(404, "Requested entity was not found.", "notFound")
        return file

    def dump(self) -> dict:
        return {}  # spreadsheets are Drive files: see the drive section


def sheets(file: dict) -> list[tuple[str, list]]:
    return [(FIRST_SHEET, file["rows"]), *file.get("more_sheets", [])]


@router.get(SPREADSHEET, scopes=READ)
def get_spreadsheet(state: State, request, spreadsheet_id):
    file = state.file(spreadsheet_id)
    body = {
        "spreadsheetId": file["id"],
        "properties": {"title": file["name"], "locale": "en_US", "timeZone": state.sandbox.account["timezone"]},
        "sheets": [{"properties": {"sheetId": index, "title": title, "index": index, "sheetType": "GRID",
                                   "gridProperties": dict(zip(("rowCount", "columnCount"), _grid(rows)))}}
                   for index, (title, rows) in enumerate(sheets(file))],
        "spreadsheetUrl": state.sandbox.link("file", file["id"]),
    }
    return apply_fields(body, request.arg("fields"), "*")


@router.get(SPREADSHEET + r"/values:batchGet", scopes=READ)
def batch_get_values(state: State, request, spreadsheet_id):
    file = state.file(spreadsheet_id)
    if request.arg("valueRenderOption", "FORMATTED_VALUE") not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
        raise ApiError(400, "Invalid valueRenderOption.", "badRequest")
    if not request.args("ranges"):
        raise ApiError(400, "ranges is required.", "badRequest")
    return {"spreadsheetId": file["id"], "valueRanges": [_value_range(file, a1) for a1 in request.args("ranges")]}


# A1 cells: B2, A1:D50, A:C, 2:10, A2:D.
CELLS = re.compile(r"([A-Z]{0,3})(\d*)(?::([A-Z]{0,3})(\d*))?")


def _value_range(file: dict, a1: str) -> dict:
    """The cells of one range of the sheet's grid (its rows, at least 1000, by 26 columns or its widest row):
    a range open at its end runs to the grid's; one past it is refused, as Sheets refuses it."""
    sheet, _, cells = re.fullmatch(r"('(?:[^']|'')*'|[^!]*)(!?)(.*)", a1, re.DOTALL).groups()
    if not cells and sheet not in [title for title, _ in sheets(file)] and not sheet.startswith("'"):
        sheet, cells = FIRST_SHEET, sheet  # cells alone: on the first sheet
    title = _sheet_title(sheet)
    rows = next((rows for name, rows in sheets(file) if name == title), None)
    match = CELLS.fullmatch(cells.upper())
    if rows is None or match is None:
        raise ApiError(400, f"Unable to parse range: {a1}", "badRequest")
    height, width = _grid(rows)
    first_column, first_row = _column_number(match[1]) or 1, int(match[2] or 1)
    if match[3] is None and cells:  # one cell
        last_column, last_row = first_column, first_row
    else:
        last_column, last_row = _column_number(match[3] or "") or width, int(match[4] or height)
    if max(first_column, last_column) > width or max(first_row, last_row) > height:
        raise ApiError(400, f"Range ({a1}) exceeds grid limits. Max rows: {height}, max columns: {width}", "badRequest")
    values = [row[first_column - 1:last_column] for row in rows[first_row - 1:last_row]]
    values = [row[:max((i + 1 for i, cell in enumerate(row) if cell != ""), default=0)] for row in values]
    while values and not values[-1]:
        values.pop()
    where = f"{_quoted(title)}!{_column(first_column)}{first_row}:{_column(last_column)}{last_row}"
    return {"range": where, "majorDimension": "ROWS", **({"values": values} if values else {})}


def _grid(rows: list) -> tuple[int, int]:
    """A sheet's rows and columns: a new sheet's 1000 by 26, or as many as its cells take."""
    return max(1000, len(rows)), max([26, *(len(row) for row in rows)])


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


@router.post(SPREADSHEET + r"/values/(?P<cells>[^/]+):append", scopes=WRITE)
def append_values(state: State, request, spreadsheet_id, cells):
    file = state.file(spreadsheet_id)
    if request.arg("valueInputOption") not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "Invalid valueInputOption: must be RAW or USER_ENTERED.", "badRequest")
    a1 = unquote(cells)
    title = _sheet_title(a1)
    rows = next((rows for name, rows in sheets(file) if name == title), None)
    if rows is None:
        raise ApiError(400, f"Unable to parse range: {a1}", "badRequest")
    values = request.json().get("values") or []
    if not all(isinstance(row, list) for row in values):
        raise ApiError(400, "Invalid values: each row must be a list.", "badRequest")
    table = f"{_quoted(title)}!A1:{_column(max((len(r) for r in rows), default=1))}{len(rows)}" if rows else None
    first = len(rows) + 1
    typed = _user_entered if request.arg("valueInputOption") == "USER_ENTERED" else _text
    rows.extend([["" if cell is None else typed(cell) for cell in row] for row in values])
    state.sandbox.state["drive"].touch(file)
    width = max((len(row) for row in values), default=0)
    updates = {"spreadsheetId": file["id"], "updatedRange": f"{_quoted(title)}!A{first}:{_column(width)}{len(rows)}",
               "updatedRows": len(values), "updatedColumns": width, "updatedCells": sum(len(row) for row in values)}
    return {"spreadsheetId": file["id"], **({"tableRange": table} if table else {}), "updates": updates}


def _sheet_title(a1: str) -> str:
    """The sheet an A1 range names: "Sheet1", "Sheet1!A:C", "'Q3 costs'!A1" ('' inside quotes is ')."""
    quoted = re.fullmatch(r"'((?:[^']|'')*)'(?:!.*)?", a1, re.DOTALL)
    if quoted:  # the title may hold ! itself
        return quoted[1].replace("''", "'")
    return a1.split("!", 1)[0]


def _quoted(title: str) -> str:
    return title if title.replace("_", "").isalnum() else "'" + title.replace("'", "''") + "'"


def _column(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")  # not 1,234: Sheets shows that as typed
AMOUNT = re.compile(r"[+-]?[$€£¥]?\s*\d[\d.,]*\s*[$€£¥%]?")  # -$1,200.00, -450 €: numbers too


def _user_entered(cell) -> str:
    """A cell as Sheets reads it typed in."""
    if not isinstance(cell, str):
        return _text(cell)
    if cell.startswith("'"):
        return cell[1:]
    if NUMBER.fullmatch(cell.strip()):
        number = float(cell.replace(",", ""))
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else f"{number:.15g}"
    if cell[:1] in ("+", "-") and not AMOUNT.fullmatch(cell.strip()):
        return "=" + cell
    return cell


def _text(cell) -> str:
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
