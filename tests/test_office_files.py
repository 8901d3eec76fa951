"""Excel workbooks (.xlsx and the older .xls) and PowerPoint decks read as text, from Gmail attachments and from Drive."""
import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pptx
import pytest
from googleapiclient.http import MediaIoBaseUpload
from pptx.util import Inches

from app.tools import file_text, invoke, reader_process
from app.tools.cell_values import displayed
from app.tools.registry import ToolError
from tests.test_file_text import mail_with


def workbook(**sheets: list[tuple]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title.replace("_", " "))
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def deck(*slides: dict) -> bytes:
    presentation = pptx.Presentation()
    for content in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
        slide.shapes.title.text = content["title"]
        if "text" in content:
            slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1)).text_frame.text = content["text"]
        if "table" in content:
            rows = content["table"]
            table = slide.shapes.add_table(len(rows), len(rows[0]), Inches(1), Inches(3), Inches(6), Inches(2)).table
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        if "notes" in content:
            slide.notes_slide.notes_text_frame.text = content["notes"]
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def read_attachment(ctx, name: str, data: bytes, max_chars: int = 8000) -> dict:
    message_id, attachment_id = mail_with(ctx, name, data, "application", "octet-stream")  # as many mailers label them
    return invoke("gmail_read_attachment", ctx, {"message_id": message_id, "attachment_id": attachment_id, "max_chars": max_chars})


def drive_file(ctx, name: str, data: bytes, mime_type: str) -> str:
    upload = MediaIoBaseUpload(io.BytesIO(data), mimetype=mime_type)
    return ctx.service("drive").files().create(body={"name": name}, media_body=upload, fields="id").execute()["id"]


def test_an_excel_attachment_is_read_sheet_by_sheet(ctx):
    report = workbook(Summary=[("Region", "Q3 revenue"), ("EMEA", 1200.5), (None, None), ("APAC", 800, None)],
                      Notes=[("Prévisions validées ✅",)])

    read = read_attachment(ctx, "Q3 report.xlsx", report)

    assert (read["type"], read["sheets"]) == (file_text.EXCEL, 2)
    assert read["text"] == "## Summary\nRegion | Q3 revenue\nEMEA | 1200.5\nAPAC | 800\n\n## Notes\nPrévisions validées ✅"


def test_a_powerpoint_in_drive_is_read_slide_by_slide_with_its_notes(ctx):
    data = deck({"title": "Q3 review", "text": "Revenue up 12%"},
                {"title": "Budget", "table": [["Item", "EUR"], ["Venue", "4 000"]], "notes": "Mention the hiring freeze"})
    file_id = drive_file(ctx, "Q3 review.pptx", data, file_text.POWERPOINT)

    read = invoke("drive_read", ctx, {"file": file_id})

    assert (read["type"], read["slides"]) == ("powerpoint", 2)
    assert read["text"] == ("## Slide 1\nQ3 review\nRevenue up 12%\n\n"
                            "## Slide 2\nBudget\nItem | EUR\nVenue | 4 000\nNotes: Mention the hiring freeze")


def test_a_long_sheet_is_read_only_as_far_as_asked(ctx):
    ledger = workbook(Ledger=[(f"2026-{n:05d}", n * 10) for n in range(5000)], Later=[("never read",)])

    read = read_attachment(ctx, "ledger.xlsx", ledger, max_chars=500)

    assert read["truncated"] and len(read["text"]) == 500 and read["text"].startswith("## Ledger\n2026-00000 | 0\n")
    assert (read["sheets"], read["sheets_read"]) == (2, 1) and "total_chars" not in read
    assert read["sheets_not_read"] == ["Later"]  # named, so that it can be asked for


