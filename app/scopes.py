"""Google OAuth scopes: the least set the action catalogue needs.

Each service maps to the scopes that must be granted for its tools to work;
the callback uses this to tell a person which service a reduced grant breaks.
"""
G = "https://www.googleapis.com/auth/"

GMAIL = G + "gmail.modify"  # read, label, draft, send and trash; never permanent delete
DRIVE = G + "drive"  # search all files incl. shared drives, save, share; also covers the Docs and Sheets APIs
CALENDAR_EVENTS = G + "calendar.events"  # create, change and delete events
CALENDAR_READ = G + "calendar.readonly"  # time zone setting, free/busy, other calendars
TASKS = G + "tasks"
CONTACTS_READ = G + "contacts.readonly"
OTHER_CONTACTS_READ = G + "contacts.other.readonly"  # people you mailed but never saved
DIRECTORY_READ = G + "directory.readonly"  # colleagues in a Workspace organisation's directory

REQUESTED = [GMAIL, DRIVE, CALENDAR_EVENTS, CALENDAR_READ, TASKS, CONTACTS_READ, OTHER_CONTACTS_READ, DIRECTORY_READ]

SERVICE_SCOPES = {
    "gmail": [GMAIL],
    "drive": [DRIVE],
    "docs": [DRIVE],
    "sheets": [DRIVE],
    "calendar": [CALENDAR_EVENTS, CALENDAR_READ],
    "tasks": [TASKS],
    "contacts": [CONTACTS_READ, OTHER_CONTACTS_READ],  # the directory is optional: a personal account has none
}

SERVICE_LABELS = {
    "gmail": "Gmail",
    "drive": "Drive",
    "docs": "Docs",
    "sheets": "Sheets",
    "calendar": "Calendar",
    "tasks": "Tasks",
    "contacts": "Contacts",
}


def missing_services(granted: set[str]) -> list[str]:
    """Services whose scopes were not all granted, in catalogue order."""
    return [name for name, needed in SERVICE_SCOPES.items() if not set(needed) <= granted]
