"""The person's time zone, as Google Calendar knows it.

Every tool that reads or writes times shows them in this zone, so it is read
once per run (ctx.cache) from Calendar settings; the primary calendar's zone
is the fallback (settings need calendar.readonly), then UTC.
"""
from googleapiclient.errors import HttpError

from app import google_api

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
