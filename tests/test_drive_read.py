"""drive_read: a file's text as the model gets it."""
import io

import pytest
from googleapiclient.http import MediaIoBaseUpload

from app.tools import invoke
from app.tools.context import Context
from app.tools.registry import ToolError


def read(ctx, **args):
    return invoke("drive_read", ctx, args)


def test_a_spreadsheet_is_read_with_every_sheet(ctx):
    sheet = read(ctx, file="1Q3BudgetSheet")
    assert (sheet["type"], sheet["sheets"]) == ("sheet", 2)
    assert sheet["text"].splitlines() == [
        "## Sheet1", "Item | Owner | Amount (EUR)", "Cloud hosting | Bob | 12600", "Hiring | Alice | 48000",
        "Marketing events | Søren | 9500", "Total |  | 70100", "",
        "## Forecast", "Quarter | Amount (EUR)", "Q4 | 74000", "Q1 2027 | 69500",
    ]


def test_a_spreadsheet_too_large_to_export_whole_is_read_as_its_first_sheet(ctx, sandbox):
    sandbox.fault("/drive/v3/files/1Q3BudgetSheet/export", status=403, reason="exportSizeLimitExceeded")
    sheet = read(ctx, file="1Q3BudgetSheet")
    assert sheet["text"].splitlines()[:2] == ["Item,Owner,Amount (EUR)", "Cloud hosting,Bob,12600"]
    assert sheet["note"] == "Too large to read whole: the first sheet only, as CSV."


def test_a_google_doc_reads_as_markdown(ctx):
    doc = read(ctx, file="1Q3PlanningNotesDoc")
    assert doc["text"].startswith("# Q3 planning notes\n\nOwner: **Alice Chen**.")
    assert "## Goals" in doc["text"] and "1. Confirm the budget with Finance" in doc["text"]
    assert doc["link"].endswith("/open/file/1Q3PlanningNotesDoc")


def test_a_doc_in_a_shared_drive_is_read_by_its_link(ctx):
    doc = read(ctx, file="https://docs.google.com/document/d/1BrandGuidelinesDoc/edit")
    assert "**Acme Blue**" in doc["text"]


def test_a_text_file_reads_as_it_is_and_long_text_is_clipped(ctx):
    notes = read(ctx, file="1MeetingNotesTxt", max_chars=200)
    assert notes["text"].startswith("Weekly sync, 12 September\n- Dashboard demo")
    assert "truncated" not in notes
    long = read(ctx, file="1Q3PlanningNotesDoc", max_chars=200)
    assert len(long["text"]) == 200 and long["truncated"] is True and long["total_chars"] > 200


def test_a_binary_file_is_not_dumped_as_text(ctx):
    upload = MediaIoBaseUpload(io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)), mimetype="image/png")
    image = ctx.service("drive").files().create(body={"name": "photo.png"}, media_body=upload, fields="id").execute()
    photo = read(ctx, file=image["id"])
    assert "text" not in photo and photo["link"] and "share its link" in photo["note"]


def test_only_the_start_of_a_large_text_file_is_downloaded(ctx, sandbox):
    line = "Ünïcode log line — 12:00 ok\n"
    content = (line * 200_000).encode()  # 6.4 MB
    upload = MediaIoBaseUpload(io.BytesIO(content), mimetype="text/plain")
    file = ctx.service("drive").files().create(body={"name": "server.log"}, media_body=upload, fields="id").execute()
    sandbox.clear_log()

    log = read(ctx, file=file["id"], max_chars=1000)

    assert log["text"] == (line * 40)[:1000]
    assert log["truncated"] is True and log["total_bytes"] == len(content)
    downloads = [r["status"] for r in sandbox.http_requests() if r["method"] == "GET" and file["id"] in r["path"]]
    assert downloads == [200, 206]  # the metadata, then a part of the file


SALES = {"drive": {"files": [{
    "id": "1SalesSheet", "name": "Sales 2026", "mimeType": "sheet",
    "rows": [["Date", "Region", "Rep", "Amount"]] + [[f"2026-01-{n % 28 + 1:02d}", "EMEA", f"Rep {n}", str(1000 + n)]
                                                     for n in range(2000)],
    "more_sheets": {"Summary": [["Total", "2,999,000"], ["Best region", "EMEA"]]}}]}}


@pytest.fixture
def sales(sandbox):
    sandbox.reset(SALES)
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


def test_a_sheet_after_a_long_one_is_named_as_not_read_and_can_be_asked_for(sales):
    whole = read(sales, file="1SalesSheet", max_chars=30000)
    assert whole["truncated"] and "Summary" not in whole["text"] and whole["sheets_not_read"] == ["Summary"]

    summary = read(sales, file="1SalesSheet", sheet="summary")

    assert summary["text"] == "## Summary\nTotal | 2,999,000\nBest region | EMEA"
    assert summary["other_sheets"] == ["Sheet1"] and "truncated" not in summary


