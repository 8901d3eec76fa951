"""drive_create_file, drive_share and drive_delete: what changes in Drive afterwards."""
import pytest

from app.tools import invoke
from app.tools.registry import ToolError

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


def test_sharing_gives_the_person_access_and_sends_the_message(ctx, sandbox):
    result = invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "email": "bob@acme.example", "role": "commenter", "message": "Thoughts?"})
    state = sandbox.state()["drive"]
    granted = [p for p in state["files"]["1Q3PlanningNotesDoc"]["permissions"] if p.get("emailAddress") == "bob@acme.example"]
    assert [p["role"] for p in granted] == ["commenter"]
    assert state["notifications"][0]["message"] == "Thoughts?"
    assert result["summary"] == "Shared 'Q3 planning notes' with bob@acme.example as commenter."


def test_a_file_in_a_shared_drive_can_be_shared(ctx, sandbox):
    invoke("drive_share", ctx, {"file": "1Q3CampaignSheet", "email": "alice@acme.example"})
    permissions = sandbox.state()["drive"]["files"]["1Q3CampaignSheet"]["permissions"]
    assert [(p["emailAddress"], p["role"]) for p in permissions] == [("alice@acme.example", "reader")]


def test_deleting_moves_the_file_to_the_trash(ctx, sandbox):
    result = invoke("drive_delete", ctx, {"file": "1MeetingNotesTxt"})
    assert sandbox.state()["drive"]["files"]["1MeetingNotesTxt"]["trashed"] is True
    assert "meeting-notes.txt" in result["summary"]
    assert invoke("drive_search", ctx, {"query": "meeting"})["files"] == []


def test_an_unknown_file_gives_a_readable_error(ctx):
    with pytest.raises(ToolError, match="Drive found nothing with that id"):
        invoke("drive_delete", ctx, {"file": "no-such-file"})
