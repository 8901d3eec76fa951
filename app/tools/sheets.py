"""Sheets tool: add rows to a Google Sheet. Reading one is drive_read's (every sheet or one range, as shown).

Cells are entered as if typed in the sheet (USER_ENTERED), so 12.5, 2026-12-06 and 45 € keep
their meaning as numbers, dates and amounts. A formula (=...) is entered too, but asks first: one
such as IMPORTDATA or IMAGE fetches a web address when the sheet opens, and could carry the
sheet's data out of the workspace, unseen, if an instruction planted in an email wrote it. Rows
added to a sheet that already holds such a formula (a copy of someone else's template) ask first
too: the formula may send them out (sheet_formulas).
Text Sheets would read as a formula though not written as one, or as a number losing digits (02134,
a 16-digit ID), is entered as text (sheet_cells).
"""
from typing import Annotated

from pydantic import Field

from app import google_api
from app.tools import sheet_ranges
from app.tools.context import Context
from app.tools.drive import FileRef, file_id, file_preview, outbound_if_seen_or_formulas
from app.tools.registry import ToolError, tool
from app.tools.sheet_cells import Cell, formulas, read_as_formula, read_as_lossy_number
from app.tools.sheet_formulas import web_formulas

MAX_ROWS = 500


def _sheet(ctx: Context, spreadsheet: str, wanted: str | None) -> tuple[dict, dict]:
    """The spreadsheet and the sheet of it by title (any case), by default the one its link opens at, or its first."""
    fields = "spreadsheetId,properties(title),spreadsheetUrl,sheets(properties(sheetId,title))"
    book = google_api.execute(ctx.service("sheets").spreadsheets().get(spreadsheetId=file_id(spreadsheet), fields=fields))
    sheets = [sheet["properties"] for sheet in book.get("sheets", [])]
    if not sheets:
        raise ToolError("This spreadsheet has no sheet to add rows to.")
    if wanted is None:
        # Rows meant for the tab a link shows go there.
        return book, sheets[sheet_ranges.linked(sheets, spreadsheet)]
    titles = [sheet["title"] for sheet in sheets]
    found = sheet_ranges.tab_named(titles, wanted)
    if found is None:
        raise sheet_ranges.missing(wanted, titles)
    return book, sheets[found]


def _preview_rows(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The rows go to exactly the sheet the card names, even if another takes its name meanwhile. The card
    names the formulas written, and those the spreadsheet holds that could send the new rows to a web address."""
    book, sheet = _sheet(ctx, args["spreadsheet"], args["sheet"])
    preview = {**file_preview(ctx, args["spreadsheet"]), "sheet": sheet["title"], **web_formulas(ctx, book["spreadsheetId"])}
    if written := formulas(args["rows"]):
        preview["formulas"] = written
    return {**args, "sheet": sheet["title"]}, preview


def _spreadsheet(args: dict) -> str:
    # Its card's shared_with is the spreadsheet's: someone the task shared it with is no stranger there.
    return file_id(args["spreadsheet"])


@tool("write", escalate=outbound_if_seen_or_formulas, prepare=_preview_rows, target=_spreadsheet,
      progress="Adding rows to a Google Sheet")
def sheets_append(
    ctx: Context,
    spreadsheet: FileRef,
    rows: Annotated[list[list[Cell]], Field(min_length=1, max_length=MAX_ROWS, description="cells as typed in the sheet")],
    sheet: Annotated[str | None, Field(description="sheet name; default the link's or first")] = None,
) -> dict:
    """Add rows under the table in a Google Sheet."""
    book, target = _sheet(ctx, spreadsheet, sheet)
    values = ctx.service("sheets").spreadsheets().values()
    # The sheet alone as the range: Sheets finds its (first) table and adds the rows under it; the
    # summary names the range written, so rows put under a first block of several are seen there.
    appended = google_api.execute(values.append(
        spreadsheetId=book["spreadsheetId"], range=sheet_ranges.quoted(target["title"]), valueInputOption="USER_ENTERED",
        insertDataOption="INSERT_ROWS", body={"values": [[_typed(cell) for cell in row] for row in rows]},
    ))
    where = appended.get("updates", {}).get("updatedRange", target["title"])
    count = f"{len(rows)} row" + ("s" if len(rows) != 1 else "")
    link = ctx.link("file", book["spreadsheetId"],
                    f"https://docs.google.com/spreadsheets/d/{book['spreadsheetId']}/edit#gid={target['sheetId']}")
    return {"link": link, "range": where,
            "summary": f"Added {count} to {book['properties']['title']!r} ({where})."}


def _typed(cell: Cell) -> Cell:
    """What to type for a cell: text Sheets would take for a formula, though not written as one
    (=), or for a number that drops digits (02134), gets the apostrophe that makes it text, as a
    person would type it."""
    if read_as_formula(cell) or read_as_lossy_number(cell):
        return "'" + cell
    return cell