def test_a_range_of_a_sheet_is_read_as_shown(sales):
    part = read(sales, file="1SalesSheet", sheet="Sheet1!C1999:D2010")
    assert part["text"] == "## Sheet1\nRep 1997 | 2997\nRep 1998 | 2998\nRep 1999 | 2999"
    assert part["range"] == "Sheet1!C1999:D2001"  # cut to the sheet's last row, which Sheets requires


def test_rows_past_those_a_read_can_hold_are_said_to_be_unread(sales):
    first = read(sales, file="1SalesSheet", sheet="Sheet1", max_chars=200)
    assert first["truncated"] and first["note"] == "Rows 6 on were not read: ask for them."
    assert first["text"] == ("## Sheet1\nDate | Region | Rep | Amount\n2026-01-01 | EMEA | Rep 0 | 1000\n"
                             "2026-01-02 | EMEA | Rep 1 | 1001\n2026-01-03 | EMEA | Rep 2 | 1002\n2026-01-04 | EMEA | Rep 3 | 1003")
    assert first["range"] == "Sheet1!A1:Z5"  # the rows shown


@pytest.mark.parametrize("max_chars", [1000, 8000])
def test_a_cut_sheet_read_goes_on_from_the_row_it_names_without_skipping_any(sales, max_chars):
    """The text holds whole rows only, and its note names the next row, whether the rows fetched ran out
    or the text did: reading on from there, range by range, reaches every row once."""
    rows, wanted = [], "Sheet1"
    for _ in range(100):
        part = read(sales, file="1SalesSheet", sheet=wanted, max_chars=max_chars)
        rows += part["text"].splitlines()[1:]
        if "note" not in part:
            break
        assert part["truncated"] and part["note"] == f"Rows {len(rows) + 1} on were not read: ask for them."
        wanted = f"Sheet1!A{len(rows) + 1}:D"
    assert rows == [" | ".join(row) for row in SALES["drive"]["files"][0]["rows"]]


def test_an_empty_row_reads_as_an_empty_line_so_rows_keep_their_numbers(sandbox):
    teams = [["Team", "Lead"], ["Ops", "Ann"], [], ["", ""], ["Sales", "Bob"]] + [[f"Team {n}", f"Lead {n}"] for n in range(60)]
    sandbox.reset({"drive": {"files": [{"id": "1TeamsSheet", "name": "Teams", "mimeType": "sheet", "rows": teams}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    assert read(ctx, file="1TeamsSheet", sheet="Sheet1!A2:B5")["text"] == "## Sheet1\nOps | Ann\n\n\nSales | Bob"
    part = read(ctx, file="1TeamsSheet", sheet="Sheet1!A3:B", max_chars=200)
    rows = part["text"].splitlines()[1:]
    assert rows[:4] == ["", "", "Sales | Bob", "Team 0 | Lead 0"] and rows[-1] == f"Team {len(rows) - 4} | Lead {len(rows) - 4}"
    assert part["note"] == f"Rows {3 + len(rows)} on were not read: ask for them."


def test_a_row_longer_than_a_read_can_hold_shows_its_start_and_the_read_goes_on_after_it(sandbox):
    rows = [["Notes", "x" * 300], ["Next", "row"]]
    sandbox.reset({"drive": {"files": [{"id": "1NotesSheet", "name": "Notes", "mimeType": "sheet", "rows": rows}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    part = read(ctx, file="1NotesSheet", sheet="Sheet1", max_chars=200)

    assert part["text"] == ("## Sheet1\nNotes | " + "x" * 300)[:200]
    assert part["note"] == "Row 1 is longer than max_chars: only its start is shown. Rows 2 on were not read: ask for them."


def test_a_link_to_a_tab_reads_that_tab_and_a_link_to_the_first_reads_them_all(ctx):
    link = "https://docs.google.com/spreadsheets/d/1Q3BudgetSheet/edit#gid="
    forecast = read(ctx, file=link + "1")
    assert forecast["text"] == "## Forecast\nQuarter | Amount (EUR)\nQ4 | 74000\nQ1 2027 | 69500"
    assert forecast["other_sheets"] == ["Sheet1"]
    assert read(ctx, file=link + "0")["sheets"] == 2


def test_an_unknown_sheet_is_refused_naming_the_sheets_there_are(ctx):
    for wanted in ("Costs", "Costs!A1:B2", "B2"):  # B2 alone may be a mistyped sheet: no guess at a cell
        with pytest.raises(ToolError, match=f"no sheet {wanted!r}") as refused:
            read(ctx, file="1Q3BudgetSheet", sheet=wanted)
        assert refused.value.found == {"sheets": ["Sheet1", "Forecast"]}
    with pytest.raises(ToolError, match="Only a spreadsheet has sheets"):
        read(ctx, file="1Q3PlanningNotesDoc", sheet="Forecast")
