"""The Calendar emulator's state: calendars, events, series, notifications and busy times.

Events are kept as Google returns them; a series is stored once and its
instances are computed on demand. Changing or cancelling one instance stores
it as an exception under the instance's id, as Google does.
"""
import copy
import hashlib
import uuid
from datetime import date, datetime, timedelta

from app.sandbox import calendar_time as ct
from app.sandbox.clock import utc_stamp
from app.sandbox.calendar_seed import seed_event, seed_slot
from app.sandbox.routing import ApiError

SERVER_FIELDS = ("kind", "etag", "id", "htmlLink", "created", "updated", "creator", "organizer", "iCalUID", "sequence", "hangoutLink")


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox
        account = sandbox.account
        self.settings = {"timezone": account["timezone"], "weekStart": "1", "format24HourTime": "true",
                         "locale": "en", "defaultEventLength": "60", **seed.get("settings", {})}
        self.primary = account["email"]
        self.calendars = {self.primary: {"id": self.primary, "summary": account["email"], "timeZone": self.settings["timezone"],
                                         "accessRole": "owner", "primary": True}}
        for spec in seed.get("calendars", []):
            self.calendars[spec["id"]] = {"timeZone": self.settings["timezone"], "accessRole": "reader", **spec}
        self.events = {calendar_id: {} for calendar_id in self.calendars}
        self.notifications: list[dict] = []
        today = datetime.now(ct.zone(self.settings["timezone"])).date()
        for spec in seed.get("events", []):
            body, calendar_id = seed_event(spec, today, self.settings["timezone"])
            # An invitation: someone else organizes it (the API itself never lets a caller say so).
            organizer = body.pop("organizer", None)
            self.insert(calendar_id, body, conference=True, send_updates="none",
                        organizer={"email": organizer} if organizer else None)
        self.busy = {email: [seed_slot(s, today, self.settings["timezone"]) for s in slots] for email, slots in seed.get("busy", {}).items()}

    def dump(self) -> dict:
        return {
            "settings": self.settings,
            "calendars": list(self.calendars.values()),
            "events": {cid: list(events.values()) for cid, events in self.events.items()},
            "busy": {email: [{"start": ct.format_instant(s), "end": ct.format_instant(e)} for s, e in slots] for email, slots in self.busy.items()},
            "notifications": self.notifications,
        }

    def view(self, kind: str, item_id: str) -> dict | None:
        if kind != "event":
            return None
        for calendar_id in self.calendars:
            try:
                return self.shaped(calendar_id, self.find(calendar_id, item_id))
            except ApiError:
                continue
        return None

    # --- calendars ---------------------------------------------------------------
    def calendar(self, calendar_id: str) -> dict:
        calendar_id = self.primary if calendar_id == "primary" else calendar_id
        if calendar_id not in self.calendars:
            raise ApiError(404, "Not Found", "notFound")
        return self.calendars[calendar_id]

    def calendar_entry(self, calendar: dict) -> dict:
        return {"kind": "calendar#calendarListEntry", "etag": '"1"', "description": "", "backgroundColor": "#9fe1e7",
                "selected": True, "defaultReminders": [], **calendar}

    # --- events ------------------------------------------------------------------
    def insert(self, calendar_id: str, body: dict, conference: bool, send_updates: str | None,
               organizer: dict | None = None) -> dict:
        calendar = self.calendar(calendar_id)
        event_id = body.get("id") or uuid.uuid4().hex[:26]
        if event_id in self.events[calendar["id"]]:
            raise ApiError(409, "The requested identifier already exists.", "duplicate")
        stamp = utc_stamp()
        me = {"email": self.primary, "displayName": self.sandbox.account["name"], "self": True}
        event = {
            **{k: v for k, v in body.items() if k not in SERVER_FIELDS},
            "kind": "calendar#event", "id": event_id, "status": body.get("status", "confirmed"),
            "htmlLink": self.sandbox.link("event", event_id), "created": stamp, "updated": stamp,
            "creator": organizer or me, "organizer": organizer or me, "iCalUID": f"{event_id}@google.com", "sequence": 0,
            "reminders": body.get("reminders", {"useDefault": True}), "eventType": "default",
        }
        self.normalize(calendar, event, conference)
        self.events[calendar["id"]][event_id] = event
        self.record(event, "created", send_updates)
        return event

    def normalize(self, calendar: dict, event: dict, conference: bool) -> None:
        """Check times and fill what Google derives: edges, attendee status, Meet link, etag."""
        for edge in ("start", "end"):
            if not isinstance(event.get(edge), dict):
                raise ApiError(400, f"Missing {edge} time.", "required")
            event[edge] = self.normal_edge(event[edge], calendar["timeZone"])
        start, end = ct.event_bounds(event, calendar["timeZone"])
        if end <= start or ("date" in event["start"]) != ("date" in event["end"]):
            raise ApiError(400, "The specified time range is empty.", "timeRangeEmpty")
        if event.get("recurrence"):
            ct.parse_rule(event["recurrence"])
            for edge in ("start", "end"):
                if "dateTime" in event[edge] and not event[edge].get("timeZone"):
                    # A series repeats in a zone's wall-clock time; an offset alone names none.
                    raise ApiError(400, f"Missing time zone definition for {edge} time.", "required")
        mine = event["organizer"]["email"].lower() == self.primary.lower()
        event["attendees"] = [self.attendee(a, mine) for a in event.get("attendees") or []] or None
        if event["attendees"] is None:
            del event["attendees"]
        self.conference(event, conference)
        event["etag"] = '"%s"' % hashlib.sha1(repr(sorted(event.items())).encode()).hexdigest()[:16]

    @staticmethod
    def normal_edge(edge: dict, calendar_tz: str) -> dict:
        if edge.get("date") and edge.get("dateTime"):
            raise ApiError(400, "Invalid start time.", "invalid")  # what a patch that leaves the other one gets
        if edge.get("date"):
            return {"date": date.fromisoformat(edge["date"]).isoformat()}
        if not edge.get("dateTime"):
            raise ApiError(400, "Start and end times must either both be date or both be dateTime.", "invalid")
        tz_name = edge.get("timeZone")
        instant = ct.parse_instant(edge["dateTime"], tz_name or calendar_tz)
        return {"dateTime": ct.format_instant(instant, tz_name or calendar_tz), **({"timeZone": tz_name} if tz_name else {})}

    def attendee(self, attendee: dict, mine: bool) -> dict:
        """`mine`: the account organizes the event (an organizer has accepted their own event)."""
        if not attendee.get("email"):
            raise ApiError(400, "Missing attendee email.", "required")
        out = {"responseStatus": "needsAction", **attendee}
        if out["email"].lower() == self.primary.lower():
            out.update({"self": True, "responseStatus": attendee.get("responseStatus", "accepted" if mine else "needsAction")})
            if mine:
                out["organizer"] = True
        return out

    def conference(self, event: dict, enabled: bool) -> None:
        data = event.get("conferenceData")
        if not data:
            return
        if not enabled:  # without conferenceDataVersion=1 Google ignores conferenceData
            del event["conferenceData"]
            return
        if "createRequest" in data and "entryPoints" not in data:
            code = hashlib.sha1(event["id"].encode()).hexdigest()
            letters = "".join(chr(97 + int(c, 16) % 26) for c in code[:10])
            meet_id = f"{letters[:3]}-{letters[3:7]}-{letters[7:10]}"
            uri = f"https://meet.google.com/{meet_id}"
            event["conferenceData"] = {
                "createRequest": {**data["createRequest"], "status": {"statusCode": "success"}},
                "entryPoints": [{"entryPointType": "video", "uri": uri, "label": uri[8:]}],
                "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
                "conferenceId": meet_id,
            }
        video = [p["uri"] for p in event["conferenceData"].get("entryPoints", []) if p.get("entryPointType") == "video"]
        if video:
            event["hangoutLink"] = video[0]

    def record(self, event: dict, action: str, send_updates: str | None, removed=()) -> None:
        """Note who Google would have emailed (removed guests get a cancellation), so tests can see it."""
        send_updates = send_updates or "none"
        guests = [a["email"] for a in event.get("attendees", []) if not a.get("self")] + sorted(removed)
        if send_updates == "externalOnly":
            domain = self.primary.split("@")[-1]
            guests = [g for g in guests if not g.endswith("@" + domain)]
        notified = guests if send_updates in ("all", "externalOnly") else []
        self.notifications.append({"eventId": event["id"], "summary": event.get("summary", ""), "action": action,
                                   "sendUpdates": send_updates, "notified": notified})

    def change(self, calendar_id: str, event_id: str, body: dict, replace: bool, conference: bool, send_updates) -> dict:
        calendar = self.calendar(calendar_id)
        event = self.materialize(calendar["id"], event_id)
        before = {a["email"]: a for a in event.get("attendees", [])}
        kept = {k: event[k] for k in SERVER_FIELDS + ("recurringEventId", "originalStartTime", "status") if k in event}
        updated = {**(body if replace else patched(event, body)), **kept}
        updated["attendees"] = [{**before.get(a.get("email"), {}), **a} for a in updated.get("attendees") or []]
        updated.update({"sequence": event.get("sequence", 0) + 1, "updated": utc_stamp(), "status": body.get("status", event["status"])})
        guest = event["organizer"]["email"].lower() != self.primary.lower()
        if guest:
            self._only_my_answer(event, updated)
        self.normalize(calendar, updated, conference)
        self.events[calendar["id"]][updated["id"]] = updated
        if guest:  # a guest's answer goes to the organizer
            self.notifications.append({"eventId": event["id"], "summary": event.get("summary", ""), "action": "responded",
                                       "sendUpdates": send_updates or "none",
                                       "notified": [event["organizer"]["email"]] if send_updates in ("all", "externalOnly") else []})
        else:
            self.record(updated, "updated", send_updates, set(before) - {a["email"] for a in updated.get("attendees", [])})
        return updated

    @staticmethod
    def _only_my_answer(event: dict, updated: dict) -> None:
        """A guest changes only their own answer (and its comment) on someone else's event."""
        def without_my_answer(version):
            attendees = [{k: v for k, v in a.items() if not (a.get("self") and k in ("responseStatus", "comment"))}
                         for a in version.get("attendees", [])]
            return {**{k: v for k, v in version.items() if k not in ("attendees", "sequence", "updated", "etag")}, "attendees": attendees}
        if without_my_answer(event) != without_my_answer(updated):
            raise ApiError(403, "You need to have writer access to this calendar.", "requiredAccessLevel")

    def cancel(self, calendar_id: str, event_id: str, send_updates) -> None:
        calendar = self.calendar(calendar_id)
        event = self.materialize(calendar["id"], event_id)
        if event["status"] == "cancelled":
            raise ApiError(410, "Resource has been deleted", "deleted")
        event.update({"status": "cancelled", "updated": utc_stamp()})
        # A series goes with every occurrence, the edited ones included.
        for occurrence in self.events[calendar["id"]].values():
            if occurrence.get("recurringEventId") == event["id"]:
                occurrence.update({"status": "cancelled", "updated": utc_stamp()})
        if event["organizer"]["email"].lower() != self.primary.lower():
            # A guest's delete takes the event off their own calendar and declines it; the organizer's
            # event stays, and only the organizer can be told.
            for attendee in event.get("attendees", []):
                if attendee.get("self"):
                    attendee["responseStatus"] = "declined"
            self.notifications.append({"eventId": event["id"], "summary": event.get("summary", ""), "action": "responded",
                                       "sendUpdates": send_updates or "none",
                                       "notified": [event["organizer"]["email"]] if send_updates in ("all", "externalOnly") else []})
            return
        self.record(event, "cancelled", send_updates)

    def materialize(self, calendar_id: str, event_id: str) -> dict:
        """The stored event; an instance of a series becomes a stored exception, as in Google."""
        event = self.find(calendar_id, event_id)
        if event_id not in self.events[calendar_id]:
            self.events[calendar_id][event_id] = event
        return self.events[calendar_id][event_id]

    def find(self, calendar_id: str, event_id: str) -> dict:
        stored = self.events.get(calendar_id, {})
        if event_id in stored:
            return stored[event_id]
        master_id, _, moment = event_id.rpartition("_")
        master = stored.get(master_id)
        if master and master.get("recurrence") and moment:
            limit = self._moment(moment)
            for instance in self.instances(calendar_id, master, limit + timedelta(seconds=1)):
                if instance["id"] == event_id:
                    return instance
        raise ApiError(404, "Not Found", "notFound")

    @staticmethod
    def _moment(text: str) -> datetime:
        try:
            if len(text) == 8:
                return datetime.strptime(text, "%Y%m%d").replace(tzinfo=ct.UTC) + timedelta(days=1)
            return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=ct.UTC)
        except ValueError:
            raise ApiError(404, "Not Found", "notFound") from None

    def instances(self, calendar_id: str, master: dict, limit: datetime | None):
        """The series' occurrences up to `limit` (exceptions are applied by the caller)."""
        calendar_tz = self.calendars[calendar_id]["timeZone"]
        rule, excluded = ct.parse_rule(master.get("recurrence"))
        if not rule:
            yield master
            return
        start, end = ct.event_bounds(master, calendar_tz)
        all_day = "date" in master["start"]
        tz_name = master["start"].get("timeZone") or calendar_tz
        first = date.fromisoformat(master["start"]["date"]) if all_day else start.astimezone(ct.zone(tz_name))
        limit = limit or start + ct.HORIZON
        for occurrence in ct.occurrences(first, rule, excluded, limit):
            yield self.instance(master, occurrence, end - start, tz_name)

    def instance(self, master: dict, occurrence, length: timedelta, tz_name: str) -> dict:
        if isinstance(occurrence, datetime):
            at = occurrence.astimezone(ct.UTC)
            suffix = at.strftime("%Y%m%dT%H%M%SZ")
            start = {"dateTime": ct.format_instant(at, tz_name), "timeZone": tz_name}
            end = {"dateTime": ct.format_instant(at + length, tz_name), "timeZone": tz_name}
        else:
            suffix = occurrence.strftime("%Y%m%d")
            start = {"date": occurrence.isoformat()}
            end = {"date": (occurrence + timedelta(days=length.days)).isoformat()}
        instance_id = f"{master['id']}_{suffix}"
        out = {k: v for k, v in master.items() if k != "recurrence"}
        out.update({"id": instance_id, "recurringEventId": master["id"], "originalStartTime": start, "start": start, "end": end,
                    "htmlLink": self.sandbox.link("event", instance_id)})
        return copy.deepcopy(out)

    def listing(self, calendar_id: str, single: bool, start: datetime | None, end: datetime | None, deleted: bool) -> list[dict]:
        """Events overlapping [start, end), series expanded when `single`; exceptions replace instances."""
        stored = self.events[calendar_id]
        calendar_tz = self.calendars[calendar_id]["timeZone"]
        out = []
        for event in stored.values():
            if event.get("recurringEventId") and single:
                continue  # placed where its instance would be, below
            pieces = list(self.instances(calendar_id, event, end)) if event.get("recurrence") else [event]
            if single:
                pieces = [stored.get(p["id"], p) for p in pieces]
                # An occurrence moved earlier, into the range from a day after it: listed where it is now.
                placed = {p["id"] for p in pieces}
                pieces += [e for e in stored.values() if e.get("recurringEventId") == event["id"] and e["id"] not in placed]
            visible = [p for p in pieces if deleted or p["status"] != "cancelled"]
            overlapping = [p for p in visible if overlaps(p, calendar_tz, start, end)]
            if single:
                out.extend(overlapping)
            elif overlapping:
                out.append(event)
        return out

    def shaped(self, calendar_id: str, event: dict, tz_name: str | None = None) -> dict:
        """An event as returned to clients: dateTimes written in the requested (or calendar's) zone."""
        tz_name = tz_name or self.calendars[calendar_id]["timeZone"]
        out = copy.deepcopy(event)
        for key in ("start", "end", "originalStartTime"):
            edge = out.get(key)
            if edge and "dateTime" in edge:
                instant = ct.parse_instant(edge["dateTime"], edge.get("timeZone") or tz_name)
                edge["dateTime"] = ct.format_instant(instant, tz_name)
        return out

    # --- free/busy ---------------------------------------------------------------
    def busy_of(self, item_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]] | None:
        """Busy blocks of one of my calendars or of a person; None when their calendar is not visible."""
        if item_id == "primary" or item_id in self.calendars:
            calendar_id = self.calendar(item_id)["id"]
            return _merge(self._event_blocks([calendar_id], start, end, self.primary))
        domain = self.primary.split("@")[-1]
        if item_id not in self.busy and not item_id.endswith("@" + domain):
            return None
        seeded = [(s, e) for s, e in self.busy.get(item_id, []) if s < end and e > start]
        return _merge(seeded + self._event_blocks(list(self.calendars), start, end, item_id))

    def _event_blocks(self, calendar_ids: list[str], start: datetime, end: datetime, person: str):
        blocks = []
        for calendar_id in calendar_ids:
            calendar_tz = self.calendars[calendar_id]["timeZone"]
            for event in self.listing(calendar_id, True, start, end, False):
                if event.get("transparency") == "transparent" or not _takes_part(event, person, calendar_id == self.primary):
                    continue
                blocks.append(ct.event_bounds(event, calendar_tz))
        return [(max(s, start), min(e, end)) for s, e in blocks]


def _takes_part(event: dict, person: str, own_calendar: bool) -> bool:
    attendees = event.get("attendees", [])
    for attendee in attendees:
        if attendee["email"].lower() == person.lower():
            return attendee.get("responseStatus") != "declined"
    return own_calendar and person == event["organizer"]["email"]


def overlaps(event: dict, calendar_tz: str, start: datetime | None, end: datetime | None) -> bool:
    event_start, event_end = ct.event_bounds(event, calendar_tz)
    return (start is None or event_end > start) and (end is None or event_start < end)


def _merge(blocks):
    merged = []
    for s, e in sorted(blocks):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def patched(resource: dict, patch: dict) -> dict:
    """Google's patch semantics: objects are merged field by field, a null clears a field, lists are replaced."""
    merged = dict(resource)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(resource.get(key), dict):
            merged[key] = patched(resource[key], value)
        else:
            merged[key] = value
    return merged
