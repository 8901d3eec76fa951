"""What each calendar, tasks and contacts tool asks approval for, and its size in the catalogue."""
import json

import pytest

from app.scopes import CALENDAR_READ, CALENDAR_EVENTS, REQUESTED
from app.tools import get_tool, invoke, load_catalogue
from app.tools.context import Context
from app.tools.registry import ToolError

MINE = ["calendar_list_events", "calendar_find_free_time", "calendar_create_event", "calendar_update_event", "calendar_delete_event",
        "tasks_list", "tasks_add", "tasks_complete", "contacts_search"]


def test_event_with_guests_needs_approval_as_outbound(ctx):
    assert review(ctx, "calendar_create_event", {"title": "Q3", "start": "2030-03-05T10:00", "attendees": ["alice@acme.example"]}).effect == "outbound"


def test_private_event_is_a_plain_write(ctx):
    assert review(ctx, "calendar_create_event", {"title": "Focus", "start": "2030-03-05T10:00"}).effect == "write"


def test_the_card_for_a_new_event_knows_the_zone_its_times_are_read_in(ctx):
    assert review(ctx, "calendar_create_event", {"title": "Focus", "start": "2030-03-05T10:00"}).preview == {"time_zone": "Europe/Paris"}


def review(ctx, name, args):
    tool = get_tool(name)
    return tool.review(ctx, tool.validate(args))


@pytest.fixture
def private_event(ctx):
    return invoke("calendar_create_event", ctx, {"title": "Focus", "start": "2030-03-05T09:00", "minutes": 90})["event"]


@pytest.fixture
def event_with_guests(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Q3 review", "start": "2030-03-05T15:00", "attendees": ["alice@acme.example"]})
    return created["event"]


@pytest.mark.parametrize("change", [{"add_attendees": ["bob@acme.example"]}, {"remove_attendees": ["bob@acme.example"]}, {"notify": True}])
def test_updates_that_reach_guests_are_outbound(ctx, private_event, change):
    assert review(ctx, "calendar_update_event", {"event_id": private_event["id"], **change}).effect == "outbound"


def test_silent_update_of_a_private_event_is_a_write(ctx, private_event):
    assert review(ctx, "calendar_update_event", {"event_id": private_event["id"], "title": "Deep work"}).effect == "write"


@pytest.mark.parametrize("change", [{"start": "2030-03-06T09:00"}, {"description": "New agenda"}, {"title": "Q4 review"}])
def test_silently_changing_an_event_with_guests_needs_approval(ctx, event_with_guests, change):
    # Guests' copies follow every edit, emailed or not: a quiet move still reaches them.
    assert review(ctx, "calendar_update_event", {"event_id": event_with_guests["id"], **change}).effect == "outbound"


def test_changing_an_event_in_a_shared_calendar_needs_approval(ctx, sandbox):
    shared = "team.acme.example_3k2n@group.calendar.google.com"
    event = ctx.service("calendar").events().list(calendarId=shared).execute()["items"][0]

    assert review(ctx, "calendar_update_event", {"event_id": event["id"], "calendar": shared, "title": "Back"}).effect == "outbound"


def test_approval_card_names_the_event_its_time_and_guests(ctx, event_with_guests):
    reviewed = review(ctx, "calendar_update_event", {"event_id": event_with_guests["id"], "start": "2030-03-06T10:00"})

    assert reviewed.preview == {"event": "Q3 review", "when": "2030-03-05T15:00+01:00 → 16:00+01:00 (Europe/Paris)",
                                "guests": ["alice@acme.example"], "time_zone": "Europe/Paris"}
    assert reviewed.args["start"] == "2030-03-06T10:00"


def test_deleting_shows_what_will_be_deleted_and_stays_destructive(ctx, event_with_guests):
    reviewed = review(ctx, "calendar_delete_event", {"event_id": event_with_guests["id"]})

    assert reviewed.effect == "destructive"
    assert reviewed.preview["event"] == "Q3 review" and reviewed.preview["guests"] == ["alice@acme.example"]
    assert reviewed.preview["when"].startswith("2030-03-05T15:00+01:00")


def test_event_that_just_got_guests_needs_approval_for_the_next_change(ctx, private_event):
    invoke("calendar_update_event", ctx, {"event_id": private_event["id"], "add_attendees": ["bob@acme.example"]})

    assert review(ctx, "calendar_update_event", {"event_id": private_event["id"], "title": "Pairing"}).effect == "outbound"


def test_review_reads_the_event_once(ctx, sandbox, event_with_guests):
    sandbox.clear_log()

    review(ctx, "calendar_update_event", {"event_id": event_with_guests["id"], "title": "Q4 review"})

    assert [r["path"] for r in sandbox.http_requests()] == [f"/calendar/v3/calendars/primary/events/{event_with_guests['id']}"]


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
