"""drive_delete: the file goes to the trash, not away for good."""
import pytest

from app.tools import get_tool, invoke, review
from app.tools.registry import ToolError


def test_deleting_moves_the_file_to_the_trash(ctx, sandbox):
    result = invoke("drive_delete", ctx, {"file": "1MeetingNotesTxt"})
    assert sandbox.state()["drive"]["files"]["1MeetingNotesTxt"]["trashed"] is True
    assert "meeting-notes.txt" in result["summary"]
    assert invoke("drive_search", ctx, {"query": "meeting"})["files"] == []


def test_an_unknown_file_gives_a_readable_error(ctx):
    with pytest.raises(ToolError, match="Drive found nothing with that id"):
        invoke("drive_delete", ctx, {"file": "no-such-file"})


def test_the_approval_card_names_the_folder_and_how_many_items_it_holds(ctx):
    tool = get_tool("drive_delete")
    checked = tool.review(ctx, tool.validate({"file": "1ProjectsFolder"}))
    assert checked.effect == "destructive"
    assert {key: checked.preview[key] for key in ("name", "type", "shared_with", "items", "item_names")} == {
        "name": "Projects", "type": "folder", "shared_with": [], "items": 3,
        "item_names": ["Q3 planning notes", "meeting-notes.txt", "Rapport d'activité — été 2026"]}


def test_reviewing_an_unknown_file_gives_a_readable_error(ctx):
    with pytest.raises(ToolError, match="Drive found nothing with that id"):
        review("drive_delete", ctx, {"file": "no-such-file"})
