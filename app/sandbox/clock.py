"""Timestamps as Google's APIs write them: UTC, milliseconds, a trailing Z."""
from datetime import datetime, timezone


def utc_stamp(moment: datetime | None = None) -> str:
    """`moment` (now by default) as e.g. 2024-05-01T09:30:00.000Z; a naive moment is taken as UTC."""
    moment = moment or datetime.now(timezone.utc)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
