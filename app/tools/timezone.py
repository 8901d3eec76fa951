"""The person's time zone, as Google Calendar knows it.

Every tool that reads or writes times shows them in this zone, so it is read
once per run (ctx.cache) from Calendar settings, and kept for the same grant's
next tasks for ten minutes (a Google round trip fewer at the start of each). Settings need
calendar.readonly; a grant of calendar.events alone still reads the zone
events are listed in. When neither answers the zone is unknown: times are
then shown in UTC, and a time without an offset is refused rather than
guessed. The helpers below read the times people and models write and show
them back in a zone.
"""
import hashlib
import math
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from googleapiclient.errors import HttpError

from app import google_api
from app.tools.registry import ToolError

FALLBACK = "UTC"  # only for showing times; never to read them
KEPT_SECONDS = 600  # how long a zone read from Calendar serves the same grant's later tasks
KEPT_GRANTS = 10_000  # past this many, the kept zones are forgotten (and read again when needed)
_kept: dict[str, tuple[float, str]] = {}  # grant digest -> (when read, zone)
UNKNOWN_ZONE = "your time zone could not be read from Google Calendar"


def user_timezone(ctx) -> str:
    """The IANA zone name of the user, e.g. "Europe/Paris"; UTC when it is unknown (see known_timezone)."""
    return known_timezone(ctx) or FALLBACK


def known_timezone(ctx) -> str | None:
    """The user's zone, or None when Google would not tell it."""
    if "timezone" not in ctx.cache:
        # A zone read for this grant in the last KEPT_SECONDS serves: a person's zone changes far
        # less often than they ask, so a later task need not ask Calendar again.
        key = _grant_key(ctx)
        read_at, zone_name = _kept.get(key, (-math.inf, None))
        if clock.monotonic() - read_at >= KEPT_SECONDS:
            zone_name = _read_timezone(ctx)
            if zone_name and key:
                if len(_kept) > KEPT_GRANTS:
                    _kept.clear()
                _kept[key] = (clock.monotonic(), zone_name)
        ctx.cache["timezone"] = zone_name
    return ctx.cache["timezone"]


def _grant_key(ctx) -> str | None:
    """Who the zone belongs to, without holding their token: a digest of the grant."""
    secret = getattr(ctx.credentials, "refresh_token", None) or getattr(ctx.credentials, "token", None)
    return hashlib.sha256(f"{ctx.api_root}|{secret}".encode()).hexdigest() if secret else None


def _read_timezone(ctx) -> str | None:
    calendar = ctx.service("calendar")
    try:
        return google_api.execute(calendar.settings().get(setting="timezone"))["value"]
    except HttpError:
        pass
    try:
        # A listing carries its calendar's zone and needs only calendar.events.
        listing = calendar.events().list(calendarId="primary", maxResults=1, fields="timeZone")
        return google_api.execute(listing).get("timeZone")
    except HttpError:
        return None


def parse_when(text: str, tz_name: str | None) -> datetime | date:
    """A date ("2026-11-30") or a moment; a moment without offset is local time in tz_name."""
    try:
        if len(text.strip()) == 10:
            return date.fromisoformat(text.strip())
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ToolError(f"Not a date or time: {text!r}; use e.g. 2026-11-30 or 2026-11-30T10:00") from None
    return moment if moment.tzinfo else local(moment, tz_name)


def local(naive: datetime, tz_name: str | None) -> datetime:
    """Wall-clock time in tz_name. A time the clocks skip is refused; a time they
    pass twice (when they go back) means its first occurrence (fold=0), as in Google Calendar."""
    if not tz_name:
        raise ToolError(f"{naive:%Y-%m-%d %H:%M} has no offset and {UNKNOWN_ZONE}: add an offset, e.g. +01:00.")
    moment = naive.replace(tzinfo=zone(tz_name))
    if moment.astimezone(timezone.utc).astimezone(moment.tzinfo).replace(tzinfo=None) != naive:
        raise ToolError(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz_name}: the clocks go forward then. Pick another time.")
    return moment


def as_moment(value: datetime | date, tz_name: str | None) -> datetime:
    """A date means its first moment in tz_name: midnight, or where the clocks skip midnight (as in
    Santiago or Havana on the night they go forward), the instant they jump to."""
    if isinstance(value, datetime):
        return value
    if not tz_name:
        return local(datetime.combine(value, time()), tz_name)  # the error that asks for an offset
    midnight = datetime.combine(value, time(), zone(tz_name))
    return midnight.astimezone(timezone.utc).astimezone(midnight.tzinfo)


def later(moment: datetime, length: timedelta) -> datetime:
    """`length` of real time after `moment`: an hour stays an hour across a DST change.

    In UTC, because Python adds and compares datetimes of one zone by their wall clocks.
    """
    return moment.astimezone(timezone.utc) + length


def show(moment: datetime, tz_name: str) -> str:
    """ISO 8601 with the offset, in the user's zone, to the minute: 2026-11-30T16:00+01:00."""
    return moment.astimezone(zone(tz_name)).isoformat(timespec="minutes")


def zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(f"Unknown time zone {tz_name!r}; use an IANA name like Europe/Paris") from None
