"""drive_delete: the file goes to the trash, not away for good."""
import pytest

from app.tools import invoke
from app.tools.registry import ToolError


def test_deleting_moves_the_file_to_the_trash(ctx, sandbox):
    result = invoke("drive_delete", ctx, {"file": "1MeetingNotesTxt"})
    assert sandbox.state()["drive"]["files"]["1MeetingNotesTxt"]["trashed"] is True
    assert "meeting-notes.txt" in result["summary"]
    assert invoke("drive_search", ctx, {"query": "meeting"})["files"] == []


def test_an_unknown_file_gives_a_readable_error(ctx):
    with pytest.raises(ToolError, match="Drive found nothing with that id"):
        invoke("drive_delete", ctx, {"file": "no-such-file"})
