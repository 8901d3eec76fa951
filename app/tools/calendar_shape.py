"""How calendar events look to the model and the person: a few fields, times in the user's zone."""
from datetime import date, datetime, timedelta

from app import google_api
from app.tools.registry import ToolError, clip_into
from app.tools.timezone import UNKNOWN_ZONE, known_timezone, show


def compact(event: dict, tz_name: str) -> dict:
    """The few fields a person cares about, times in the user's zone."""
    out = {"id": event["id"], "title": event.get("summary", "(no title)")}
    if "date" in event["start"]:
        out.update(all_day=True, start=event["start"]["date"])
        # Google's end date is exclusive; people read the last day the event covers.
        last_day = (date.fromisoformat(event["end"]["date"]) - timedelta(days=1)).isoformat()
        if last_day > out["start"]:
            out["last_day"] = last_day
    else:
        out.update(start=show(instant(event["start"]), tz_name), end=show(instant(event["end"]), tz_name))
    if event.get("location"):
        out["location"] = event["location"]
    if event.get("description"):
        clip_into(out, "description", event["description"], 500)
    if event.get("attendees"):
        out["guests"] = {a["email"]: a.get("responseStatus", "needsAction") for a in event["attendees"] if not a.get("self")}
    organizer = event.get("organizer", {})
    if organizer and not organizer.get("self"):  # an invitation: someone else's event, answered or not
        out["organizer"] = organizer.get("email", "")
        out["my_response"] = next((a.get("responseStatus", "needsAction") for a in event.get("attendees", []) if a.get("self")),
                                  "needsAction")
    if event.get("hangoutLink"):
        out["meet"] = event["hangoutLink"]
    # An occurrence names its series, so that a change can be made to all of them at once.
    if event.get("recurringEventId"):
        out["series_id"] = event["recurringEventId"]
    if event.get("recurrence"):
        out["repeats"] = " ".join(rule.removeprefix("RRULE:") for rule in event["recurrence"])
    if event.get("status") == "cancelled":
        out["cancelled"] = True
    out["link"] = event.get("htmlLink")
    return out


def instant(edge: dict) -> datetime:
    return datetime.fromisoformat(edge["dateTime"].replace("Z", "+00:00"))


def calendar_id(ctx, calendar: str) -> str:
    """"primary", a calendar id, or a calendar's name as the person sees it."""
    if calendar in ("", "primary") or "@" in calendar:
        return calendar or "primary"
    entries = _calendars(ctx)
    for entry in entries:
        if entry.get("summaryOverride", entry["summary"]).casefold() == calendar.casefold():
            return entry["id"]
    names = [e.get("summaryOverride", e["summary"]) for e in entries]
    raise ToolError(f"No calendar named {calendar!r}; the person's calendars follow.", found={"calendars": names})


def _calendars(ctx) -> list[dict]:
    """The person's calendars, listed once per run: a run names the same calendar again and again."""
    if "calendar_list" not in ctx.cache:
        ctx.cache["calendar_list"] = google_api.execute(ctx.service("calendar").calendarList().list())["items"]
    return ctx.cache["calendar_list"]


def zone_shown(ctx) -> dict:
    """The zone results show times in, with a warning when it is UTC only because the person's is unknown."""
    tz_name = known_timezone(ctx)
    return {"tz": tz_name} if tz_name else {"tz": "UTC", "tz_unknown": UNKNOWN_ZONE + "; times are shown in UTC"}


def zone_warning(ctx) -> dict:
    return {} if known_timezone(ctx) else {"tz_unknown": zone_shown(ctx)["tz_unknown"]}


def when(shown: dict) -> str:
    if shown.get("all_day"):
        return shown["start"] + (f" → {shown['last_day']} (all day)" if shown.get("last_day") else " (all day)")
    start, end = shown["start"], shown["end"]
    return f"{start} → {end[11:] if end[:10] == start[:10] else end}"
