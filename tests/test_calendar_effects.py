"""What each calendar, tasks and contacts tool asks approval for, and its size in the catalogue."""
import json

import pytest

from app.scopes import CALENDAR_READ, CALENDAR_EVENTS, REQUESTED
from app.tools import get_tool, invoke, load_catalogue
from app.tools.context import Context
from app.tools.registry import ToolError

MINE = ["calendar_list_events", "calendar_find_free_time", "calendar_create_event", "calendar_update_event", "calendar_delete_event",
        "tasks_list", "tasks_add", "tasks_complete", "contacts_search"]


def effect(name, args):
    tool = get_tool(name)
    return tool.review(None, tool.validate(args)).effect


def test_event_with_guests_needs_approval_as_outbound():
    assert effect("calendar_create_event", {"title": "Q3", "start": "2030-03-05T10:00", "attendees": ["alice@acme.example"]}) == "outbound"


def test_private_event_is_a_plain_write():
    assert effect("calendar_create_event", {"title": "Focus", "start": "2030-03-05T10:00"}) == "write"


@pytest.mark.parametrize("change", [{"add_attendees": ["bob@acme.example"]}, {"remove_attendees": ["bob@acme.example"]}, {"notify": True}])
def test_updates_that_reach_guests_are_outbound(change):
    assert effect("calendar_update_event", {"event_id": "e1", **change}) == "outbound"


def test_silent_update_is_a_write():
    assert effect("calendar_update_event", {"event_id": "e1", "title": "New title"}) == "write"


def test_effects_of_the_other_tools():
    assert [get_tool(n).effect for n in MINE] == ["read", "read", "write", "write", "destructive", "read", "write", "write", "read"]


def test_missing_calendar_scope_asks_to_reconnect(sandbox):
    ctx = Context(credentials=sandbox.credentials([s for s in REQUESTED if s not in (CALENDAR_EVENTS, CALENDAR_READ)]), api_root=sandbox.url)

    with pytest.raises(ToolError) as caught:
        invoke("calendar_list_events", ctx, {})

    assert str(caught.value) == "Calendar access was not granted — reconnect Google and allow Calendar."


def test_the_nine_tools_fit_their_share_of_the_catalogue():
    tools = load_catalogue()
    size = sum(len(json.dumps(tools[name].definition(), ensure_ascii=False)) for name in MINE)
    assert size <= 5600
