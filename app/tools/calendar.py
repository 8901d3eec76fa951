"""Calendar tools: list events, find free time, create, change and delete events.

Times are read in the user's zone (Calendar settings) unless a zone is given,
always sent to Google with an explicit timeZone, and shown back in the user's
zone with their offset, next to the zone's name. Lengths are real time: a
60-minute event stays 60 minutes across a DST change.
"""
import base64
import os
import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from googleapiclient.errors import HttpError
from pydantic import Field

from app import google_api
from app.tools import free_time
from app.tools.calendar_review import guests_emailed, reaches_others, show_event, show_update, show_zone
from app.tools.calendar_shape import calendar_id, compact, instant, when, zone_shown, zone_warning
from app.tools.registry import ToolError, tool
from app.tools.timezone import UNKNOWN_ZONE, as_moment, known_timezone, later, parse_when, show, user_timezone, zone

WHEN = "ISO date or time; no offset = local time"
Clock = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]


def time_range(ctx, start: str | None, end: str | None, default_days: int) -> tuple[datetime, datetime, str]:
    tz_name = known_timezone(ctx)
    begin = as_moment(parse_when(start, tz_name), tz_name) if start else datetime.now(zone(user_timezone(ctx)))
    if end:
        finish = parse_when(end, tz_name)
        # A bare end date means "through that day", as people say it.
        finish = as_moment(finish + timedelta(days=1), tz_name) if not isinstance(finish, datetime) else finish
    else:
        finish = begin + timedelta(days=default_days)  # calendar days, so wall-clock on purpose
    if finish <= begin:
        raise ToolError("The end of the range must come after its start.")
    return begin, finish, user_timezone(ctx)


@tool("read", progress="Looking at your calendar")
def calendar_list_events(
    ctx,
    start: Annotated[str | None, Field(description=WHEN + "; default now")] = None,
    end: Annotated[str | None, Field(description="default start+7 days")] = None,
    query: str | None = None,
    calendar: Annotated[str, Field(description="id or name")] = "primary",
    max_results: Annotated[int, Field(ge=1, le=100)] = 30,
) -> dict:
    """Events in a time range (recurring ones expanded), optionally matching text."""
    begin, finish, tz_name = time_range(ctx, start, end, 7)
    events, cal = ctx.service("calendar").events(), calendar_id(ctx, calendar)
    found, more = google_api.listing(lambda token, size: events.list(
        calendarId=cal, timeMin=begin.isoformat(), timeMax=finish.isoformat(), q=query or None, singleEvents=True,
        orderBy="startTime", maxResults=size, timeZone=tz_name, pageToken=token,
    ), "items", max_results)
    out = {**zone_shown(ctx), "events": [compact(e, tz_name) for e in found]}
    if more:
        out["more"] = "narrow the range to see the rest"
    return out


@tool("read", progress="Looking for free time")
def calendar_find_free_time(
    ctx,
    minutes: Annotated[int, Field(ge=5, le=600)],
    start: Annotated[str | None, Field(description=WHEN + "; default now")] = None,
    end: Annotated[str | None, Field(description="default start+7 days")] = None,
    attendees: Annotated[list[str], Field(description="emails")] = [],
    day_start: Clock = "09:00",
    day_end: Clock = "18:00",
    weekdays_only: bool = True,
    max_slots: Annotated[int, Field(ge=1, le=20)] = 8,
) -> dict:
    """Free stretches of at least `minutes` for you and the attendees, within working hours in your zone."""
    if not known_timezone(ctx):
        raise ToolError(f"Working hours need your time zone, and {UNKNOWN_ZONE}.")
    begin, finish, tz_name = time_range(ctx, start, end, 7)
    # "Today" as a date starts at midnight, but the hours already gone are no one's free time.
    begin = max(begin, datetime.now(begin.tzinfo))
    if finish <= begin:
        raise ToolError("That range has passed already: look for free time from now on.")
    opens, closes = _clock(day_start), _clock(day_end)
    body = {"timeMin": begin.isoformat(), "timeMax": finish.isoformat(), "items": [{"id": "primary"}] + [{"id": a} for a in attendees]}
    calendars = google_api.execute(ctx.service("calendar").freebusy().query(body=body))["calendars"]
    busy, unknown = [], []
    for person, info in calendars.items():
        if info.get("errors"):
            unknown.append(person)
        busy += [(instant({"dateTime": b["start"]}), instant({"dateTime": b["end"]})) for b in info.get("busy", [])]
    windows = free_time.working_windows(begin, finish, zone(tz_name), opens, closes, weekdays_only)
    slots = free_time.free_slots(windows, busy, timedelta(minutes=minutes), max_slots)
    out = {"tz": tz_name, "slots": [{"start": show(s, tz_name), "end": show(e, tz_name)} for s, e in slots]}
    if unknown:
        out["calendar_not_visible"] = unknown
    return out


