"""Free slots: working hours in the user's zone minus everyone's busy blocks.

Pure arithmetic on aware datetimes, kept apart from the API calls so the
rules (weekends, day boundaries, rounding) read in one place.
"""
from datetime import datetime, time, timedelta, timezone

STEP = timedelta(minutes=15)  # slots start on the quarter hour, as people book them


def working_windows(start: datetime, end: datetime, zone, day_start: time, day_end: time, weekdays_only: bool):
    """[start, end) cut to working hours, day by day, in `zone`; in UTC, so lengths are
    real time even on a day the clocks change."""
    day = start.astimezone(zone).date()
    while datetime.combine(day, time(), zone) < end:
        if not (weekdays_only and day.weekday() >= 5):
            opens = max(datetime.combine(day, day_start, zone), start)
            closes = min(datetime.combine(day, day_end, zone), end)
            if opens < closes:
                yield opens.astimezone(timezone.utc), closes.astimezone(timezone.utc)
        day += timedelta(days=1)


def free_slots(windows, busy: list[tuple[datetime, datetime]], length: timedelta, limit: int) -> list[tuple[datetime, datetime]]:
    """Free stretches at least `length` long, earliest first; each is the whole free stretch."""
    busy = sorted(busy)
    slots = []
    for opens, closes in windows:
        cursor = round_up(opens)
        for busy_start, busy_end in busy:
            if busy_end <= cursor or busy_start >= closes:
                continue
            if busy_start - cursor >= length:
                slots.append((cursor, busy_start))
            cursor = max(cursor, round_up(busy_end))
        if closes - cursor >= length:
            slots.append((cursor, closes))
        if len(slots) >= limit:
            return slots[:limit]
    return slots


def round_up(moment: datetime) -> datetime:
    past = timedelta(minutes=moment.minute % 15, seconds=moment.second, microseconds=moment.microsecond)
    return moment if not past else moment - past + STEP
