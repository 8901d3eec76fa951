"""drive_move: what moving or renaming a file changes for the people who see it, shown before it happens."""
import pytest

from app.sandbox import drive as sandbox_drive
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
    assert [r["path"] for r in sandbox.log() if r["path"] == "/batch/drive/v3"] == ["/batch/drive/v3"]


def test_moving_a_file_up_to_its_shared_drives_top_changes_nothing_for_the_drives_members(ctx, monkeypatch):
    # Google lists a shared drive's members on each of its items (permissionType "member").
    listed = sandbox_drive.State.effective_permissions
    member = {"kind": "drive#permission", "id": "9", "type": "user", "role": "writer", "emailAddress": "bob@acme.example",
              "permissionDetails": [{"permissionType": "member", "role": "writer", "inherited": True}]}
    monkeypatch.setattr(sandbox_drive.State, "effective_permissions",
                        lambda state, file: listed(state, file) + ([member] if file["driveId"] else []))
    folder = shared_drive_folder(ctx, "Brand")
    ctx.service("drive").files().update(fileId="1BrandGuidelinesDoc", addParents=folder, removeParents="0AMarketingDrive",
                                        supportsAllDrives=True).execute()

    card = review("drive_move", ctx, {"file": "1BrandGuidelinesDoc", "folder": "Acme Marketing"})

    assert (card.effect, card.preview["shared_with"], card.preview["no_longer_seen_by"]) == (
        "write", ["shared drive Acme Marketing"], [])


def test_renaming_a_file_others_see_asks_first_since_they_read_the_new_name(ctx):
    # Alice owns the vendor shortlist: a planted instruction could put private text in its title.
    card = review("drive_move", ctx, {"file": "1VendorShortlistDoc", "name": "Salaries: Bob 120k, Carol 95k"})

    assert card.effect == "outbound"
    assert (card.args["name"], card.preview["shared_with"]) == ("Salaries: Bob 120k, Carol 95k", ["alice@acme.example"])


def test_renaming_a_file_only_the_person_sees_is_a_plain_write(ctx):
    assert review("drive_move", ctx, {"file": "1Q3BudgetSheet", "name": "Q3 budget (old)"}).effect == "write"


def test_moving_a_file_out_of_a_shared_folder_asks_first_and_names_who_loses_it(ctx, sandbox):
    share(ctx, "1ProjectsFolder", "bob@acme.example")

    card = review("drive_move", ctx, {"file": "1Q3PlanningNotesDoc", "folder": "My Drive"})
    invoke("drive_move", ctx, card.args)

    assert card.effect == "destructive" and card.preview["no_longer_seen_by"] == ["bob@acme.example"]
    kept = sandbox.state()["drive"]["files"]["1Q3PlanningNotesDoc"]["permissions"]
    assert [p["emailAddress"] for p in kept if p["role"] != "owner"] == []  # as the card said


def test_people_a_file_is_shared_with_itself_keep_it_wherever_it_moves(ctx):
    share(ctx, "1ProjectsFolder", "bob@acme.example")
    share(ctx, "1Q3PlanningNotesDoc", "bob@acme.example")  # through the folder and directly too
    share(ctx, "1Q3PlanningNotesDoc", "carol@partner.example")

    card = review("drive_move", ctx, {"file": "1Q3PlanningNotesDoc", "folder": "Finance"})

    assert (card.effect, card.preview["no_longer_seen_by"]) == ("write", [])


def test_moving_a_file_out_of_its_shared_drive_says_the_drive_loses_it(ctx):
    card = review("drive_move", ctx, {"file": "1BrandGuidelinesDoc", "folder": "My Drive"})

    assert card.effect == "destructive" and card.preview["no_longer_seen_by"] == ["shared drive Acme Marketing"]


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
