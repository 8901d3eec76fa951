"""drive_share: who gains access and what they are told."""
from app.tools import get_tool, invoke


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


def review(ctx, tool_name, **args):
    tool = get_tool(tool_name)
    return tool.review(ctx, tool.validate(args))


def test_the_approval_card_names_the_file_and_who_already_sees_it(ctx):
    checked = review(ctx, "drive_share", file="1VendorShortlistDoc", email="eve@outside.example")
    assert checked.effect == "outbound"
    assert checked.preview == {"name": "Vendor shortlist", "type": "doc", "shared_with": ["alice@acme.example"]}


def test_sharing_a_folder_shows_how_many_items_go_with_it(ctx):
    checked = review(ctx, "drive_share", file="1FinanceFolder", email="eve@outside.example")
    assert checked.preview == {"name": "Finance", "type": "folder", "shared_with": [], "items": 3}
