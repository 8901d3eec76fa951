"""Turn the demo's relative event specs into Calendar API bodies (format: app.sandbox.calendar).

Seeds say "tomorrow at 10:00" rather than a date, so the demo calendar is
always about the current and next week whenever the sandbox starts.
"""
from datetime import date, datetime, timedelta

from app.sandbox import calendar_time as ct

SPEC_KEYS = ("day", "weekday", "week", "start", "minutes", "allDay", "days", "meet", "calendar")


def seed_event(spec: dict, today: date, tz_name: str) -> tuple[dict, str]:
    """The event body and the calendar it goes to ("primary" unless the spec names one)."""
    calendar_id = spec.get("calendar", "primary")
    if isinstance(spec.get("start"), dict):
        return {k: v for k, v in spec.items() if k != "calendar"}, calendar_id
    body = {k: v for k, v in spec.items() if k not in SPEC_KEYS}
    day = seed_day(spec, today)
    if spec.get("allDay"):
        body["start"] = {"date": day.isoformat()}
        body["end"] = {"date": (day + timedelta(days=spec.get("days", 1))).isoformat()}
    else:
        start = _local(day, spec["start"], tz_name)
        end = start + timedelta(minutes=spec.get("minutes", 60))
        body["start"] = {"dateTime": start.isoformat(), "timeZone": tz_name}
        body["end"] = {"dateTime": end.isoformat(), "timeZone": tz_name}
    body["attendees"] = [{"email": a} if isinstance(a, str) else a for a in spec.get("attendees", [])]
    if spec.get("meet"):
        body["conferenceData"] = {"createRequest": {"requestId": f"seed-{spec.get('summary', '')}", "conferenceSolutionKey": {"type": "hangoutsMeet"}}}
    return body, calendar_id


def seed_slot(spec: dict, today: date, tz_name: str) -> tuple[datetime, datetime]:
    """A busy block of another person, absolute (RFC 3339) or relative like an event."""
    if "end" in spec:
        return ct.parse_instant(spec["start"]), ct.parse_instant(spec["end"])
    start = _local(seed_day(spec, today), spec["start"], tz_name)
    return start.astimezone(ct.UTC), (start + timedelta(minutes=spec.get("minutes", 60))).astimezone(ct.UTC)


def seed_day(spec: dict, today: date) -> date:
    if "weekday" in spec:
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=7 * spec.get("week", 0) + ct.WEEKDAYS.index(spec["weekday"]))
    return today + timedelta(days=spec.get("day", 0))


def _local(day: date, clock: str, tz_name: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ct.zone(tz_name))
