"""Creating, listing, changing and deleting events, checked in the sandbox's calendar."""
from datetime import date, timedelta

import googleapiclient.http
import httplib2
import pytest
from googleapiclient.errors import HttpError

from app import google_api
from app.tools import invoke, review
from app.tools.registry import ToolError


def stored_event(sandbox, event_id):
    events = sandbox.state()["calendar"]["events"]["alex@acme.example"]
    return next(e for e in events if e["id"] == event_id)


def test_all_day_event_uses_dates_with_exclusive_end(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Offsite", "start": "2030-03-06", "end": "2030-03-08"})

    event = stored_event(sandbox, created["event"]["id"])
    assert event["start"] == {"date": "2030-03-06"} and event["end"] == {"date": "2030-03-08"}
    assert created["event"]["all_day"] is True


def test_single_day_all_day_event_ends_next_day(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Holiday", "start": "2030-03-06"})

    assert stored_event(sandbox, created["event"]["id"])["end"] == {"date": "2030-03-07"}


def test_one_day_event_shows_only_its_day(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Holiday", "start": "2030-12-01"})

    listed = invoke("calendar_list_events", ctx, {"start": "2030-12-01", "end": "2030-12-01"})["events"]

    assert {k: created["event"][k] for k in ("all_day", "start")} == {"all_day": True, "start": "2030-12-01"}
    assert "last_day" not in listed[0] and "end" not in listed[0]


def test_multi_day_event_shows_its_last_day_not_googles_exclusive_end(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Offsite", "start": "2030-03-06", "end": "2030-03-08"})

    assert (created["event"]["start"], created["event"]["last_day"]) == ("2030-03-06", "2030-03-07")


def test_long_description_is_cut_with_a_marker(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Board prep", "start": "2030-03-05T09:00", "description": "agenda " * 200})

    assert len(created["event"]["description"]) == 500 and created["event"]["description_truncated"] is True


def test_short_description_is_whole_and_unmarked(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Board prep", "start": "2030-03-05T09:00", "description": "Q3 numbers"})

    assert created["event"]["description"] == "Q3 numbers" and "description_truncated" not in created["event"]


def test_weekly_recurring_event_is_expanded_when_listed(ctx):
    invoke("calendar_create_event", ctx, {"title": "Piano", "start": "2030-03-04T18:30", "minutes": 45, "recurrence": "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5"})

    listed = invoke("calendar_list_events", ctx, {"start": "2030-03-01", "end": "2030-03-31", "query": "piano"})

    starts = [e["start"] for e in listed["events"]]
    assert starts == ["2030-03-04T18:30+01:00", "2030-03-07T18:30+01:00", "2030-03-11T18:30+01:00", "2030-03-14T18:30+01:00", "2030-03-18T18:30+01:00"]
    assert len({e["series_id"] for e in listed["events"]}) == 1 and len({e["id"] for e in listed["events"]}) == 5


def test_short_pages_from_google_are_followed_up_to_the_limit(ctx, sandbox):
    invoke("calendar_create_event", ctx, {"title": "Piano", "start": "2030-03-04T18:30", "recurrence": "FREQ=DAILY;COUNT=9"})
    sandbox.fault("/calendar/v3/calendars/", short_page=2, count=10, method="GET")

    listed = invoke("calendar_list_events", ctx, {"start": "2030-03-01", "end": "2030-03-31", "query": "piano",
                                                  "max_results": 7})

    assert [e["start"][:10] for e in listed["events"]] == [f"2030-03-{day:02d}" for day in range(4, 11)]
    assert "more" in listed


def test_recurring_event_keeps_local_time_across_dst(ctx):
    invoke("calendar_create_event", ctx, {"title": "Sync", "start": "2030-03-25T10:00", "recurrence": "FREQ=DAILY;INTERVAL=3;UNTIL=20300403T000000Z"})

    listed = invoke("calendar_list_events", ctx, {"start": "2030-03-20", "end": "2030-04-10", "query": "sync"})

    starts = [e["start"] for e in listed["events"] if e["title"] == "Sync"]
    assert starts == ["2030-03-25T10:00+01:00", "2030-03-28T10:00+01:00", "2030-03-31T10:00+02:00"]


def test_demo_team_sync_repeats_every_monday(ctx):
    listed = invoke("calendar_list_events", ctx, {"query": "Team sync", "start": "2030-03-01", "end": "2030-03-31"})

    assert [e["start"] for e in listed["events"]] == [f"2030-03-{day:02d}T10:00+01:00" for day in (4, 11, 18, 25)]
    assert all(e["series_id"] and e["meet"].startswith("https://meet.google.com/") for e in listed["events"])


def test_meet_link_is_created_and_returned(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Video call", "start": "2030-03-05T15:00", "meet": True})

    event = stored_event(sandbox, created["event"]["id"])
    assert created["event"]["meet"] == event["hangoutLink"]
    assert event["conferenceData"]["entryPoints"][0]["uri"] == event["hangoutLink"]
    assert created["link"] == event["htmlLink"]


def test_guests_are_invited_when_the_event_is_created(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Q3 review", "start": "2030-03-05T15:00", "attendees": ["alice@acme.example"]})

    note = sandbox.state()["calendar"]["notifications"][-1]
    assert note == {"eventId": created["event"]["id"], "summary": "Q3 review", "action": "created", "sendUpdates": "all", "notified": ["alice@acme.example"]}


def test_moving_an_event_keeps_its_length(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Focus", "start": "2030-03-05T09:00", "minutes": 90})

    moved = invoke("calendar_update_event", ctx, {"event_id": created["event"]["id"], "start": "2030-03-06T14:00"})

    assert (moved["event"]["start"], moved["event"]["end"]) == ("2030-03-06T14:00+01:00", "2030-03-06T15:30+01:00")
    assert stored_event(sandbox, created["event"]["id"])["sequence"] == 1


def test_a_timed_event_becomes_an_all_day_one(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Offsite", "start": "2030-03-05T09:00", "minutes": 60})

    invoke("calendar_update_event", ctx, {"event_id": created["event"]["id"], "start": "2030-03-05", "end": "2030-03-06"})

    event = stored_event(sandbox, created["event"]["id"])
    assert event["start"] == {"date": "2030-03-05"} and event["end"] == {"date": "2030-03-06"}


def test_an_all_day_event_becomes_a_timed_one(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Offsite", "start": "2030-03-05"})

    moved = invoke("calendar_update_event", ctx, {"event_id": created["event"]["id"], "start": "2030-03-05T10:00",
                                                 "end": "2030-03-05T12:00"})

    assert (moved["event"]["start"], moved["event"]["end"]) == ("2030-03-05T10:00+01:00", "2030-03-05T12:00+01:00")
    assert "date" not in stored_event(sandbox, created["event"]["id"])["start"]


def test_adding_a_guest_invites_only_that_change_and_keeps_others(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Review", "start": "2030-03-05T15:00", "attendees": ["alice@acme.example"]})

    invoke("calendar_update_event", ctx, {"event_id": created["event"]["id"], "add_attendees": ["bob@acme.example"]})

    event = stored_event(sandbox, created["event"]["id"])
    assert [a["email"] for a in event["attendees"]] == ["alice@acme.example", "bob@acme.example"]
    assert sandbox.state()["calendar"]["notifications"][-1]["sendUpdates"] == "all"


def test_moving_a_meeting_emails_its_guests_unless_told_not_to(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Review", "start": "2030-03-05T15:00", "attendees": ["alice@acme.example"]})
    event_id = created["event"]["id"]

    card = review("calendar_update_event", ctx, {"event_id": event_id, "start": "2030-03-05T16:00"})
    moved = invoke("calendar_update_event", ctx, {"event_id": event_id, "start": "2030-03-05T16:00"})

    assert card.args["notify"] is True and card.effect == "outbound"
    assert sandbox.state()["calendar"]["notifications"][-1]["notified"] == ["alice@acme.example"]
    assert moved["summary"].endswith("Guests were notified.")
    invoke("calendar_update_event", ctx, {"event_id": event_id, "title": "Q3 review", "notify": False})
    assert stored_event(sandbox, event_id)["summary"] == "Q3 review"
    assert sandbox.state()["calendar"]["notifications"][-1]["notified"] == []


def test_an_event_without_guests_emails_no_one(ctx):
    created = invoke("calendar_create_event", ctx, {"title": "Focus", "start": "2030-03-05T09:00"})

    card = review("calendar_update_event", ctx, {"event_id": created["event"]["id"], "start": "2030-03-05T10:00"})

    assert card.args["notify"] is False


def test_delete_cancels_the_event(ctx, sandbox):
    created = invoke("calendar_create_event", ctx, {"title": "Old meeting", "start": "2030-03-05T15:00"})

    invoke("calendar_delete_event", ctx, {"event_id": created["event"]["id"]})

    assert stored_event(sandbox, created["event"]["id"])["status"] == "cancelled"
    assert invoke("calendar_list_events", ctx, {"start": "2030-03-05", "end": "2030-03-05"})["events"] == []


def test_deleting_one_occurrence_leaves_the_rest_of_the_series(ctx):
    invoke("calendar_create_event", ctx, {"title": "Yoga", "start": "2030-03-04T07:30", "recurrence": "FREQ=DAILY;COUNT=3"})
    second = invoke("calendar_list_events", ctx, {"start": "2030-03-05", "end": "2030-03-05", "query": "yoga"})["events"][0]

    invoke("calendar_delete_event", ctx, {"event_id": second["id"]})

    listed = invoke("calendar_list_events", ctx, {"start": "2030-03-01", "end": "2030-03-10", "query": "yoga"})
    days = [e["start"][:10] for e in listed["events"]]
    assert days == ["2030-03-04", "2030-03-06"]


def test_other_calendars_are_listed_by_their_name(ctx):
    today = date.today()
    window = {"start": (today - timedelta(days=1)).isoformat(), "end": (today + timedelta(days=14)).isoformat()}

    listed = invoke("calendar_list_events", ctx, {"calendar": "acme team", **window})

    assert [(e["title"], e["all_day"]) for e in listed["events"]] == [("Alice out of office", True)]


def test_a_run_naming_a_calendar_again_lists_the_calendars_once(ctx, sandbox):
    sandbox.clear_log()

    for _ in range(2):
        invoke("calendar_list_events", ctx, {"calendar": "Acme team"})

    assert [r["path"] for r in sandbox.log()].count("/calendar/v3/users/me/calendarList") == 1


def test_unknown_calendar_name_lists_the_calendars_there_are(ctx):
    with pytest.raises(ToolError, match="No calendar named 'Holidays'") as missing:
        invoke("calendar_list_events", ctx, {"calendar": "Holidays"})
    assert "Acme team" in missing.value.found["calendars"] and "Acme team" not in str(missing.value)


def test_a_whole_series_is_moved_or_cancelled_by_its_series_id_and_one_occurrence_by_its_own(ctx):
    invoke("calendar_create_event", ctx, {"title": "Piano", "start": "2030-03-04T18:30", "recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=4"})
    window = {"start": "2030-03-01", "end": "2030-03-31", "query": "piano"}
    first, *_ = invoke("calendar_list_events", ctx, window)["events"]

    invoke("calendar_delete_event", ctx, {"event_id": first["id"]})
    assert [e["start"][:10] for e in invoke("calendar_list_events", ctx, window)["events"]] == ["2030-03-11", "2030-03-18", "2030-03-25"]

    moved = invoke("calendar_update_event", ctx, {"event_id": first["series_id"], "title": "Piano lesson"})
    assert moved["event"]["repeats"] == "FREQ=WEEKLY;BYDAY=MO;COUNT=4"
    assert {e["title"] for e in invoke("calendar_list_events", ctx, {**window, "query": "lesson"})["events"]} == {"Piano lesson"}

    card = review("calendar_delete_event", ctx, {"event_id": first["series_id"]})
    deleted = invoke("calendar_delete_event", ctx, {"event_id": first["series_id"]})
    assert card.preview["repeats"] == "FREQ=WEEKLY;BYDAY=MO;COUNT=4"
    assert deleted["summary"] == "Deleted every occurrence of 'Piano lesson'."
    assert invoke("calendar_list_events", ctx, window)["events"] == []


def test_an_event_google_made_before_its_answer_was_lost_is_made_and_its_guests_invited_once(ctx, sandbox, monkeypatch):
    monkeypatch.setattr(googleapiclient.http.time, "sleep", lambda seconds: None)  # the client's backoff before it retries
    sandbox.fault("/calendar/v3/calendars/primary/events", status=503, method="POST", after=True)

    result = invoke("calendar_create_event", ctx, {"title": "Budget review", "start": "2030-03-05T10:00",
                                                   "attendees": ["bob@acme.example"]})

    state = sandbox.state()["calendar"]
    made = [e for events in state["events"].values() for e in events if e["summary"] == "Budget review"]
    assert [e["id"] for e in made] == [result["event"]["id"]]
    assert [n["notified"] for n in state["notifications"] if n["summary"] == "Budget review"] == [["bob@acme.example"]]
    assert [r["status"] for r in sandbox.http_requests() if r["method"] == "POST"] == [503, 409]


def test_a_deletion_google_made_before_its_answer_was_lost_is_reported_deleted(ctx, sandbox, monkeypatch):
    monkeypatch.setattr(googleapiclient.http.time, "sleep", lambda seconds: None)
    made = invoke("calendar_create_event", ctx, {"title": "Dentist", "start": "2030-03-05T10:00"})
    sandbox.fault("/calendar/v3/calendars/primary/events/", status=503, method="DELETE", after=True)

    deleted = invoke("calendar_delete_event", ctx, {"event_id": made["event"]["id"]})

    assert deleted["summary"].startswith("'Dentist' (")
    assert deleted["summary"].endswith("is deleted (Google had it deleted already).")
    assert invoke("calendar_list_events", ctx, {"start": "2030-03-05", "end": "2030-03-05"})["events"] == []


def test_a_change_google_made_before_its_answer_was_lost_emails_the_guests_once(ctx, sandbox):
    made = invoke("calendar_create_event", ctx, {"title": "Budget", "start": "2030-03-05T10:00", "attendees": ["bob@acme.example"]})
    sandbox.fault("/calendar/v3/calendars/primary/events/", status=503, method="PATCH", after=True)

    moved = invoke("calendar_update_event", ctx, review("calendar_update_event", ctx, {"event_id": made["event"]["id"],
                                                                                       "start": "2030-03-05T11:00"}).args)

    assert moved["event"]["start"].startswith("2030-03-05T11:00")
    updates = [n for n in sandbox.state()["calendar"]["notifications"] if n["summary"] == "Budget" and n["action"] == "updated"]
    assert [n["notified"] for n in updates] == [["bob@acme.example"]]


def test_a_change_google_refused_with_a_5xx_is_reported_and_not_made_twice(ctx, sandbox):
    made = invoke("calendar_create_event", ctx, {"title": "Budget", "start": "2030-03-05T10:00", "attendees": ["bob@acme.example"]})
    sandbox.fault("/calendar/v3/calendars/primary/events/", status=503, method="PATCH")

    with pytest.raises(ToolError, match="503|unavailable|try again"):
        invoke("calendar_update_event", ctx, {"event_id": made["event"]["id"], "start": "2030-03-05T11:00"})

    assert [r["status"] for r in sandbox.http_requests() if r["method"] == "PATCH"] == [503]
    assert invoke("calendar_list_events", ctx, {"start": "2030-03-05", "end": "2030-03-05"})["events"][0]["start"].startswith("2030-03-05T10:00")


def test_a_change_that_failed_is_not_reported_made_because_someone_else_changed_the_event(ctx, sandbox, monkeypatch):
    made = invoke("calendar_create_event", ctx, {"title": "Budget", "start": "2030-03-05T10:00", "attendees": ["bob@acme.example"]})
    events = ctx.service("calendar").events()

    def failed_while_a_co_organizer_edits(request):
        google_api.execute(events.patch(calendarId="primary", eventId=made["event"]["id"], body={"location": "Room 2"}))
        raise HttpError(httplib2.Response({"status": 503}), b'{"error": {"code": 503, "message": "Backend Error"}}')

    monkeypatch.setattr(google_api, "execute_once", failed_while_a_co_organizer_edits)

    with pytest.raises(ToolError, match="having trouble"):
        invoke("calendar_update_event", ctx, {"event_id": made["event"]["id"], "start": "2030-03-05T11:00"})
