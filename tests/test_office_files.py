"""Excel workbooks and PowerPoint decks read as text, from Gmail attachments and from Drive."""
import io

import openpyxl
import pptx
import pytest
from googleapiclient.http import MediaIoBaseUpload
from pptx.util import Inches

from app.tools import file_text, invoke
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
    assert "total_chars" not in read  # only the start was read: the whole is not known


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
