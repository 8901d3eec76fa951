"""Sandbox emulation of Google Calendar v3: settings, calendar list, events, free/busy.

Responses have Google's shapes so google-api-python-client works unchanged.
Times are stored as Google does: an instant plus the zone it was written in;
recurring events are expanded with singleEvents=true (see calendar_time), and,
as in Google, a timed series needs a timeZone on its start and end (400 otherwise).

Seed section "calendar" (all keys optional):
    {"settings": {"timezone": "Europe/Paris", ...},      # default: the account's zone
     "calendars": [{"id": "...", "summary": "...", "timeZone": "...", "accessRole": "reader"}],
     "events": [EVENT, ...],
     "busy": {"alice@acme.example": [SLOT, ...]}}        # other people's busy times for freebusy
EVENT is either a Calendar API event body (with "start": {...}) or a spec
relative to today in the account's zone, so the demo always looks current:
    {"summary": "...", "day": 1, "start": "10:00", "minutes": 30,
     "weekday": "TU", "week": 0,          # instead of "day": Tuesday of this (0) or next (1) week
     "allDay": true, "days": 1,           # an all-day event (no "start"/"minutes")
     "attendees": ["alice@acme.example", {"email": "...", "responseStatus": "accepted"}],
     "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO"], "meet": true,
     "location": "...", "description": "...", "calendar": "<calendar id>", "id": "..."}
SLOT is {"day"|"weekday"+"week", "start", "minutes"} as above, or {"start": RFC3339, "end": RFC3339}.
Every write is recorded in "notifications" with its sendUpdates value and who was notified.
"""
from datetime import datetime
from urllib.parse import unquote

from app.sandbox import calendar_time as ct
from app.sandbox import partial_response
from app.sandbox.calendar_state import State, overlaps
from app.sandbox.clock import utc_stamp
from app.sandbox.routing import ApiError, Router
from app.scopes import G

__all__ = ["router", "State"]

router = Router("calendar")

READ = tuple(G + s for s in ("calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly"))
WRITE = tuple(G + s for s in ("calendar", "calendar.events"))
SETTINGS = tuple(G + s for s in ("calendar", "calendar.readonly", "calendar.settings.readonly"))
CALENDARS = tuple(G + s for s in ("calendar", "calendar.readonly", "calendar.calendarlist.readonly"))
FREEBUSY = tuple(G + s for s in ("calendar", "calendar.readonly", "calendar.freebusy", "calendar.events.freebusy"))
EVENTS = r"/calendar/v3/calendars/(?P<calendar_id>[^/]+)/events"
EVENT = EVENTS + r"/(?P<event_id>[^/]+)"


# --- routes ----------------------------------------------------------------------
def _ids(**groups) -> dict:
    return {k: unquote(v) for k, v in groups.items()}


def _range(request) -> tuple[datetime | None, datetime | None]:
    bounds = []
    for name in ("timeMin", "timeMax"):
        raw = request.arg(name)
        if raw and "T" in raw and not (raw.endswith("Z") or "+" in raw[10:] or "-" in raw[10:]):
            raise ApiError(400, f"Bad Request: {name} needs a time zone offset", "badRequest")
        bounds.append(ct.parse_instant(raw) if raw else None)
    return bounds[0], bounds[1]


@router.get(r"/calendar/v3/users/me/settings", scopes=SETTINGS)
def settings_list(state, request):
    items = [{"kind": "calendar#setting", "etag": '"1"', "id": k, "value": v} for k, v in state.settings.items()]
    return {"kind": "calendar#settings", "etag": '"1"', "items": items}


@router.get(r"/calendar/v3/users/me/settings/(?P<setting>[^/]+)", scopes=SETTINGS)
def settings_get(state, request, setting):
    if setting not in state.settings:
        raise ApiError(404, "Not Found", "notFound")
    return {"kind": "calendar#setting", "etag": '"1"', "id": setting, "value": state.settings[setting]}


@router.get(r"/calendar/v3/users/me/calendarList", scopes=CALENDARS)
def calendar_list(state, request):
    items = [state.calendar_entry(c) for c in state.calendars.values()]
    return {"kind": "calendar#calendarList", "etag": '"1"', "items": items}


@router.get(r"/calendar/v3/users/me/calendarList/(?P<calendar_id>[^/]+)", scopes=CALENDARS)
def calendar_list_get(state, request, calendar_id):
    return state.calendar_entry(state.calendar(unquote(calendar_id)))


@router.get(r"/calendar/v3/calendars/(?P<calendar_id>[^/]+)", scopes=CALENDARS)
def calendars_get(state, request, calendar_id):
    calendar = state.calendar(unquote(calendar_id))
    return {"kind": "calendar#calendar", "etag": '"1"', "id": calendar["id"], "summary": calendar["summary"], "timeZone": calendar["timeZone"]}