def _clock(text: str) -> time:
    try:
        return datetime.strptime(text, "%H:%M").time()  # 9:00 as well as 09:00
    except ValueError:
        raise ToolError(f"Not a time of day: {text!r}; use e.g. 09:00 or 17:30.") from None


def _edge(value: datetime | date, tz_name: str | None) -> dict:
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}
    if not tz_name:  # the offset alone fixes the instant; Google then uses the calendar's zone
        return {"dateTime": value.isoformat()}
    return {"dateTime": value.astimezone(zone(tz_name)).isoformat(), "timeZone": tz_name}


def _times(start: str, end: str | None, minutes: int, read_tz: str | None, edge_tz: str | None) -> tuple[dict, dict]:
    """Start and end edges: times without offset are read in read_tz and sent in edge_tz."""
    for name in {read_tz, edge_tz} - {None}:
        zone(name)  # an unknown zone becomes a readable error before anything is sent
    begin = parse_when(start, read_tz)
    if end:
        finish = parse_when(end, read_tz)
    else:
        finish = later(begin, timedelta(minutes=minutes)) if isinstance(begin, datetime) else begin + timedelta(days=1)
    if isinstance(begin, datetime) != isinstance(finish, datetime):
        raise ToolError("Give start and end both as dates (all-day) or both as times.")
    if finish <= begin:
        raise ToolError("The event must end after it starts (an all-day end date is exclusive).")
    return _edge(begin, edge_tz), _edge(finish, edge_tz)


def _has_guests(ctx, args: dict, preview: dict):
    return "outbound" if args.get("attendees") else None


@tool("write", escalate=_has_guests, prepare=show_zone, progress="Creating {title!r} in your calendar")
def calendar_create_event(
    ctx,
    title: str,
    start: Annotated[str, Field(description=WHEN + "; a date = all-day")],
    end: Annotated[str | None, Field(description="all-day end date is exclusive")] = None,
    minutes: Annotated[int, Field(description="if no end", ge=1)] = 60,
    time_zone: Annotated[str | None, Field(description="IANA; default yours")] = None,
    location: str | None = None,
    description: str | None = None,
    attendees: Annotated[list[str], Field(description="emails; they get invitations")] = [],
    meet: Annotated[bool, Field(description="add a Google Meet link")] = False,
    recurrence: Annotated[str | None, Field(description="RRULE, e.g. FREQ=WEEKLY;BYDAY=MO")] = None,
) -> dict:
    """Create an event in your primary calendar."""
    tz_name = time_zone or known_timezone(ctx)
    first, last = _times(start, end, minutes, tz_name, tz_name)
    body = {"summary": title, "start": first, "end": last, "attendees": [{"email": a} for a in attendees]}
    body.update({k: v for k, v in (("location", location), ("description", description)) if v})
    if recurrence:
        body["recurrence"] = [recurrence if recurrence.startswith("RRULE:") else "RRULE:" + recurrence]
    if meet:
        body["conferenceData"] = {"createRequest": {"requestId": uuid.uuid4().hex, "conferenceSolutionKey": {"type": "hangoutsMeet"}}}
    event = compact(_insert_once(ctx, body, sendUpdates="all" if attendees else "none"), user_timezone(ctx))
    guests = f" and invited {len(attendees)} guest(s)" if attendees else ""
    return {"event": event, "link": event["link"], "summary": f"Created {title!r} at {event['start']}{guests}.", **zone_warning(ctx)}


def _insert_once(ctx, body: dict, **options) -> dict:
    """Create the event under an id chosen here, so that a retry after Google created it but its
    answer was lost (a timeout, a 5xx) finds it there (409) rather than creating it, and inviting
    the guests, twice."""
    events = ctx.service("calendar").events()
    body = {**body, "id": base64.b32hexencode(os.urandom(20)).decode().lower()}  # a-v and 0-9, as Calendar wants
    try:
        return google_api.execute(events.insert(calendarId="primary", body=body, conferenceDataVersion=1, **options))
    except HttpError as error:
        if error.status_code != 409 or google_api.error_details(error)[0] != "duplicate":
            raise
        return google_api.execute(events.get(calendarId="primary", eventId=body["id"]))