def test_one_sheet_or_range_of_an_excel_file_in_drive_can_be_asked_for(ctx):
    ledger = workbook(Ledger=[(f"2026-{n:05d}", n * 10) for n in range(5000)], Later=[("read when asked",)])
    file_id = drive_file(ctx, "ledger.xlsx", ledger, file_text.EXCEL)

    whole = invoke("drive_read", ctx, {"file": file_id})
    later = invoke("drive_read", ctx, {"file": file_id, "sheet": "later"})
    rows = invoke("drive_read", ctx, {"file": file_id, "sheet": "Ledger!B3:B4"})

    assert whole["truncated"] and whole["sheets_not_read"] == ["Later"]  # a whole read names the sheets it did not reach
    assert (later["text"], later["other_sheets"]) == ("## Later\nread when asked", ["Ledger"])
    assert (rows["text"], rows["range"]) == ("## Ledger\n20\n30", "'Ledger'!B3:B4") and "note" not in rows
    with pytest.raises(ToolError, match="no sheet 'Costs'") as refused:
        invoke("drive_read", ctx, {"file": file_id, "sheet": "Costs"})
    assert refused.value.found == {"sheets": ["Ledger", "Later"]}


def read_on(read, sheet: str, columns: str = "AB") -> list[str]:
    """The rows of a sheet read as the model reads them: on from the row each note names, until none is
    left. Each read says the rows it covers; those past the last shown are empty."""
    rows, wanted = [], sheet
    for _ in range(100):
        part, first = read(wanted), len(rows) + 1
        rows += part["text"].splitlines()[1:]
        covered = re.fullmatch(rf"'{sheet}'!(?:{columns[0]}(\d+):{columns[1]}|(\d+):)(\d+)", part["range"])
        assert int(covered[1] or covered[2]) == first and int(covered[3]) >= len(rows)
        rows += [""] * (int(covered[3]) - len(rows))
        if "note" not in part:
            return rows
        assert part["truncated"] and part["note"] == f"Rows {len(rows) + 1} on were not read: ask for them."
        wanted = f"{sheet}!{columns[0]}{len(rows) + 1}:{columns[1]}"
    raise AssertionError("the reads did not come to an end")


LEDGER = [("Date", "Amount")] + [(None, None) if n % 97 == 5 else (f"2026-{n:05d}", f"{n * 10}") for n in range(1200)]


@pytest.mark.parametrize("max_chars", [1000, 8000])
def test_reading_a_long_excel_sheet_on_range_by_range_from_each_note_gives_every_row_once_in_order(ctx, max_chars):
    """As a Google Sheet's: whole rows only, empty ones as empty lines, and a note naming the next row."""
    file_id = drive_file(ctx, "ledger.xlsx", workbook(Ledger=LEDGER, Later=[("x",)]), file_text.EXCEL)

    rows = read_on(lambda wanted: invoke("drive_read", ctx, {"file": file_id, "sheet": wanted, "max_chars": max_chars}), "Ledger")

    assert rows == [" | ".join(row) if row[0] else "" for row in LEDGER]


def test_an_excel_sheet_with_many_empty_rows_is_read_whole_whatever_each_read_holds():
    """Whether a read fills up on an empty row or on one with cells, the next read starts where it stopped."""
    table = [(f"Row {n}", "x" * (n % 4 + 1)) if n % 3 else (None,) for n in range(1, 30)]
    data = workbook(Table=table)

    for max_chars in range(40, 52):
        rows = read_on(lambda wanted: file_text.office_text(data, file_text.EXCEL, max_chars, sheet=wanted), "Table")
        assert rows == [" | ".join(row) if row[0] else "" for row in table], max_chars


