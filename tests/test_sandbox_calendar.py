"""The Calendar emulator answers the real client the way Google does."""
import urllib.request
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from googleapiclient.errors import HttpError

from app.tools import invoke
from app.tools.context import Context

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def calendar(ctx):
    return ctx.service("calendar")


def timed(start: str, end: str, tz="Europe/Paris", **more) -> dict:
    return {"summary": "Meeting", "start": {"dateTime": start, "timeZone": tz}, "end": {"dateTime": end, "timeZone": tz}, **more}


def test_settings_hold_the_account_time_zone(calendar):
    assert calendar.settings().get(setting="timezone").execute()["value"] == "Europe/Paris"
    assert {"timezone", "weekStart"} <= {s["id"] for s in calendar.settings().list().execute()["items"]}


def test_calendar_list_has_the_primary_and_shared_calendars(calendar):
    items = calendar.calendarList().list().execute()["items"]

    assert [(c["summary"], c.get("primary", False), c["accessRole"]) for c in items] == [
        ("alex@acme.example", True, "owner"), ("Acme team", False, "reader")]
    assert calendar.calendars().get(calendarId="primary").execute()["timeZone"] == "Europe/Paris"


def test_freebusy_shows_a_colleagues_busy_time_seeded_relative_to_today(sandbox):
    sandbox.reset({"account": {"email": "alex@acme.example", "timezone": "Europe/Paris"},
                   "calendar": {"busy": {"alice@acme.example": [{"day": 1, "start": "09:00", "minutes": 120}]}}})
    calendar = Context(credentials=sandbox.credentials(), api_root=sandbox.url).service("calendar")
    tomorrow = datetime.now(PARIS).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), PARIS)
    body = {"timeMin": start.isoformat(), "timeMax": (start + timedelta(days=1)).isoformat(), "timeZone": "Europe/Paris",
            "items": [{"id": "alice@acme.example"}, {"id": "stranger@elsewhere.example"}]}

    answer = calendar.freebusy().query(body=body).execute()["calendars"]

    at = lambda hour: datetime.combine(tomorrow, time(hour), PARIS).isoformat()  # noqa: E731
    assert answer["alice@acme.example"]["busy"][0] == {"start": at(9), "end": at(11)}
    assert answer["stranger@elsewhere.example"]["errors"][0]["reason"] == "notFound"


def test_naive_date_time_is_read_in_its_time_zone(calendar):
    event = calendar.events().insert(calendarId="primary", body=timed("2030-03-05T10:00:00", "2030-03-05T11:00:00", "America/New_York")).execute()

    assert event["start"] == {"dateTime": "2030-03-05T16:00:00+01:00", "timeZone": "America/New_York"}
    assert event["htmlLink"].endswith(f"/_sandbox/open/event/{event['id']}")
    assert event["organizer"]["email"] == "alex@acme.example" and event["iCalUID"]


def test_naive_date_time_without_zone_falls_back_to_the_calendar_zone(calendar):
    body = {"start": {"dateTime": "2030-03-05T10:00:00"}, "end": {"dateTime": "2030-03-05T11:00:00"}}

    event = calendar.events().insert(calendarId="primary", body=body).execute()

    assert event["start"]["dateTime"] == "2030-03-05T10:00:00+01:00"


def test_event_ending_before_it_starts_is_rejected(calendar):
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=timed("2030-03-05T10:00:00", "2030-03-05T09:00:00")).execute()
    assert caught.value.status_code == 400


def test_results_use_the_requested_time_zone(calendar):
    calendar.events().insert(calendarId="primary", body=timed("2030-03-05T10:00:00+01:00", "2030-03-05T11:00:00+01:00")).execute()

    items = calendar.events().list(calendarId="primary", timeMin="2030-03-05T00:00:00Z", timeMax="2030-03-06T00:00:00Z",
                                   timeZone="Asia/Tokyo", q="meeting").execute()["items"]

    assert items[0]["start"]["dateTime"] == "2030-03-05T18:00:00+09:00"


def test_start_time_order_needs_single_events(calendar):
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", orderBy="startTime").execute()
    assert caught.value.status_code == 400


def test_time_bounds_need_an_offset(calendar):
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", timeMin="2030-03-05T00:00:00").execute()
    assert caught.value.status_code == 400


def test_series_expands_into_instances_that_point_back(calendar):
    series = calendar.events().insert(calendarId="primary", body=timed(
        "2030-03-04T08:00:00", "2030-03-04T08:30:00", recurrence=["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=4"],
        summary="Run")).execute()

    items = calendar.events().list(calendarId="primary", timeMin="2030-03-01T00:00:00Z", timeMax="2030-04-30T00:00:00Z",
                                   singleEvents=True, orderBy="startTime", q="run").execute()["items"]

    assert [i["start"]["dateTime"][:10] for i in items] == ["2030-03-04", "2030-03-06", "2030-03-18", "2030-03-20"]
    assert {i["recurringEventId"] for i in items} == {series["id"]}
    assert items[1]["originalStartTime"]["dateTime"] == "2030-03-06T08:00:00+01:00"
    assert items[1]["id"] == f"{series['id']}_20300306T070000Z"