def _event(args: dict) -> str:
    return args["event_id"]


def _invited(args: dict) -> list[tuple[str, str]]:
    """The guests a change that ran added: the task's other changes to the event may show them. (A new
    event's guests need not be given: its id, and so any change to it, comes only after it is made.)"""
    return [(args["event_id"], guest.lower()) for guest in args.get("add_attendees") or []]


@tool("write", escalate=reaches_others, prepare=show_update, target=_event, gives=_invited, progress="Updating the event")
def calendar_update_event(
    ctx,
    event_id: str,
    title: str | None = None,
    start: Annotated[str | None, Field(description=WHEN + "; keeps duration if no end")] = None,
    end: str | None = None,
    time_zone: str | None = None,
    location: str | None = None,
    description: str | None = None,
    add_attendees: list[str] = [],
    remove_attendees: list[str] = [],
    meet: Annotated[bool | None, Field(description="true adds a Meet link")] = None,
    notify: Annotated[bool | None, Field(description="email guests; default: yes if it has guests")] = None,
    calendar: str = "primary",
) -> dict:
    """Change an event's fields or guests: an occurrence's id changes that one, its series_id all."""
    service, cal = ctx.service("calendar"), calendar_id(ctx, calendar)
    event = google_api.execute(service.events().get(calendarId=cal, eventId=event_id))
    body = {k: v for k, v in (("summary", title), ("location", location), ("description", description)) if v is not None}
    if start or end or time_zone:
        body["start"], body["end"] = (_replacing(edge) for edge in _moved(ctx, event, start, end, time_zone))
    if add_attendees or remove_attendees:
        body["attendees"] = _guests(event, add_attendees, remove_attendees)
    if meet and not event.get("hangoutLink"):
        body["conferenceData"] = {"createRequest": {"requestId": uuid.uuid4().hex, "conferenceSolutionKey": {"type": "hangoutsMeet"}}}
    if not body:
        raise ToolError("Nothing to change: give at least one field.")
    notify = guests_emailed(event, notify, bool(add_attendees or remove_attendees))
    request = service.events().patch(calendarId=cal, eventId=event_id, body=body, conferenceDataVersion=1, sendUpdates="all" if notify else "none")
    updated = compact(_patch_once(service, cal, event_id, body, request) if notify else google_api.execute(request), user_timezone(ctx))
    told = " Guests were notified." if notify and updated.get("guests") else ""
    series = " in every occurrence" if updated.get("repeats") else ""
    summary = f"Updated {updated['title']!r}{series} ({', '.join(sorted(body))}).{told}"
    return {"event": updated, "link": updated["link"], "summary": summary, **zone_warning(ctx)}


def _patch_once(service, cal: str, event_id: str, body: dict, request) -> dict:
    """A change that emails the guests is made once: were it retried after Google made it but its
    answer was lost (a timeout, a 5xx), they would get the email twice. When the change may have
    been made, the event is read again: it was made if the event now holds what was sent (a new
    version alone could be someone else's edit, or another guest's answer)."""
    def made():
        now = google_api.execute(service.events().get(calendarId=cal, eventId=event_id))
        return now if all(_holds(now, key, wanted) for key, wanted in body.items()) else None

    return google_api.execute_once_or_find(request, made)


def _holds(event: dict, key: str, wanted) -> bool:
    if key in ("start", "end"):
        edge = event.get(key, {})
        return (edge.get("date") or instant(edge)) == (wanted.get("date") or instant(wanted))
    if key == "attendees":  # the guests, and the person's own answer
        def guests(attendees):
            return {a["email"].casefold(): a.get("self") and (a.get("responseStatus"), a.get("comment")) for a in attendees}
        return guests(event.get(key, [])) == guests(wanted)
    if key == "conferenceData":
        return bool(event.get("hangoutLink") or event.get(key))
    return event.get(key) == wanted


