"""Invitations: the person sees who organizes an event and what they answered, and answers it."""
import pytest

from app.tools import invoke, review
from app.tools.context import Context
from app.tools.calendar_review import guests_emailed
from app.tools.registry import ToolError

KICKOFF = {"summary": "Vendor kickoff", "organizer": "maria.garcia@globex.example", "day": 3, "start": "10:00",
           "attendees": ["maria.garcia@globex.example", "alex@acme.example", "bob@acme.example"]}


@pytest.fixture
def ctx(sandbox) -> Context:
    """A workspace whose calendar holds an invitation from someone else, and a grant to it."""
    sandbox.reset({"account": {"email": "alex@acme.example", "name": "Alex Martin", "timezone": "Europe/Paris"},
                   "calendar": {"events": [KICKOFF, {"summary": "Focus", "day": 3, "start": "14:00"}]}})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


@pytest.fixture
def invited(ctx) -> dict:
    return {event["title"]: event for event in invoke("calendar_list_events", ctx, {})["events"]}


def test_an_invitation_shows_its_organizer_and_that_it_awaits_an_answer(invited):
    kickoff = invited["Vendor kickoff"]
    assert (kickoff["organizer"], kickoff["my_response"]) == ("maria.garcia@globex.example", "needsAction")
    assert "organizer" not in invited["Focus"]  # the person's own event


def test_declining_tells_the_organizer_and_changes_nothing_else(ctx, sandbox, invited):
    kickoff = invited["Vendor kickoff"]

    card = review("calendar_respond", ctx, {"event_id": kickoff["id"], "response": "declined", "comment": "On leave that week"})
    answered = invoke("calendar_respond", ctx, {"event_id": kickoff["id"], "response": "declined", "comment": "On leave that week"})

    assert card.effect == "outbound" and card.preview["organizer"] == "maria.garcia@globex.example"
    assert answered["event"]["my_response"] == "declined"
    assert answered["event"]["guests"] == {"maria.garcia@globex.example": "needsAction", "bob@acme.example": "needsAction"}
    assert answered["summary"].startswith("Declined 'Vendor kickoff'") and answered["summary"].endswith("maria.garcia@globex.example was told.")
    assert sandbox.state()["calendar"]["notifications"][-1]["notified"] == ["maria.garcia@globex.example"]


def test_only_a_guest_can_answer(ctx, invited):
    with pytest.raises(ToolError, match="not among this event's guests"):
        invoke("calendar_respond", ctx, {"event_id": invited["Focus"]["id"], "response": "accepted"})


def test_a_guest_cannot_change_someone_elses_event(ctx, invited):
    with pytest.raises(ToolError, match="refused"):
        invoke("calendar_update_event", ctx, {"event_id": invited["Vendor kickoff"]["id"], "title": "Mine now", "notify": False})


def test_a_guest_changing_someone_elses_event_is_not_said_to_email_anyone(ctx, invited):
    card = review("calendar_update_event", ctx, {"event_id": invited["Vendor kickoff"]["id"], "location": "Room 2"})
    assert card.args["notify"] is False


def test_a_room_is_not_a_guest_to_email():
    room_only = {"organizer": {"self": True}, "attendees": [{"email": "alex@acme.example", "self": True},
                                                             {"email": "everest@resource.calendar.google.com", "resource": True}]}
    assert guests_emailed(room_only, None, guests_change=False) is False


def test_deleting_an_invitation_takes_it_off_your_calendar_and_tells_only_the_organizer(ctx, sandbox, invited):
    removed = invoke("calendar_delete_event", ctx, {"event_id": invited["Vendor kickoff"]["id"]})

    assert "Vendor kickoff" not in {e["title"] for e in invoke("calendar_list_events", ctx, {})["events"]}
    assert removed["summary"].startswith("Removed 'Vendor kickoff' (")
    assert removed["summary"].endswith("from your calendar and declined it; maria.garcia@globex.example's event stays for the other guests.")
    told = sandbox.state()["calendar"]["notifications"][-1]
    assert (told["action"], told["notified"]) == ("responded", ["maria.garcia@globex.example"])