def test_an_empty_row_of_an_excel_sheet_reads_as_an_empty_line_so_rows_keep_their_numbers(ctx):
    teams = [("Team", "Lead"), ("Ops", "Ann"), (None, None), ("", None), ("Sales", "Bob")] + [(f"Team {n}", f"Lead {n}") for n in range(60)]
    file_id = drive_file(ctx, "teams.xlsx", workbook(Teams=teams), file_text.EXCEL)

    assert invoke("drive_read", ctx, {"file": file_id, "sheet": "Teams!A2:B5"})["text"] == "## Teams\nOps | Ann\n\n\nSales | Bob"
    part = invoke("drive_read", ctx, {"file": file_id, "sheet": "Teams!A3:B", "max_chars": 200})
    rows = part["text"].splitlines()[1:]
    assert rows[:4] == ["", "", "Sales | Bob", "Team 0 | Lead 0"] and rows[-1] == f"Team {len(rows) - 4} | Lead {len(rows) - 4}"
    assert part["note"] == f"Rows {3 + len(rows)} on were not read: ask for them."


def test_a_read_within_a_long_run_of_empty_excel_rows_names_the_row_after_them_and_one_past_the_last_row_says_so(ctx):
    rows = [("Team", "Lead")] + [(None, None)] * 298 + [("Late", "Zoe")]  # rows 2 to 299 are empty
    file_id = drive_file(ctx, "teams.xlsx", workbook(Teams=rows), file_text.EXCEL)

    empty = invoke("drive_read", ctx, {"file": file_id, "sheet": "Teams!A2:B", "max_chars": 200})
    past = invoke("drive_read", ctx, {"file": file_id, "sheet": "Teams!A301:B"})

    assert (empty["text"], empty["range"], empty["note"]) == ("## Teams", "'Teams'!A2:B201", "Rows 202 on were not read: ask for them.")
    assert past == {**past, "text": "## Teams", "note": "No cells there: the sheet holds nothing from row 301 on."}


def test_a_row_of_an_excel_sheet_longer_than_a_read_can_hold_shows_its_start_and_the_read_goes_on_after_it(ctx):
    file_id = drive_file(ctx, "notes.xlsx", workbook(Notes=[("Notes", "x" * 300), ("Next", "row")]), file_text.EXCEL)

    part = invoke("drive_read", ctx, {"file": file_id, "sheet": "Notes", "max_chars": 200})

    assert part["text"] == ("## Notes\nNotes | " + "x" * 300)[:200]
    assert part["note"] == "Row 1 is longer than max_chars: only its start is shown. Rows 2 on were not read: ask for them."


def test_an_old_excel_sheet_read_on_from_each_note_gives_every_row_once_in_order():
    read = lambda wanted: file_text.office_text(OLD_WORKBOOK.read_bytes(), file_text.EXCEL_97, 80, sheet=wanted)  # noqa: E731

    assert read_on(read, "Ventes", "AF") == OLD_WORKBOOK_TEXT.split("\n\n")[0].splitlines()[1:]


def test_an_excel_sheet_asked_for_still_being_read_at_the_time_limit_gives_its_whole_rows_read_and_says_so(ctx, monkeypatch):
    monkeypatch.setattr(file_text, "READ_SECONDS", 0)  # rows are checked against the clock every thousand
    file_id = drive_file(ctx, "ledger.xlsx", workbook(Ledger=[(n,) for n in range(3000)]), file_text.EXCEL)

    part = invoke("drive_read", ctx, {"file": file_id, "sheet": "Ledger", "max_chars": 30000})

    assert part["text"].splitlines()[1:] == [str(n) for n in range(999)] and part["range"] == "'Ledger'!1:999"
    assert part["truncated"] and part["note"].startswith("Reading stopped part way through sheet 1 at the time limit")


def test_a_sheet_still_being_read_at_the_time_limit_gives_what_was_read_and_says_so(ctx, monkeypatch):
    monkeypatch.setattr(file_text, "READ_SECONDS", 0)  # rows are checked against the clock every thousand
    ledger = workbook(Ledger=[(n,) for n in range(3000)])

    read = read_attachment(ctx, "ledger.xlsx", ledger, max_chars=30000)

    assert read["text"].splitlines()[1:] == [str(n) for n in range(999)]
    assert read["truncated"] and "part way through sheet 1 at the time limit" in read["note"]