def _moved(ctx, event: dict, start: str | None, end: str | None, time_zone: str | None) -> tuple[dict, dict]:
    """New start/end; moving only the start keeps the event's length.

    A time without offset is the person's (or time_zone's) wall-clock time,
    whatever zone the event was written in; the event keeps its own zone
    unless time_zone is given, so a New York meeting stays a New York meeting.
    """
    read_tz = time_zone or known_timezone(ctx)
    edge_tz = time_zone or event["start"].get("timeZone") or known_timezone(ctx)
    if start and not end:
        old = [parse_when(event[k].get("dateTime") or event[k]["date"], read_tz) for k in ("start", "end")]
        new_start = parse_when(start, read_tz)
        if isinstance(new_start, datetime) and isinstance(old[0], datetime):
            return _edge(new_start, edge_tz), _edge(later(new_start, old[1] - old[0]), edge_tz)
        if not isinstance(new_start, datetime) and not isinstance(old[0], datetime):
            return _edge(new_start, edge_tz), _edge(new_start + (old[1] - old[0]), edge_tz)
    start = start or event["start"].get("dateTime") or event["start"]["date"]
    end = end or event["end"].get("dateTime") or event["end"]["date"]
    return _times(start, end, 60, read_tz, edge_tz)


def _replacing(edge: dict) -> dict:
    """A patch merges into the old edge: clear what the new one does not use, or an event turned
    all-day (or back) would hold both a date and a time, which Google refuses."""
    return {**edge, "dateTime": None, "timeZone": None} if "date" in edge else {**edge, "date": None}


def _guests(event: dict, add: list[str], remove: list[str]) -> list[dict]:
    dropped = {email.casefold() for email in remove}
    kept = [a for a in event.get("attendees", []) if a["email"].casefold() not in dropped]
    present = {a["email"].casefold() for a in kept}
    return kept + [{"email": email} for email in add if email.casefold() not in present]


@tool("outbound", prepare=show_event, progress="Answering the invitation")
def calendar_respond(
    ctx,
    event_id: str,
    response: Literal["accepted", "declined", "tentative"],
    comment: Annotated[str | None, Field(description="a note to the organizer")] = None,
    calendar: str = "primary",
) -> dict:
    """Answer an invitation (the organizer is told): an occurrence's id answers that one, its series_id all."""
    service, cal = ctx.service("calendar"), calendar_id(ctx, calendar)
    event = google_api.execute(service.events().get(calendarId=cal, eventId=event_id))
    if not any(a.get("self") for a in event.get("attendees", [])):
        raise ToolError("You are not among this event's guests, so there is no invitation to answer.")
    answer = {"responseStatus": response, **({"comment": comment} if comment else {})}
    # Google takes the whole guest list and lets a guest change only their own answer in it.
    attendees = [{**a, **answer} if a.get("self") else a for a in event["attendees"]]
    request = service.events().patch(calendarId=cal, eventId=event_id, body={"attendees": attendees}, sendUpdates="all")
    answered = compact(_patch_once(service, cal, event_id, {"attendees": attendees}, request), user_timezone(ctx))
    verb = {"accepted": "Accepted", "declined": "Declined", "tentative": "Said maybe to"}[response]
    told = f" {answered['organizer']} was told." if answered.get("organizer") else ""
    return {"event": answered, "link": answered["link"], "summary": f"{verb} {answered['title']!r} ({when(answered)}).{told}"}


@tool("destructive", prepare=show_event, progress="Deleting the event")
def calendar_delete_event(
    ctx,
    event_id: str,
    notify: Annotated[bool, Field(description="email guests the cancellation")] = True,
    calendar: str = "primary",
) -> dict:
    """Delete (cancel) an event: an occurrence's id cancels that one, its series_id all."""
    service, cal = ctx.service("calendar"), calendar_id(ctx, calendar)
    event = compact(google_api.execute(service.events().get(calendarId=cal, eventId=event_id)), user_timezone(ctx))
    what = f"every occurrence of {event['title']!r}" if event.get("repeats") else f"{event['title']!r} ({when(event)})"
    try:
        google_api.execute(service.events().delete(calendarId=cal, eventId=event_id, sendUpdates="all" if notify else "none"))
    except HttpError as error:
        # Gone: deleted by a first attempt whose answer was lost (the client then retried), or by
        # someone else meanwhile. Either way the event is deleted, which is what was asked.
        if error.status_code != 410:
            raise
        return {"event": event, "summary": f"{what[0].upper()}{what[1:]} is deleted (Google had it deleted already)."}
    if event.get("organizer"):  # someone else's event: it leaves this calendar only
        return {"event": event, "summary": f"Removed {what} from your calendar and declined it; {event['organizer']}'s "
                                           "event stays for the other guests."}
    told = " Guests were notified." if notify and event.get("guests") else ""
    return {"event": event, "summary": f"Deleted {what}.{told}"}