@router.get(EVENTS, scopes=READ)
def events_list(state, request, calendar_id):
    calendar = state.calendar(unquote(calendar_id))
    single, order = request.bool_arg("singleEvents"), request.arg("orderBy")
    if order == "startTime" and not single:
        raise ApiError(400, "The requested ordering is not available for the particular query.", "badRequest")
    start, end = _range(request)
    events = state.listing(calendar["id"], single, start, end, request.bool_arg("showDeleted"))
    query = (request.arg("q") or "").lower()
    if query:
        events = [e for e in events if all(word in _searchable(e) for word in query.split())]
    if order == "updated":
        events.sort(key=lambda e: e["updated"])
    else:
        events.sort(key=lambda e: ct.event_bounds(e, calendar["timeZone"])[0])
    page, next_token = request.page(events, "maxResults", 250, 2500)
    tz_name = request.arg("timeZone") or calendar["timeZone"]
    out = {"kind": "calendar#events", "etag": '"1"', "summary": calendar["summary"], "timeZone": tz_name, "updated": utc_stamp(),
           "accessRole": calendar["accessRole"], "defaultReminders": [], "items": [state.shaped(calendar["id"], e, tz_name) for e in page]}
    if next_token:
        out["nextPageToken"] = next_token
    return partial_response.select(out, request.arg("fields"))


def _searchable(event: dict) -> str:
    people = " ".join(f"{a.get('email', '')} {a.get('displayName', '')}" for a in event.get("attendees", []))
    return " ".join([event.get("summary", ""), event.get("description", ""), event.get("location", ""), people]).lower()


@router.get(EVENT, scopes=READ)
def events_get(state, request, calendar_id, event_id):
    ids = _ids(calendar_id=calendar_id, event_id=event_id)
    calendar = state.calendar(ids["calendar_id"])
    return state.shaped(calendar["id"], state.find(calendar["id"], ids["event_id"]), request.arg("timeZone"))


@router.get(EVENT + "/instances", scopes=READ)
def events_instances(state, request, calendar_id, event_id):
    ids = _ids(calendar_id=calendar_id, event_id=event_id)
    calendar = state.calendar(ids["calendar_id"])
    master = state.find(calendar["id"], ids["event_id"])
    start, end = _range(request)
    stored = state.events[calendar["id"]]
    items = [stored.get(i["id"], i) for i in state.instances(calendar["id"], master, end)]
    items = [i for i in items if overlaps(i, calendar["timeZone"], start, end) and i["status"] != "cancelled"]
    return {"kind": "calendar#events", "timeZone": calendar["timeZone"], "items": [state.shaped(calendar["id"], i) for i in items[:2500]]}


@router.post(EVENTS, scopes=WRITE)
def events_insert(state, request, calendar_id):
    calendar = state.calendar(unquote(calendar_id))
    event = state.insert(calendar["id"], request.json(), _conference(request), request.arg("sendUpdates"))
    return state.shaped(calendar["id"], event)


def _conference(request) -> bool:
    return request.int_arg("conferenceDataVersion", 0) >= 1


def _write(state, request, calendar_id, event_id, replace: bool):
    ids = _ids(calendar_id=calendar_id, event_id=event_id)
    calendar = state.calendar(ids["calendar_id"])
    event = state.change(calendar["id"], ids["event_id"], request.json(), replace, _conference(request), request.arg("sendUpdates"))
    return state.shaped(calendar["id"], event)


@router.patch(EVENT, scopes=WRITE)
def events_patch(state, request, calendar_id, event_id):
    return _write(state, request, calendar_id, event_id, replace=False)


@router.put(EVENT, scopes=WRITE)
def events_update(state, request, calendar_id, event_id):
    return _write(state, request, calendar_id, event_id, replace=True)


@router.delete(EVENT, scopes=WRITE)
def events_delete(state, request, calendar_id, event_id):
    ids = _ids(calendar_id=calendar_id, event_id=event_id)
    state.cancel(state.calendar(ids["calendar_id"])["id"], ids["event_id"], request.arg("sendUpdates"))


@router.post(r"/calendar/v3/freeBusy", scopes=FREEBUSY)
def freebusy_query(state, request):
    body = request.json()
    if not body.get("timeMin") or not body.get("timeMax"):
        raise ApiError(400, "Missing timeMin or timeMax.", "required")
    start, end = ct.parse_instant(body["timeMin"]), ct.parse_instant(body["timeMax"])
    tz_name = body.get("timeZone")
    calendars = {}
    for item in body.get("items", []):
        blocks = state.busy_of(item["id"], start, end)
        if blocks is None:
            calendars[item["id"]] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
        else:
            calendars[item["id"]] = {"busy": [{"start": ct.format_instant(s, tz_name), "end": ct.format_instant(e, tz_name)} for s, e in blocks]}
    return {"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "timeMax": body["timeMax"], "calendars": calendars}