def starts(calendar, recurrence: list[str], first: str, until: str) -> list[str]:
    """The local start times of a new series' instances, as singleEvents=true lists them."""
    calendar.events().insert(calendarId="primary", body=timed(
        f"{first}T08:00:00", f"{first}T08:30:00", recurrence=recurrence, summary="Series")).execute()
    items = calendar.events().list(calendarId="primary", timeMin=f"{first}T00:00:00Z", timeMax=f"{until}T00:00:00Z",
                                   singleEvents=True, orderBy="startTime", q="series").execute()["items"]
    return [i["start"]["dateTime"] for i in items]


def test_monthly_series_on_the_second_tuesday_keeps_its_local_time_across_dst(calendar):
    assert starts(calendar, ["RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=3"], "2030-03-12", "2030-12-31") == [
        "2030-03-12T08:00:00+01:00", "2030-04-09T08:00:00+02:00", "2030-05-14T08:00:00+02:00"]


def test_monthly_series_on_the_31st_skips_shorter_months(calendar):
    assert [s[:10] for s in starts(calendar, ["RRULE:FREQ=MONTHLY;COUNT=3"], "2030-01-31", "2030-12-31")] == [
        "2030-01-31", "2030-03-31", "2030-05-31"]


def test_monthly_series_on_the_last_friday(calendar):
    assert [s[:10] for s in starts(calendar, ["RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"], "2030-03-29", "2030-12-31")] == [
        "2030-03-29", "2030-04-26", "2030-05-31"]


def test_monthly_series_on_the_last_day_until_a_date(calendar):
    assert [s[:10] for s in starts(calendar, ["RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20300701T000000Z"], "2030-04-30",
                                   "2030-12-31")] == ["2030-04-30", "2030-05-31", "2030-06-30"]


def test_yearly_series_repeats_on_the_same_date(calendar):
    assert [s[:10] for s in starts(calendar, ["RRULE:FREQ=YEARLY;INTERVAL=2"], "2030-03-04", "2034-12-31")] == [
        "2030-03-04", "2032-03-04", "2034-03-04"]


@pytest.mark.parametrize("rule", ["FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=MONTHLY;BYDAY=0TU", "FREQ=HOURLY", "FREQ=YEARLY;BYMONTH=13"])
def test_a_rule_google_refuses_gets_a_400(calendar, rule):
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=timed(
            "2030-03-04T08:00:00", "2030-03-04T08:30:00", recurrence=[f"RRULE:{rule}"])).execute()
    assert caught.value.status_code == 400


def test_a_rule_that_never_matches_lists_nothing(calendar):
    assert starts(calendar, ["RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"], "2030-02-01", "2031-12-31") == []


def test_exdate_removes_an_occurrence(calendar):
    calendar.events().insert(calendarId="primary", body=timed(
        "2030-03-04T08:00:00", "2030-03-04T08:30:00", recurrence=["RRULE:FREQ=DAILY;COUNT=3", "EXDATE;TZID=Europe/Paris:20300305T080000"],
        summary="Run")).execute()

    items = calendar.events().list(calendarId="primary", timeMin="2030-03-01T00:00:00Z", timeMax="2030-03-10T00:00:00Z",
                                   singleEvents=True, q="run").execute()["items"]

    assert [i["start"]["dateTime"][:10] for i in items] == ["2030-03-04", "2030-03-06"]


def test_changing_one_instance_leaves_the_series(calendar):
    series = calendar.events().insert(calendarId="primary", body=timed(
        "2030-03-04T08:00:00", "2030-03-04T08:30:00", recurrence=["RRULE:FREQ=DAILY;COUNT=3"], summary="Run")).execute()

    calendar.events().patch(calendarId="primary", eventId=f"{series['id']}_20300305T070000Z", body={"summary": "Long run"}).execute()

    items = calendar.events().list(calendarId="primary", timeMin="2030-03-01T00:00:00Z", timeMax="2030-03-10T00:00:00Z",
                                   singleEvents=True, orderBy="startTime", q="run").execute()["items"]
    assert [i["summary"] for i in items] == ["Run", "Long run", "Run"]


