"""Contacts tool: find people's addresses among saved contacts, the organisation's directory and
"other" contacts.

All three searches go in one batch. "Other contacts" (people the user mailed but never saved)
and the directory (colleagues in a Workspace organisation) need scopes of their own; without
them, or for a personal account, which has no directory, saved contacts still answer. Google
answers contact searches from a cache it refreshes on an empty query, so the first search of
a run sends that warm-up first, in a batch of its own (parts of one batch may run in any
order); the directory needs none.
"""
from typing import Annotated

from googleapiclient.errors import HttpError
from pydantic import Field

from app import google_api
from app.tools.errors import missing_scope
from app.tools.registry import tool


DIRECTORY_SOURCES = ["DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE", "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"]
# Other contacts allow only names, emailAddresses, phoneNumbers and metadata; organizations would be refused.
SAVED_FIELDS = "names,emailAddresses,phoneNumbers,organizations"
OTHER_FIELDS = "names,emailAddresses,phoneNumbers"


def compact(ctx, person: dict, saved: bool) -> dict:
    out = _basics(person)
    if not saved:
        out["other_contact"] = True
    person_id = person["resourceName"].split("/")[-1]
    out["link"] = ctx.link("person", person_id, f"https://contacts.google.com/person/{person_id}")
    return out


def _searches(service, query: str, size: int) -> list:
    return [
        service.people().searchContacts(query=query, readMask=SAVED_FIELDS, pageSize=size),
        service.otherContacts().search(query=query, readMask=OTHER_FIELDS, pageSize=size),
    ]


def _directory_search(service, query: str, size: int):
    return service.people().searchDirectoryPeople(query=query, readMask=SAVED_FIELDS,
                                                  sources=DIRECTORY_SOURCES, pageSize=size)


@tool("read", progress="Searching contacts for {query!r}")
def contacts_search(
    ctx,
    query: Annotated[str, Field(description="name, part of a name, or email", min_length=1)],
    max_results: Annotated[int, Field(ge=1, le=30)] = 10,
) -> dict:
    """Find people (contacts, your organisation's directory) and their email addresses."""
    service = ctx.service("people")
    if not ctx.cache.get("contacts warmed up"):
        google_api.execute_batch(service, _searches(service, "", 1))  # errors show in the real search below
        ctx.cache["contacts warmed up"] = True
    saved, other, directory = google_api.execute_batch(
        service, [*_searches(service, query, max_results), _directory_search(service, query, max_results)])
    if isinstance(saved, HttpError):
        raise saved
    people, notes = [compact(ctx, r["person"], True) for r in saved.get("results", [])], []
    if isinstance(directory, HttpError):
        # A personal account has no directory (400): nothing to say. A refused scope or a failure is worth a note.
        if missing_scope(directory):
            notes.append("your organisation's directory was not searched (access not granted)")
        elif directory.status_code != 400:
            notes.append("your organisation's directory could not be searched just now")
    else:
        people += _new([colleague(p) for p in directory.get("people", [])], people)
    if isinstance(other, HttpError):
        notes.append("other contacts were not searched (access not granted)" if missing_scope(other)
                     else "other contacts could not be searched just now")
    else:
        people += _new([compact(ctx, r["person"], False) for r in other.get("results", [])], people)
    return {"people": people[:max_results], **({"note": "; ".join(notes)} if notes else {})}


def colleague(person: dict) -> dict:
    """A person of the directory: no Contacts link, since they may not be among the person's contacts."""
    return {**_basics(person), "directory": True}


def _basics(person: dict) -> dict:
    names = person.get("names", [])
    out = {"name": names[0]["displayName"] if names else "", "emails": [e["value"] for e in person.get("emailAddresses", [])]}
    if person.get("phoneNumbers"):  # as the person wrote them; most contacts have none, so no empty list
        out["phones"] = [p["value"] for p in person["phoneNumbers"]]
    organization = (person.get("organizations") or [{}])[0]
    if organization.get("name"):
        out["org"] = organization["name"] + (f", {organization['title']}" if organization.get("title") else "")
    return out


def _new(found: list[dict], people: list[dict]) -> list[dict]:
    """Those of `found` who share no address with `people` (saved contacts come first)."""
    known = {e.lower() for p in people for e in p["emails"]}
    return [p for p in found if not known & {e.lower() for e in p["emails"]}]
