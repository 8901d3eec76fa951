"""drive_share and drive_unshare: who gains or loses access, and what they are told."""
import pytest

from app.tools import invoke
from app.tools import review as review_call
from app.tools.registry import ToolError


def review(ctx, tool_name, **args):
    return review_call(tool_name, ctx, args)


def grants(sandbox, file_id):
    """Who the file is shared with (its owner aside), and as what."""
    permissions = sandbox.state()["drive"]["files"][file_id]["permissions"]
    return {p.get("emailAddress", p["type"]): p["role"] for p in permissions if p["role"] != "owner"}


def test_sharing_gives_each_person_access_and_sends_them_the_note(ctx, sandbox):
    result = invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example", "Carol <carol@partner.example>"],
                                         "role": "commenter", "message": "Thoughts?"})
    assert grants(sandbox, "1Q3PlanningNotesDoc") == {"bob@acme.example": "commenter", "carol@partner.example": "commenter"}
    notes = sandbox.state()["drive"]["notifications"]
    assert sorted((n["to"], n["message"]) for n in notes) == [("bob@acme.example", "Thoughts?"), ("carol@partner.example", "Thoughts?")]
    assert result["summary"] == "Shared 'Q3 planning notes' with bob@acme.example, carol@partner.example as commenter."


def test_several_people_are_shared_with_in_one_request(ctx, sandbox):
    sandbox.clear_log()
    invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example", "carol@partner.example"]})
    assert [r["path"] for r in sandbox.http_requests() if r["method"] == "POST"] == ["/batch/drive/v3"]


def test_sharing_without_notifying_sends_no_email(ctx, sandbox):
    invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example"], "notify": False})
    assert grants(sandbox, "1Q3PlanningNotesDoc")["bob@acme.example"] == "reader"
    assert sandbox.state()["drive"]["notifications"] == []


def test_link_sharing_lets_anyone_with_the_link_open_it_without_finding_it_in_search(ctx, sandbox):
    result = invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "link": True})
    link = [p for p in sandbox.state()["drive"]["files"]["1Q3PlanningNotesDoc"]["permissions"] if p["type"] == "anyone"]
    assert [(p["role"], p["allowFileDiscovery"]) for p in link] == [("reader", False)]
    assert result["summary"] == "Shared 'Q3 planning notes' with anyone with the link as reader."
    assert result["link"].endswith("1Q3PlanningNotesDoc")


def test_a_file_in_a_shared_drive_can_be_shared(ctx, sandbox):
    invoke("drive_share", ctx, {"file": "1Q3CampaignSheet", "people": ["alice@acme.example"]})
    assert grants(sandbox, "1Q3CampaignSheet") == {"alice@acme.example": "reader"}


def test_one_refusal_does_not_undo_the_others_and_is_reported(ctx, sandbox):
    sandbox.fault("/permissions", status=403, count=1, method="POST")
    result = invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example", "carol@partner.example"]})
    shared = grants(sandbox, "1Q3PlanningNotesDoc")
    assert "carol@partner.example" in shared and "bob@acme.example" not in shared
    assert result["failed_for"] == ["bob@acme.example"]
    assert "Not shared with bob@acme.example: Drive refused this" in result["summary"]


@pytest.mark.parametrize("args, complaint", [
    ({}, "Say whom to share it with"),
    ({"people": ["Bob"]}, "'Bob' is not an email address"),
    ({"link": True, "message": "Have a look"}, "A note goes in the email"),
    ({"people": ["bob@acme.example"], "notify": False, "message": "Hi"}, "A note goes in the email"),
])
def test_a_share_that_cannot_be_done_as_asked_is_refused_before_approval(ctx, args, complaint):
    with pytest.raises(ToolError, match=complaint):
        review(ctx, "drive_share", file="1Q3PlanningNotesDoc", **args)


def test_the_approval_card_names_the_file_and_who_already_sees_it(ctx):
    checked = review(ctx, "drive_share", file="1VendorShortlistDoc", people=["eve@outside.example", "EVE@outside.example"])
    assert checked.effect == "outbound"
    assert checked.args["people"] == ["eve@outside.example"]
    assert checked.preview == {"name": "Vendor shortlist", "type": "doc", "shared_with": ["alice@acme.example"]}


def test_sharing_a_folder_shows_how_many_items_go_with_it(ctx):
    checked = review(ctx, "drive_share", file="1FinanceFolder", people=["eve@outside.example"])
    assert {key: checked.preview[key] for key in ("name", "type", "shared_with", "items", "item_names")} == {
        "name": "Finance", "type": "folder", "shared_with": [], "items": 3,
        "item_names": ["Archives 2025", "Q3 budget", "Invoice 2026-031.pdf"]}


def test_a_folder_s_card_counts_and_names_what_its_folders_hold_too(ctx):
    # Sharing Finance shares what is in Archives 2025 as well.
    invoke("drive_move", ctx, {"file": "1MeetingNotesTxt", "folder": "Archives 2025"})

    checked = review(ctx, "drive_share", file="1FinanceFolder", people=["eve@outside.example"])

    assert checked.preview["items"] == 4 and "meeting-notes.txt" in checked.preview["item_names"]


# --- unsharing ---------------------------------------------------------------------------
@pytest.fixture
def shared_notes(ctx):
    invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example", "carol@partner.example"],
                                "link": True, "notify": False})
    return "1Q3PlanningNotesDoc"


