"""Time for the Calendar emulator: RFC 3339 instants, event times and RRULEs.

Google stores an event's start as an instant plus the zone it was written
in; recurring events repeat in that zone's wall-clock time, so a 10:00
weekly meeting stays at 10:00 across a DST change. The RRULE subset is what
clients send in practice: FREQ=DAILY/WEEKLY/MONTHLY/YEARLY with INTERVAL,
COUNT, UNTIL, BYDAY (ordinals such as 2TU or -1FR within a month),
BYMONTHDAY and BYMONTH, plus EXDATE lines.
"""
import calendar
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.sandbox.routing import ApiError

UTC = timezone.utc
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
HORIZON = timedelta(days=2 * 365)  # how far an unbounded series is expanded without timeMax
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
YEARS_WITHOUT_A_MATCH = 100  # e.g. BYMONTH=2;BYMONTHDAY=30 never happens: stop looking


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(400, f"Invalid time zone definition: {name}", "invalid") from None


def parse_instant(text: str, tz_name: str | None = None) -> datetime:
    """An RFC 3339 date-time; one without an offset is read in tz_name (Google's rule for events)."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ApiError(400, f"Invalid value: {text}", "invalid") from None
    if value.tzinfo is None:
        if not tz_name:
            raise ApiError(400, "Missing time zone definition for start time.", "timeRangeEmpty")
        value = value.replace(tzinfo=zone(tz_name))
    return value.astimezone(UTC)


def format_instant(value: datetime, tz_name: str | None = None) -> str:
    local = value.astimezone(zone(tz_name) if tz_name else UTC)
    if local.utcoffset() == timedelta(0) and not tz_name:
        return local.strftime("%Y-%m-%dT%H:%M:%SZ")
    return local.isoformat(timespec="seconds")


def event_bounds(event: dict, calendar_tz: str) -> tuple[datetime, datetime]:
    """The instants an event occupies; an all-day event spans whole days in the calendar's zone."""
    return edge_instant(event["start"], calendar_tz), edge_instant(event["end"], calendar_tz)


def edge_instant(edge: dict, calendar_tz: str) -> datetime:
    if "date" in edge and edge["date"]:
        return datetime.combine(date.fromisoformat(edge["date"]), time(), zone(calendar_tz)).astimezone(UTC)
    return parse_instant(edge["dateTime"], edge.get("timeZone") or calendar_tz)


# --- recurrence ----------------------------------------------------------------
def parse_rule(recurrence: list[str]) -> tuple[dict, set]:
    """The RRULE's parts and the EXDATE values (as datetimes or dates)."""
    rule, excluded = {}, set()
    for line in recurrence or []:
        head, _, value = line.partition(":")
        name = head.split(";")[0].upper()
        if name == "RRULE":
            rule = dict(part.split("=", 1) for part in value.split(";") if "=" in part)
        elif name == "EXDATE":
            params = dict(p.split("=", 1) for p in head.split(";")[1:] if "=" in p)
            excluded |= {_ical_value(item, params.get("TZID")) for item in value.split(",")}
    if rule:
        _check_rule(rule)
    return rule, excluded


def _check_rule(rule: dict) -> None:
    """Refuse what Google refuses, so a bad rule is never silently read as another."""
    def invalid(part: str):
        return ApiError(400, f"Invalid recurrence rule: {part}={rule.get(part)}", "invalid")

    if rule.get("FREQ") not in FREQUENCIES:
        raise ApiError(400, f"The sandbox repeats {', '.join(FREQUENCIES)} only, not {rule.get('FREQ')}", "invalid")
    checks = {
        "BYDAY": lambda v: v[-2:] in WEEKDAYS and (v[:-2] == "" or 1 <= abs(int(v[:-2])) <= 53),
        "BYMONTHDAY": lambda v: 1 <= abs(int(v)) <= 31,
        "BYMONTH": lambda v: 1 <= int(v) <= 12,
        "INTERVAL": lambda v: int(v) >= 1,
        "COUNT": lambda v: int(v) >= 1,
    }
    for part, valid in checks.items():
        try:
            if part in rule and not all(valid(v.strip().upper()) for v in rule[part].split(",")):
                raise invalid(part)
        except ValueError:
            raise invalid(part) from None