@pytest.mark.parametrize("name, what", [("budget.xlsx", "Excel workbook"), ("deck.pptx", "PowerPoint file")])
def test_a_damaged_office_file_gives_a_clear_error(ctx, name, what):
    with pytest.raises(ToolError, match=f"could not be read as an? {what}"):
        read_attachment(ctx, name, b"PK\x03\x04 not really a zip")


def test_cells_read_as_they_are_shown_percentages_prices_and_dates(ctx):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Q3"
    sheet.append(["Growth", 0.125, "Price", 4200, "Due", datetime.datetime(2026, 10, 1), "Loss", -1200])
    for cell, number_format in zip(sheet[1][1::2], ["0.0%", '"€"#,##0.00', "yyyy-mm-dd", "#,##0;(#,##0)"]):
        cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)

    read = read_attachment(ctx, "q3.xlsx", out.getvalue())

    assert read["text"] == "## Q3\nGrowth | 12.5% | Price | €4,200.00 | Due | 2026-10-01 | Loss | (1,200)"


def test_millions_zip_codes_phone_numbers_durations_and_red_losses_read_as_shown(ctx):
    book = openpyxl.Workbook()
    sheet = book.active
    for label, value, number_format in [("Revenue", 2500000, '$#,##0.0,,"M"'), ("Loss", -1234.1, "0.00;[Red]0.00"),
                                         ("ZIP", 2134, "00000"), ("Phone", 5551234567, "(000) 000-0000"),
                                         ("SSN", 12345, "000-00-0000"), ("Call", 1.5, "[h]:mm")]:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 2).number_format = number_format
    out = io.BytesIO()
    book.save(out)

    read = read_attachment(ctx, "figures.xlsx", out.getvalue())

    assert read["text"].splitlines()[1:] == ["Revenue | $2.5M", "Loss | -1234.10", "ZIP | 02134", "Phone | (555) 123-4567",
                                             "SSN | 000-01-2345", "Call | 36:00"]


@pytest.mark.parametrize("value, number_format, shown", [
    (-0.3, "0%;[Red]0%", "-30%"),  # a negative section without a sign keeps the minus
    (-5, '_("$"* #,##0.00_);_("$"* (#,##0.00);_("$"* "-"??_);_(@_)', "$ (5.00)"),
    (0, '_("$"* #,##0.00_);_("$"* (#,##0.00);_("$"* "-"??_);_(@_)', "$ -"),
    (-1234.5, "[$$-409]#,##0.00", "-$1,234.50"),
    (0, "0;-0;;@", ""),  # an empty zero section hides zeros
    (1500, '[>=1000]0.0,"K";0', "1500"),  # conditions: the plain number, never a wrong one
    (-3, "0.00E+00;(0.00E+00)", "-3"),
    (1234.5, "#.##0,00 €", "1234.5"),  # not a format Excel writes: the plain number
    (0.5, "h:mm", "0.5"),
    (1.25, "0.0#", "1.25"),
])
def test_a_number_format_never_changes_the_value_shown(value, number_format, shown):
    assert displayed(value, number_format) == shown


def test_a_sheet_declaring_a_wrong_size_is_read_whole(ctx):
    """Some programs write the size of a sheet wrong; the cells are what count."""
    data = workbook(Data=[("r1c1", "r1c2"), ("r2c1", "r2c2"), ("r3c1", "r3c2")])
    files = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rewritten:
        for item in files.infolist():
            content = files.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
            rewritten.writestr(item, content)

    read = read_attachment(ctx, "data.xlsx", out.getvalue())

    assert read["text"] == "## Data\nr1c1 | r1c2\nr2c1 | r2c2\nr3c1 | r3c2"


