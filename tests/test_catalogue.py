"""The action catalogue as Claude sees it: the fixed names, their effects, and the size budget."""
import json

from app.tools import load_catalogue

EXPECTED = {
    "gmail_search": "read",
    "gmail_read": "read",
    "gmail_read_attachment": "read",
    "gmail_send": "outbound",
    "gmail_forward": "outbound",
    "gmail_send_draft": "outbound",
    "gmail_create_draft": "write",
    "gmail_modify": "write",
    "gmail_trash": "destructive",
    "gmail_save_attachment": "write",
    "calendar_list_events": "read",
    "calendar_find_free_time": "read",
    "calendar_create_event": "write",
    "calendar_update_event": "write",
    "calendar_respond": "outbound",
    "calendar_delete_event": "destructive",
    "drive_search": "read",
    "drive_read": "read",
    "drive_create_file": "write",
    "drive_share": "outbound",
    "drive_move": "write",
    "drive_copy": "write",
    "drive_delete": "destructive",
    "drive_unshare": "destructive",
    "docs_create": "write",
    "docs_read": "read",
    "docs_append": "write",
    "docs_replace": "write",
    "sheets_append": "write",
    "tasks_list": "read",
    "tasks_add": "write",
    "tasks_complete": "write",
    "tasks_update": "write",
    "tasks_delete": "destructive",
    "contacts_search": "read",
}
BUDGET = 17_400  # characters of tool definitions sent to Claude, about 4,350 tokens (a cached prefix; each tool must earn its place)


def test_catalogue_has_every_tool_with_its_declared_effect():
    tools = load_catalogue()
    assert {name: tool.effect for name, tool in tools.items()} == EXPECTED


def test_whole_catalogue_fits_the_context_budget():
    definitions = [tool.definition() for tool in load_catalogue().values()]
    size = len(json.dumps(definitions))
    print(f"\ncatalogue: {len(definitions)} tools, {size} characters of definitions (budget {BUDGET})")
    assert size < BUDGET


def test_the_model_never_sees_the_reserved_context_parameter():
    for tool in load_catalogue().values():
        schema = tool.definition()["input_schema"]
        assert "ctx" not in schema.get("properties", {}), tool.name
        # Pydantic's "title" keys are stripped; a parameter may still be named title.
        assert '"title": "' not in json.dumps(schema), tool.name
        assert tool.description, f"{tool.name} has no docstring"


def test_every_tool_rejects_unknown_arguments():
    from app.tools.registry import ToolError

    for tool in load_catalogue().values():
        try:
            tool.validate({"no_such_argument": 1})
        except ToolError as error:
            assert "no_such_argument" in str(error) or "required" in str(error).lower(), tool.name
        else:
            raise AssertionError(f"{tool.name} accepted an unknown argument")
