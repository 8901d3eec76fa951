"""Contacts tool: find people's addresses among saved and "other" contacts.

Both searches go in one batch. "Other contacts" (people the user mailed but
never saved) need their own scope; without it saved contacts still answer.
Google answers searches from a cache it refreshes on an empty query, so the
first search of a run sends that warm-up first, in a batch of its own
(parts of one batch may run in any order).
"""
from typing import Annotated

from googleapiclient.errors import HttpError
from pydantic import Field

from app import google_api
from app.tools.registry import tool


def compact(ctx, person: dict, saved: bool) -> dict:
    names = person.get("names", [])
    out = {"name": names[0]["displayName"] if names else "", "emails": [e["value"] for e in person.get("emailAddresses", [])]}
    organization = (person.get("organizations") or [{}])[0]
    if organization.get("name"):
        out["org"] = organization["name"] + (f", {organization['title']}" if organization.get("title") else "")
    if not saved:
        out["other_contact"] = True
    person_id = person["resourceName"].split("/")[-1]
    out["link"] = ctx.link("person", person_id, f"https://contacts.google.com/person/{person_id}")
    return out


def _searches(service, query: str, size: int) -> list:
    return [
        service.people().searchContacts(query=query, readMask="names,emailAddresses,organizations", pageSize=size),
        service.otherContacts().search(query=query, readMask="names,emailAddresses", pageSize=size),
    ]


@tool("read", progress="Searching contacts for {query!r}")
def contacts_search(
    ctx,
    query: Annotated[str, Field(description="name, part of a name, or email", min_length=1)],
    max_results: Annotated[int, Field(ge=1, le=30)] = 10,
) -> dict:
    """Find people (saved and other contacts) and their email addresses."""
    service = ctx.service("people")
    if not ctx.cache.get("contacts warmed up"):
        google_api.execute_batch(service, _searches(service, "", 1))  # errors show in the real search below
        ctx.cache["contacts warmed up"] = True
    saved, other = google_api.execute_batch(service, _searches(service, query, max_results))
    if isinstance(saved, HttpError):
        raise saved
    people = [compact(ctx, r["person"], True) for r in saved.get("results", [])]
    out = {}
    if isinstance(other, HttpError):
        out["note"] = "other contacts were not searched (access not granted)"
    else:
        known = {e for p in people for e in p["emails"]}
        people += [compact(ctx, r["person"], False) for r in other.get("results", []) if not known & {e["value"] for e in r["person"].get("emailAddresses", [])}]
    return {"people": people[:max_results], **out}
