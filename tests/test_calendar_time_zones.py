"""Event times land at the right instant and come back in the person's zone."""
from datetime import datetime

import pytest

from app.scopes import CALENDAR_READ, REQUESTED
from app.tools import invoke
from app.tools.context import Context
from app.tools.registry import ToolError
from app.tools.timezone import known_timezone, user_timezone


def stored_start(ctx, event_id):
    stored = ctx.service("calendar").events().get(calendarId="primary", eventId=event_id).execute()
    return datetime.fromisoformat(stored["start"]["dateTime"]), stored["start"].get("timeZone")


@pytest.fixture
def unknown_zone(ctx, sandbox):
    """Calendar will not say the person's zone: settings and the event listing both refuse."""
    sandbox.fault("/calendar/v3/users/me/settings", status=403)
    sandbox.fault("/calendar/v3/calendars/primary/events", status=403, where="request")
    assert known_timezone(ctx) is None
    return ctx


def test_new_york_meeting_shows_at_paris_time(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Call with NY office", "start": "2030-03-05T10:00", "time_zone": "America/New_York", "minutes": 30})

    assert created["event"]["start"] == "2030-03-05T16:00+01:00"
    stored = ctx.service("calendar").events().get(calendarId="primary", eventId=created["event"]["id"]).execute()
    assert datetime.fromisoformat(stored["start"]["dateTime"]) == datetime.fromisoformat("2030-03-05T15:00:00+00:00")
    assert stored["start"]["timeZone"] == "America/New_York"


def test_listing_shows_times_in_the_calendar_zone_with_its_name(ctx):
    invoke("calendar_create_event", ctx, {"title": "Call with NY office", "start": "2030-03-05T10:00", "time_zone": "America/New_York"})

    listed = invoke("calendar_list_events", ctx, {"start": "2030-03-05", "end": "2030-03-05"})

    assert listed["tz"] == "Europe/Paris"
    assert [(e["title"], e["start"], e["end"]) for e in listed["events"]] == [("Call with NY office", "2030-03-05T16:00+01:00", "2030-03-05T17:00+01:00")]


def test_naive_time_is_read_in_the_users_zone(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Dentist", "start": "2030-07-01T09:00"})

    stored = ctx.service("calendar").events().get(calendarId="primary", eventId=created["event"]["id"]).execute()
    assert datetime.fromisoformat(stored["start"]["dateTime"]) == datetime.fromisoformat("2030-07-01T07:00:00+00:00")
    assert created["event"]["start"] == "2030-07-01T09:00+02:00"


def test_user_zone_comes_from_calendar_settings(ctx, sandbox):
    sandbox.reset({"account": {"email": "kenji@acme.example", "name": "Kenji", "timezone": "Asia/Tokyo"}})

    kenji = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    listed = invoke("calendar_list_events", kenji, {"start": "2030-03-05", "end": "2030-03-06"})

    assert listed["tz"] == "Asia/Tokyo"


def test_zone_is_read_once_per_run(ctx, sandbox):
    sandbox.clear_log()

    invoke("calendar_list_events", ctx, {})
    invoke("calendar_find_free_time", ctx, {"minutes": 30})

    assert [r["path"] for r in sandbox.log()].count("/calendar/v3/users/me/settings/timezone") == 1


def test_zone_is_read_from_the_event_listing_with_only_the_events_scope(sandbox):
    events_only = Context(credentials=sandbox.credentials([s for s in REQUESTED if s != CALENDAR_READ]), api_root=sandbox.url)

    assert user_timezone(events_only) == "Europe/Paris"
    assert "/calendar/v3/calendars/primary/events" in [r["path"] for r in sandbox.log()]


def test_time_without_offset_is_refused_when_the_zone_is_unknown(unknown_zone, sandbox):
    with pytest.raises(ToolError, match="offset"):
        invoke("calendar_create_event", unknown_zone, {"title": "Dentist", "start": "2030-07-01T09:00"})

    assert sandbox.state()["calendar"]["events"]["alex@acme.example"][-1]["summary"] != "Dentist"


def test_results_say_times_are_utc_when_the_zone_is_unknown(unknown_zone):
    created = invoke("calendar_create_event", unknown_zone, {"title": "Dentist", "start": "2030-07-01T09:00+02:00"})
    listed = invoke("calendar_list_events", unknown_zone, {"start": "2030-07-01T00:00+02:00", "end": "2030-07-02T00:00+02:00"})

    assert created["event"]["start"] == "2030-07-01T07:00+00:00" and "UTC" in created["tz_unknown"]
    assert listed["tz"] == "UTC" and "UTC" in listed["tz_unknown"]


def test_moving_an_event_reads_the_new_time_in_the_users_zone_and_keeps_the_events_zone(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Call with NY office", "start": "2030-03-05T10:00", "time_zone": "America/New_York"})

    moved = invoke("calendar_update_event", ctx, {"event_id": created["event"]["id"], "start": "2030-03-06T16:00"})

    assert moved["event"]["start"] == "2030-03-06T16:00+01:00"
    assert stored_start(ctx, created["event"]["id"]) == (datetime.fromisoformat("2030-03-06T15:00:00+00:00"), "America/New_York")


def test_moving_with_a_zone_reads_the_time_there_and_moves_the_event_to_it(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Call", "start": "2030-03-05T10:00"})

    invoke("calendar_update_event", ctx, {"event_id": created["event"]["id"], "start": "2030-03-06T10:00", "time_zone": "Asia/Tokyo"})

    assert stored_start(ctx, created["event"]["id"]) == (datetime.fromisoformat("2030-03-06T01:00:00+00:00"), "Asia/Tokyo")


@pytest.mark.parametrize("start, minutes, end", [
    ("2030-03-31T01:30", 120, "2030-03-31T04:30+02:00"),  # the clocks go forward at 02:00
    ("2030-10-27T01:30", 90, "2030-10-27T02:00+01:00"),  # the clocks go back at 03:00
])
def test_length_is_real_time_across_a_clock_change(ctx, start, minutes, end):
    created = invoke("calendar_create_event", ctx, {"title": "Night shift", "start": start, "minutes": minutes})

    assert created["event"]["end"] == end


def test_time_the_clocks_skip_is_refused(ctx):
    with pytest.raises(ToolError, match="does not exist in Europe/Paris"):
        invoke("calendar_create_event", ctx, {"title": "Night shift", "start": "2030-03-31T02:30"})


def test_a_day_whose_midnight_the_clocks_skip_starts_when_they_jump(sandbox):
    """In Santiago the clocks go from 00:00 straight to 01:00 one night in September."""
    sandbox.reset({"account": {"email": "ana@acme.example", "name": "Ana", "timezone": "America/Santiago"}})
    ana = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    invoke("calendar_create_event", ana, {"title": "Asado", "start": "2030-09-08T13:00"})
    invoke("calendar_create_event", ana, {"title": "Late film", "start": "2030-09-07T23:00", "minutes": 30})

    assert [e["title"] for e in invoke("calendar_list_events", ana, {"start": "2030-09-08", "end": "2030-09-08"})["events"]] == ["Asado"]
    assert [e["title"] for e in invoke("calendar_list_events", ana, {"start": "2030-09-07", "end": "2030-09-07"})["events"]] == ["Late film"]


def test_time_the_clocks_pass_twice_means_the_first_one(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Night shift", "start": "2030-10-27T02:30", "minutes": 30})

    assert (created["event"]["start"], created["event"]["end"]) == ("2030-10-27T02:30+02:00", "2030-10-27T02:00+01:00")


def test_zone_falls_back_to_the_primary_calendar(ctx, sandbox):
    sandbox.fault("/calendar/v3/users/me/settings/timezone", status=403)

    assert user_timezone(ctx) == "Europe/Paris"