def test_grouped_text_is_read_and_a_notes_page_without_notes_loses_nothing(ctx):
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])  # blank
    group = slide.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1)).text_frame.text = "Inside a group"
    notes = slide.notes_slide
    body = notes.notes_placeholder
    body._element.getparent().remove(body._element)  # as some programs save a notes page
    out = io.BytesIO()
    presentation.save(out)

    read = read_attachment(ctx, "deck.pptx", out.getvalue())

    assert read["text"] == "## Slide 1\nInside a group" and "note" not in read


@pytest.mark.parametrize("name", ["budget.xlsx", "deck.pptx", "contract.docx"])
def test_an_office_file_protected_by_a_password_says_so(ctx, name):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # what Office saves an encrypted file as
    with pytest.raises(ToolError, match="is protected by a password"):
        read_attachment(ctx, name, ole)


def test_a_slide_holding_megabytes_reaches_the_server_only_as_far_as_asked():
    data = deck({"title": "Huge", "text": "x" * 2_000_000})
    pages = reader_process.read("pptx", data, max_chars=200, max_pages=10, seconds=10, grace=5)
    assert len(pages.texts) == 1 and len(pages.texts[0]) == 201  # one more: there was more


OLD_WORKBOOK = Path(__file__).parent / "files" / "ventes.xls"  # Excel 97-2003, as accounting systems still export
OLD_WORKBOOK_TEXT = ("## Ventes\nRégion | Chiffre | Part | Clôture | Heure | Validé\n"
                     "Île-de-France | 4,200.00 € | 12.5% | 2026-09-30 | 17:30:00 | TRUE\n"
                     "東京 | 1,234.50 € | 87.5% | 2026-10-01 | 09:00:00 | FALSE\n\n"
                     "## Notes\nExport du système comptable")


def test_an_old_excel_attachment_is_read_sheet_by_sheet_in_its_formats(ctx):
    read = read_attachment(ctx, "ventes.xls", OLD_WORKBOOK.read_bytes())

    assert (read["type"], read["sheets"]) == (file_text.EXCEL_97, 2)
    assert read["text"] == OLD_WORKBOOK_TEXT


def test_an_old_excel_file_in_drive_is_read(ctx):
    file_id = drive_file(ctx, "ventes.xls", OLD_WORKBOOK.read_bytes(), file_text.EXCEL_97)

    read = invoke("drive_read", ctx, {"file": file_id})

    assert read["type"] == "excel" and read["text"] == OLD_WORKBOOK_TEXT


def test_one_sheet_of_an_old_excel_file_can_be_asked_for(ctx):
    file_id = drive_file(ctx, "ventes.xls", OLD_WORKBOOK.read_bytes(), file_text.EXCEL_97)

    notes = invoke("drive_read", ctx, {"file": file_id, "sheet": "Notes"})
    cells = invoke("drive_read", ctx, {"file": file_id, "sheet": "Ventes!A2:B3"})

    assert notes["text"] == "## Notes\nExport du système comptable"
    assert cells["text"] == "## Ventes\nÎle-de-France | 4,200.00 €\n東京 | 1,234.50 €"


def test_a_damaged_old_excel_file_says_so(ctx):
    with pytest.raises(ToolError, match="could not be read as an Excel workbook"):
        read_attachment(ctx, "ventes.xls", OLD_WORKBOOK.read_bytes()[:1500])


@pytest.mark.parametrize("data, text", [
    (workbook(Summary=[("Region", "Revenue"), ("EMEA", 1200)]), "## Summary\nRegion | Revenue\nEMEA | 1200"),  # an .xlsx
    (b"<table><tr><td>Region</td><td>Revenue</td></tr><tr><td>EMEA</td><td>1200</td></tr></table>", "Region"),
    ("Region\tRevenue\nEMEA\t1200\n".encode(), "Region\tRevenue\nEMEA\t1200"),
])
def test_a_file_named_xls_that_is_another_format_is_read_as_what_it_is(ctx, data, text):
    read = read_attachment(ctx, "export.xls", data)
    assert text in read["text"] and "EMEA" in read["text"]