def test_meet_link_needs_conference_data_version(calendar):
    request = {"createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}}
    plain = calendar.events().insert(calendarId="primary", body=timed("2030-03-05T10:00:00", "2030-03-05T11:00:00", conferenceData=request)).execute()
    meet = calendar.events().insert(calendarId="primary", conferenceDataVersion=1,
                                    body=timed("2030-03-05T10:00:00", "2030-03-05T11:00:00", conferenceData=request)).execute()

    assert "hangoutLink" not in plain
    assert meet["hangoutLink"].startswith("https://meet.google.com/")
    assert meet["conferenceData"]["createRequest"]["status"]["statusCode"] == "success"


def test_deleted_event_is_cancelled_and_shown_only_with_show_deleted(calendar):
    event = calendar.events().insert(calendarId="primary", body=timed("2030-03-05T10:00:00", "2030-03-05T11:00:00")).execute()

    calendar.events().delete(calendarId="primary", eventId=event["id"]).execute()

    window = {"calendarId": "primary", "timeMin": "2030-03-05T00:00:00Z", "timeMax": "2030-03-06T00:00:00Z", "q": "meeting"}
    assert calendar.events().list(**window).execute()["items"] == []
    assert calendar.events().list(showDeleted=True, **window).execute()["items"][0]["status"] == "cancelled"
    with pytest.raises(HttpError) as caught:
        calendar.events().delete(calendarId="primary", eventId=event["id"]).execute()
    assert caught.value.status_code == 410


def test_pages_follow_the_page_token(calendar):
    first = calendar.events().list(calendarId="primary", maxResults=3, singleEvents=True, orderBy="startTime").execute()
    second = calendar.events().list(calendarId="primary", maxResults=3, singleEvents=True, orderBy="startTime", pageToken=first["nextPageToken"]).execute()

    assert len(first["items"]) == 3 and not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_send_updates_is_recorded(calendar, sandbox):
    calendar.events().insert(calendarId="primary", sendUpdates="externalOnly", body=timed(
        "2030-03-05T10:00:00", "2030-03-05T11:00:00", attendees=[{"email": "alice@acme.example"}, {"email": "maria.garcia@globex.example"}])).execute()

    assert sandbox.state()["calendar"]["notifications"][-1]["notified"] == ["maria.garcia@globex.example"]


def test_event_link_opens_the_event(calendar):
    event = calendar.events().insert(calendarId="primary", body=timed("2030-03-05T10:00:00", "2030-03-05T11:00:00", summary="Visible")).execute()

    with urllib.request.urlopen(event["htmlLink"]) as page:
        assert "Visible" in page.read().decode()


@pytest.mark.parametrize("offset", ["", "+01:00"])
def test_timed_series_without_a_time_zone_is_rejected(calendar, offset):
    body = {"summary": "Run", "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
            "start": {"dateTime": f"2030-03-04T08:00:00{offset}"}, "end": {"dateTime": f"2030-03-04T08:30:00{offset}"}}

    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=body).execute()

    assert caught.value.status_code == 400 and "Missing time zone definition" in str(caught.value)


def test_all_day_series_needs_no_time_zone(calendar):
    body = {"summary": "Gym", "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"], "start": {"date": "2030-03-04"}, "end": {"date": "2030-03-05"}}

    assert calendar.events().insert(calendarId="primary", body=body).execute()["recurrence"]


def test_event_listing_answers_only_the_fields_asked_for(calendar):
    assert calendar.events().list(calendarId="primary", maxResults=1, fields="timeZone").execute() == {"timeZone": "Europe/Paris"}


def test_patch_merges_into_an_edge_and_null_clears_a_field_as_google_does(calendar):
    event = calendar.events().insert(calendarId="primary", body=timed("2030-03-04T08:00:00", "2030-03-04T08:30:00")).execute()
    all_day = {"start": {"date": "2030-03-04"}, "end": {"date": "2030-03-05"}}

    with pytest.raises(HttpError) as caught:  # the old dateTime stays beside the new date
        calendar.events().patch(calendarId="primary", eventId=event["id"], body=all_day).execute()
    assert caught.value.status_code == 400

    cleared = {edge: {**value, "dateTime": None, "timeZone": None} for edge, value in all_day.items()}
    patched = calendar.events().patch(calendarId="primary", eventId=event["id"], body=cleared).execute()
    assert patched["start"] == {"date": "2030-03-04"} and patched["summary"] == "Meeting"


def _occurrences(ctx, start, end):
    return invoke("calendar_list_events", ctx, {"start": start, "end": end, "query": "piano"})["events"]


def test_deleting_a_series_takes_its_edited_occurrences_with_it(ctx):
    made = invoke("calendar_create_event", ctx, {"title": "Piano", "start": "2030-03-04T18:00", "recurrence": "FREQ=WEEKLY;COUNT=3"})
    second = _occurrences(ctx, "2030-03-01", "2030-03-31")[1]
    invoke("calendar_update_event", ctx, {"event_id": second["id"], "title": "Piano (room 2)"})

    invoke("calendar_delete_event", ctx, {"event_id": made["event"]["id"]})

    assert _occurrences(ctx, "2030-03-01", "2030-03-31") == []


def test_an_occurrence_moved_earlier_is_listed_on_its_new_day(ctx):
    invoke("calendar_create_event", ctx, {"title": "Piano", "start": "2030-03-04T18:00", "recurrence": "FREQ=WEEKLY;COUNT=3"})
    third = _occurrences(ctx, "2030-03-18", "2030-03-18")[0]

    invoke("calendar_update_event", ctx, {"event_id": third["id"], "start": "2030-03-06T18:00"})

    assert [e["start"] for e in _occurrences(ctx, "2030-03-06", "2030-03-06")] == ["2030-03-06T18:00+01:00"]
    assert _occurrences(ctx, "2030-03-18", "2030-03-18") == []
