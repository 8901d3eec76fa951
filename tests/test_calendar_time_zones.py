"""Event times land at the right instant and come back in the person's zone."""
from datetime import datetime

from app.tools import invoke
from app.tools.context import Context
from app.tools.timezone import user_timezone


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


def test_zone_falls_back_to_the_primary_calendar(ctx, sandbox):
    sandbox.fault("/calendar/v3/users/me/settings/timezone", status=403)

    assert user_timezone(ctx) == "Europe/Paris"
    assert "/calendar/v3/calendars/primary" in [r["path"] for r in sandbox.log()]


def test_zone_falls_back_to_utc_when_calendar_is_unreadable(ctx, sandbox):
    sandbox.fault("/calendar/v3/", status=403, count=2)

    assert user_timezone(ctx) == "UTC"