def _ical_value(text: str, tz_name: str | None):
    text = text.strip()
    if "T" not in text:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    value = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
    return value.replace(tzinfo=UTC if text.endswith("Z") or not tz_name else zone(tz_name)).astimezone(UTC)


def occurrences(first, rule: dict, excluded: set, until_limit):
    """Yield the series' starts from `first` (a local datetime or a date) until `until_limit`."""
    interval = int(rule.get("INTERVAL", 1))
    count = int(rule["COUNT"]) if "COUNT" in rule else None
    until = _ical_value(rule["UNTIL"], None) if "UNTIL" in rule else None
    produced = 0
    for candidate in _candidates(first, rule, interval):
        if count is not None and produced >= count:
            return
        moment = candidate.astimezone(UTC) if isinstance(candidate, datetime) else candidate
        if _after(moment, until) or _after(moment, until_limit):
            return
        produced += 1
        if moment not in excluded:
            yield candidate


def _after(moment, limit) -> bool:
    if limit is None:
        return False
    if isinstance(moment, datetime) != isinstance(limit, datetime):
        moment = moment.date() if isinstance(moment, datetime) else moment
        limit = limit.date() if isinstance(limit, datetime) else limit
    return moment > limit


def _candidates(first, rule: dict, interval: int):
    if rule.get("FREQ") in ("MONTHLY", "YEARLY"):
        yield from _monthly_candidates(first, rule, interval)
        return
    days = [WEEKDAYS.index(d[-2:]) for d in rule.get("BYDAY", "").split(",") if d]
    if rule.get("FREQ") == "DAILY":
        step = 0
        while True:
            candidate = _shift(first, step * interval)
            if not days or candidate.weekday() in days:
                yield candidate
            step += 1
    days = sorted(days or [first.weekday()])
    week = 0
    while True:
        monday = -first.weekday() + 7 * interval * week
        for day in days:
            candidate = _shift(first, monday + day)
            if candidate >= first:
                yield candidate
        week += 1


def _monthly_candidates(first, rule: dict, interval: int):
    """MONTHLY and YEARLY: the days each month's rule picks; a month without the day is skipped (RFC 5545)."""
    start = first.date() if isinstance(first, datetime) else first
    yearly = rule["FREQ"] == "YEARLY"
    months = [int(m) for m in rule.get("BYMONTH", "").split(",") if m]
    step = 0
    while True:
        if yearly:
            periods = [(start.year + step * interval, month) for month in sorted(months or [start.month])]
        else:
            years, month = divmod(start.month - 1 + step * interval, 12)
            periods = [(start.year + years, month + 1)] if not months or month + 1 in months else []
        for year, month in periods:
            if year > start.year + YEARS_WITHOUT_A_MATCH:
                return
            for day in _days_in_month(year, month, rule, start.day):
                candidate = _shift(first, (day - start).days)
                if candidate >= first:
                    yield candidate
        if not periods and step * interval > 12 * YEARS_WITHOUT_A_MATCH:
            return
        step += 1


def _days_in_month(year: int, month: int, rule: dict, default_day: int) -> list[date]:
    """BYMONTHDAY (15, -1 = the last) and BYDAY (TU = every Tuesday, 2TU, -1FR) in one month."""
    last = calendar.monthrange(year, month)[1]
    days = set()
    for text in filter(None, rule.get("BYMONTHDAY", "").split(",")):
        day = int(text) if int(text) > 0 else last + 1 + int(text)
        if 1 <= day <= last:
            days.add(day)
    for text in filter(None, rule.get("BYDAY", "").upper().split(",")):
        weekday, nth = WEEKDAYS.index(text[-2:]), int(text[:-2] or 0)
        matching = [d for d in range(1, last + 1) if date(year, month, d).weekday() == weekday]
        if nth == 0:
            days.update(matching)
        elif nth <= len(matching) and -nth <= len(matching):
            days.add(matching[nth - 1] if nth > 0 else matching[nth])
    if "BYMONTHDAY" not in rule and "BYDAY" not in rule and default_day <= last:
        days.add(default_day)
    return [date(year, month, day) for day in sorted(days)]


def _shift(first, days: int):
    """The same wall-clock time `days` later (a DST change keeps 10:00 at 10:00)."""
    if isinstance(first, datetime):
        naive = first.replace(tzinfo=None) + timedelta(days=days)
        return naive.replace(tzinfo=first.tzinfo)
    return first + timedelta(days=days)
