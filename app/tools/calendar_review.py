"""Reviewing a change to an existing event before the person is asked to approve it.

The approval card names the event (title, current time, guests), and a
change reaches other people, so needs approval, when the event has guests
or lives in a calendar others share.
"""
from app import google_api
from app.tools.calendar_shape import calendar_id, compact, when
from app.tools.timezone import known_timezone, user_timezone


def fetch_event(ctx, args: dict) -> dict:
    service = ctx.service("calendar")
    return google_api.execute(service.events().get(calendarId=calendar_id(ctx, args["calendar"]), eventId=args["event_id"]))


def show_event(ctx, args: dict) -> tuple[dict, dict]:
    """Name the event on the approval card: its title, its current time and its guests."""
    return args, preview_of(ctx, args, fetch_event(ctx, args))


def show_update(ctx, args: dict) -> tuple[dict, dict]:
    """show_event, and whether the guests will be emailed, settled so that the card says so."""
    event = fetch_event(ctx, args)
    notify = guests_emailed(event, args["notify"], bool(args["add_attendees"] or args["remove_attendees"]))
    return {**args, "notify": notify}, {**preview_of(ctx, args, event), **calendar_zone(ctx)}


def show_zone(ctx, args: dict) -> tuple[dict, dict]:
    """For a new event: the zone its times are read in, which the card shows them in."""
    return args, calendar_zone(ctx)


def calendar_zone(ctx) -> dict:
    """The person's calendar's zone, in which a time without an offset is read; none when unknown."""
    zone = known_timezone(ctx)
    return {"time_zone": zone} if zone else {}


def guests_emailed(event: dict, notify: bool | None, guests_change: bool) -> bool:
    """Unless the model said: guests are emailed about a change to an event the person organizes, as
    Google Calendar proposes, so a meeting never moves without the people in it being told. Rooms
    are not people; and a guest's edits of someone else's event email no one."""
    if notify is not None:
        return notify
    organizer = event.get("organizer")
    if organizer and not organizer.get("self"):  # Google marks the person's own events so
        return False
    return guests_change or any(not (guest.get("self") or guest.get("resource")) for guest in event.get("attendees", []))


def preview_of(ctx, args: dict, event: dict) -> dict:
    shown = compact(event, user_timezone(ctx))
    preview = {"event": shown["title"], "when": f"{when(shown)} ({user_timezone(ctx)})"}
    if shown.get("guests"):
        preview["guests"] = sorted(shown["guests"])
    if shown.get("organizer"):
        preview["organizer"] = shown["organizer"]
    if shown.get("repeats"):
        preview["repeats"] = shown["repeats"]  # the series: a change reaches every occurrence
    if not is_primary(args["calendar"]):
        preview["calendar"] = args["calendar"]
    return preview


def is_primary(calendar: str) -> bool:
    return calendar in ("", "primary")


def reaches_others(ctx, args: dict, preview: dict):
    # Guests see every edit of an event they are invited to (their copies follow,
    # emailed or not), and a shared calendar is seen by its members: either way
    # the change reaches other people, so the person approves it first.
    changes_guests = args.get("add_attendees") or args.get("remove_attendees") or args.get("notify")
    return "outbound" if changes_guests or not is_primary(args["calendar"]) or preview.get("guests") else None
