"""Free time avoids everyone's busy blocks and stays inside working hours in the user's zone."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.tools import invoke
from app.tools.context import Context
from app.tools.registry import ToolError

WEEK = {
    "account": {"email": "alex@acme.example", "name": "Alex Martin", "timezone": "Europe/Paris"},
    "calendar": {
        "events": [
            {"summary": "Board prep", "start": {"dateTime": "2030-03-04T11:00:00", "timeZone": "Europe/Paris"},
             "end": {"dateTime": "2030-03-04T12:00:00", "timeZone": "Europe/Paris"}},
            {"summary": "Holiday", "start": {"date": "2030-03-05"}, "end": {"date": "2030-03-06"}, "transparency": "transparent"},
        ],
        "busy": {"alice@acme.example": [
            {"start": "2030-03-04T08:00:00Z", "end": "2030-03-04T10:00:00Z"},
            {"start": "2030-03-04T13:00:00Z", "end": "2030-03-04T16:30:00Z"},
        ]},
    },
}


@pytest.fixture
def week_ctx(sandbox):
    sandbox.reset(WEEK)
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


def test_slots_avoid_user_and_attendee_busy_times(week_ctx):
    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 60, "start": "2030-03-04", "end": "2030-03-04", "attendees": ["alice@acme.example"]})

    assert found["tz"] == "Europe/Paris"
    assert found["slots"] == [{"start": "2030-03-04T12:00+01:00", "end": "2030-03-04T14:00+01:00"}]


def test_short_gaps_count_for_short_meetings(week_ctx):
    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 30, "start": "2030-03-04", "end": "2030-03-04", "attendees": ["alice@acme.example"]})

    assert found["slots"][-1] == {"start": "2030-03-04T17:30+01:00", "end": "2030-03-04T18:00+01:00"}


def test_weekend_and_nights_are_not_offered(week_ctx):
    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 60, "start": "2030-03-08T12:00", "end": "2030-03-11", "max_slots": 20})

    assert [(s["start"], s["end"]) for s in found["slots"]] == [
        ("2030-03-08T12:00+01:00", "2030-03-08T18:00+01:00"),
        ("2030-03-11T09:00+01:00", "2030-03-11T18:00+01:00"),
    ]


def test_working_hours_can_be_changed(week_ctx):
    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 60, "start": "2030-03-09", "end": "2030-03-09", "day_start": "10:00", "day_end": "12:00", "weekdays_only": False})

    assert found["slots"] == [{"start": "2030-03-09T10:00+01:00", "end": "2030-03-09T12:00+01:00"}]


def test_a_free_all_day_event_does_not_block_the_day(week_ctx):
    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 60, "start": "2030-03-05", "end": "2030-03-05"})

    assert found["slots"] == [{"start": "2030-03-05T09:00+01:00", "end": "2030-03-05T18:00+01:00"}]


def test_people_outside_the_domain_are_reported_not_visible(week_ctx):
    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 60, "start": "2030-03-05", "end": "2030-03-05", "attendees": ["someone@elsewhere.example"]})

    assert found["calendar_not_visible"] == ["someone@elsewhere.example"]


def test_an_invited_colleague_is_busy_during_the_new_meeting(week_ctx):
    invoke("calendar_create_event", week_ctx, {"title": "1:1", "start": "2030-03-06T09:00", "minutes": 120, "attendees": ["bob@acme.example"]})

    found = invoke("calendar_find_free_time", week_ctx, {"minutes": 60, "start": "2030-03-06", "end": "2030-03-06", "attendees": ["bob@acme.example"]})

    assert found["slots"] == [{"start": "2030-03-06T11:00+01:00", "end": "2030-03-06T18:00+01:00"}]


def test_night_the_clocks_go_forward_has_an_hour_less_free(week_ctx):
    night = {"start": "2030-03-31", "end": "2030-03-31", "day_start": "00:00", "day_end": "04:00", "weekdays_only": False}

    three_hours = invoke("calendar_find_free_time", week_ctx, {"minutes": 180, **night})["slots"]
    longer = invoke("calendar_find_free_time", week_ctx, {"minutes": 200, **night})["slots"]

    assert three_hours == [{"start": "2030-03-31T00:00+01:00", "end": "2030-03-31T04:00+02:00"}] and longer == []


def test_hours_already_gone_today_are_not_offered(ctx):
    now = datetime.now(ZoneInfo("Europe/Paris"))  # the demo person's zone
    days = {"start": (now.date() - timedelta(days=2)).isoformat(), "end": (now.date() + timedelta(days=1)).isoformat()}

    found = invoke("calendar_find_free_time", ctx, {"minutes": 30, **days, "day_start": "00:00", "day_end": "23:59",
                                                    "weekdays_only": False})

    assert found["slots"] and datetime.fromisoformat(found["slots"][0]["start"]) >= now.replace(second=0, microsecond=0)


def test_working_hours_are_read_with_one_digit_hours_and_a_wrong_one_is_named(week_ctx):
    one_digit = invoke("calendar_find_free_time", week_ctx, {"minutes": 30, "start": "2030-03-06", "end": "2030-03-06",
                                                             "day_start": "9:00", "day_end": "9:45"})
    assert one_digit["slots"] == [{"start": "2030-03-06T09:00+01:00", "end": "2030-03-06T09:45+01:00"}]

    with pytest.raises(ToolError, match="Not a time of day: '25:00'"):
        invoke("calendar_find_free_time", week_ctx, {"minutes": 30, "start": "2030-03-06", "day_end": "25:00"})
