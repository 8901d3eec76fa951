"""drive_move: what moving or renaming a file changes for the people who see it, shown before it happens."""
import pytest

from app.tools import invoke, review
from app.tools.registry import ToolError

FOLDER = "application/vnd.google-apps.folder"


def share(ctx, file_id, email):
    body = {"type": "user", "role": "reader", "emailAddress": email}
    ctx.service("drive").permissions().create(fileId=file_id, body=body, sendNotificationEmail=False, supportsAllDrives=True).execute()


def shared_drive_folder(ctx, name):
    body = {"name": name, "mimeType": FOLDER, "parents": ["0AMarketingDrive"]}
    return ctx.service("drive").files().create(body=body, supportsAllDrives=True).execute()["id"]


def test_moving_a_file_within_a_shared_drive_into_a_folder_an_outsider_sees_asks_first(ctx):
    share(ctx, shared_drive_folder(ctx, "Agency handoff"), "eve@outside.example")

    card = review("drive_move", ctx, {"file": "1BrandGuidelinesDoc", "folder": "Agency handoff"})

    assert card.effect == "outbound"
    assert card.preview["newly_seen_by"] == ["eve@outside.example"]
    assert card.preview["shared_with"] == ["shared drive Acme Marketing"]


def test_the_people_of_the_file_and_of_the_shared_drive_folder_are_read_in_one_batch(ctx, sandbox):
    folder = shared_drive_folder(ctx, "Agency handoff")
    sandbox.clear_log()

    review("drive_move", ctx, {"file": "1BrandGuidelinesDoc", "folder": folder})

    listed = [r["path"] for r in sandbox.log() if r["path"].endswith("/permissions")]
    assert sorted(listed) == sorted([f"/drive/v3/files/{folder}/permissions", "/drive/v3/files/1BrandGuidelinesDoc/permissions"])
    assert all(r["batch_part"] for r in sandbox.log() if r["path"].endswith("/permissions"))


def test_a_file_is_moved_and_renamed_and_its_card_says_who_newly_sees_it(ctx, sandbox):
    note = invoke("drive_create_file", ctx, {"name": "Agenda", "content": "1. Budget"})

    card = review("drive_move", ctx, {"file": note["id"], "folder": "Finance", "name": "Agenda (final)"})
    moved = invoke("drive_move", ctx, card.args)

    stored = sandbox.state()["drive"]["files"][note["id"]]
    assert (stored["name"], stored["parents"]) == ("Agenda (final)", ["1FinanceFolder"])
    assert moved["summary"] == "Moved 'Agenda' to 'Finance' as 'Agenda (final)'."
    assert (card.preview["folder"], card.preview["newly_seen_by"], card.effect) == ("Finance", [], "write")


def test_moving_a_private_file_into_a_shared_folder_asks_first_and_names_who_will_see_it(ctx):
    invoke("drive_share", ctx, {"file": "1ProjectsFolder", "people": ["carol@partner.example"]})
    note = invoke("drive_create_file", ctx, {"name": "Salaries", "content": "private"})

    card = review("drive_move", ctx, {"file": note["id"], "folder": "Projects"})

    assert card.effect == "outbound" and card.preview["newly_seen_by"] == ["carol@partner.example"]


def test_a_move_without_a_folder_or_a_name_changes_nothing(ctx):
    with pytest.raises(ToolError, match="Nothing to change"):
        review("drive_move", ctx, {"file": "1Q3BudgetSheet"})
