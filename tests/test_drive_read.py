"""drive_read: a file's text as the model gets it."""
import io

from googleapiclient.http import MediaIoBaseUpload

from app.tools import invoke


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