def test_unsharing_ends_that_persons_access_and_no_one_elses(ctx, sandbox, shared_notes):
    result = invoke("drive_unshare", ctx, {"file": shared_notes, "people": ["Bob <BOB@acme.example>"]})
    assert "bob@acme.example" not in grants(sandbox, shared_notes)
    assert {"carol@partner.example", "anyone"} <= set(grants(sandbox, shared_notes))
    assert result["summary"] == "Stopped sharing 'Q3 planning notes' with BOB@acme.example."


def test_ending_link_sharing_makes_the_file_restricted_again(ctx, sandbox, shared_notes):
    invoke("drive_unshare", ctx, {"file": shared_notes, "link": True})
    assert "anyone" not in grants(sandbox, shared_notes)
    assert "carol@partner.example" in grants(sandbox, shared_notes)


def test_unsharing_asks_first_and_the_card_says_whose_access_ends(ctx, shared_notes):
    checked = review(ctx, "drive_unshare", file=shared_notes, people=["carol@partner.example"], link=True)
    assert checked.effect == "destructive"
    assert checked.preview["removing"] == ["carol@partner.example", "anyone with the link"]
    assert "bob@acme.example" in checked.preview["shared_with"]


def test_unsharing_someone_it_is_not_shared_with_says_so_before_approval(ctx, shared_notes):
    with pytest.raises(ToolError, match="The file is not shared with dave@acme.example") as refused:
        review(ctx, "drive_unshare", file=shared_notes, people=["dave@acme.example"])
    # The file's name is workspace data (anyone who shares a file names it): beside the message, never in it.
    assert refused.value.found == {"file": "Q3 planning notes"}


def test_the_owner_cannot_be_unshared(ctx):
    with pytest.raises(ToolError, match="alice@acme.example owns the file"):
        review(ctx, "drive_unshare", file="1VendorShortlistDoc", people=["alice@acme.example"])


def test_access_through_a_folder_is_explained_rather_than_half_removed(ctx, sandbox):
    invoke("drive_share", ctx, {"file": "1ProjectsFolder", "people": ["eve@outside.example"], "notify": False})
    with pytest.raises(ToolError, match="eve@outside.example sees the file through a folder"):
        invoke("drive_unshare", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["eve@outside.example"]})
    assert "eve@outside.example" in grants(sandbox, "1ProjectsFolder")


def test_ending_link_sharing_on_a_file_without_it_says_so(ctx):
    with pytest.raises(ToolError, match="not shared by link"):
        review(ctx, "drive_unshare", file="1Q3PlanningNotesDoc", link=True)


def test_a_file_name_with_braces_is_summarised_as_it_is(ctx, sandbox):
    made = invoke("drive_create_file", ctx, {"name": "Budget {draft}", "kind": "text", "content": "x"})
    result = invoke("drive_share", ctx, {"file": made["id"], "people": ["bob@acme.example"]})
    assert result["summary"] == "Shared 'Budget {draft}' with bob@acme.example as reader."


def test_someone_shared_with_directly_and_through_the_folder_loses_only_the_direct_share(ctx, sandbox):
    invoke("drive_share", ctx, {"file": "1ProjectsFolder", "people": ["eve@outside.example"], "notify": False})
    invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["eve@outside.example"], "role": "writer", "notify": False})

    checked = review(ctx, "drive_unshare", file="1Q3PlanningNotesDoc", people=["eve@outside.example"])
    invoke("drive_unshare", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["eve@outside.example"]})

    assert checked.preview["removing"] == ["eve@outside.example (who still sees it through its folder)"]
    eve = next(p for p in sandbox.state()["drive"]["files"]["1Q3PlanningNotesDoc"]["permissions"]
               if p.get("emailAddress") == "eve@outside.example")
    assert [d["inherited"] for d in eve["permissionDetails"]] == [True]  # the folder's share only
    assert "eve@outside.example" in grants(sandbox, "1ProjectsFolder")


def test_link_sharing_that_comes_from_the_folder_is_explained_before_approval(ctx):
    invoke("drive_share", ctx, {"file": "1ProjectsFolder", "link": True})
    with pytest.raises(ToolError, match="shared by link through a folder it is in"):
        review(ctx, "drive_unshare", file="1Q3PlanningNotesDoc", link=True)


def test_a_share_google_may_have_made_is_not_sent_again_and_is_reported(ctx, sandbox):
    sandbox.fault("/permissions", status=503, count=1, method="POST", after=True)  # made, but the answer was lost
    sandbox.clear_log()

    result = invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example", "carol@partner.example"]})

    assert result["failed_for"] == ["bob@acme.example"] and "Drive is having trouble right now" in result["summary"]
    assert [n["to"] for n in sandbox.state()["drive"]["notifications"]] == ["bob@acme.example", "carol@partner.example"]


def test_a_share_whose_connection_dropped_before_the_answer_is_not_sent_again(ctx, sandbox):
    sandbox.fault("/batch/drive/v3", drop=True)  # shared and emailed, then the connection breaks without an answer

    with pytest.raises(ToolError, match="Drive could not be reached"):
        invoke("drive_share", ctx, {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example"]})

    assert [n["to"] for n in sandbox.state()["drive"]["notifications"]] == ["bob@acme.example"]


def test_unsharing_a_folder_does_not_read_everything_it_holds(ctx, sandbox):
    body = {"type": "user", "role": "reader", "emailAddress": "bob@acme.example"}
    ctx.service("drive").permissions().create(fileId="1FinanceFolder", body=body, sendNotificationEmail=False).execute()
    sandbox.clear_log()
    checked = review(ctx, "drive_unshare", file="1FinanceFolder", people=["bob@acme.example"])
    assert "items" not in checked.preview
    assert not [r for r in sandbox.log() if "parents" in str(r)]
