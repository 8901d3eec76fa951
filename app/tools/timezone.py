"""The person's time zone, as Google Calendar knows it.

Every tool that reads or writes times shows them in this zone, so it is read
once per run (ctx.cache) from Calendar settings; the primary calendar's zone
is the fallback (settings need calendar.readonly), then UTC. The helpers
below read the times people and models write and show them back in a zone.
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from googleapiclient.errors import HttpError

from app import google_api
from app.tools.registry import ToolError

FALLBACK = "UTC"


def user_timezone(ctx) -> str:
    """The IANA zone name of the user, e.g. "Europe/Paris"."""
    if "timezone" not in ctx.cache:
        ctx.cache["timezone"] = _read_timezone(ctx)
    return ctx.cache["timezone"]


def _read_timezone(ctx) -> str:
    calendar = ctx.service("calendar")
    try:
        return google_api.execute(calendar.settings().get(setting="timezone"))["value"]
    except HttpError:
        pass
    try:
        return google_api.execute(calendar.calendars().get(calendarId="primary")).get("timeZone") or FALLBACK
    except HttpError:
        return FALLBACK


def parse_when(text: str, tz_name: str) -> datetime | date:
    """A date ("2026-11-30") or a moment; a moment without offset is local time in tz_name."""
    try:
        if len(text.strip()) == 10:
            return date.fromisoformat(text.strip())
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ToolError(f"Not a date or time: {text!r}; use e.g. 2026-11-30 or 2026-11-30T10:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone(tz_name))


def as_moment(value: datetime | date, tz_name: str) -> datetime:
    """A date means its midnight in tz_name."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), zone(tz_name))


def show(moment: datetime, tz_name: str) -> str:
    """ISO 8601 with the offset, in the user's zone, to the minute: 2026-11-30T16:00+01:00."""
    return moment.astimezone(zone(tz_name)).isoformat(timespec="minutes")


def zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(f"Unknown time zone {tz_name!r}; use an IANA name like Europe/Paris") from None
