"""Sharing Drive files and folders with people or with anyone who has the link, and taking it back.

Several people are shared with (or removed) in one batch. One refusal does not
undo the rest: the summary says who has access now and why the others don't.
"""
from typing import Annotated, Literal

from googleapiclient.errors import HttpError
from pydantic import Field

from app import google_api
from app.tools import mail_mime
from app.tools.context import Context
from app.tools.drive import FileRef, acts_on, file_id, file_preview, list_permissions, only_inherited
from app.tools.errors import explain
from app.tools.registry import ToolError, tool

PEOPLE = Annotated[list[str], Field(description="email addresses")]


def _check_share(args: dict) -> dict:
    people = _addresses(args["people"])
    if not people and not args["link"]:
        raise ToolError("Say whom to share it with (people), or share its link (link: true).")
    if args["message"] and not (people and args["notify"]):
        raise ToolError("A note goes in the email Google sends to the people shared with: give people and keep "
                        "notify true, or leave the note out.")
    return {**args, "people": people}


def _preview_share(ctx: Context, args: dict) -> tuple[dict, dict]:
    args = _check_share(args)
    return args, file_preview(ctx, args["file"])


def _given(args: dict) -> list[tuple[str, str]]:
    """Who a share that ran gave the file or folder to: the task's later steps there may show them."""
    item = acts_on(args)
    return [(item, who.lower()) for who in args.get("people") or []] + ([(item, "anyone with the link")] if args.get("link") else [])


@tool("outbound", prepare=_preview_share, target=acts_on, gives=_given, progress="Sharing a Drive file")
def drive_share(
    ctx: Context,
    file: FileRef,
    people: PEOPLE = [],
    role: Literal["reader", "commenter", "writer"] = "reader",
    link: Annotated[bool, Field(description="anyone with the link")] = False,
    notify: Annotated[bool, Field(description="email them")] = True,
    message: Annotated[str | None, Field(description="note in that email")] = None,
) -> dict:
    """Share a file or folder with people, or with anyone who has its link."""
    args = _check_share({"people": people, "link": link, "notify": notify, "message": message})
    drive = ctx.service("drive")
    meta = _meta(drive, file)
    permissions = drive.permissions()
    email = {"sendNotificationEmail": notify, **({"emailMessage": message} if notify and message else {})}
    requests = {who: permissions.create(fileId=meta["id"], body={"type": "user", "role": role, "emailAddress": who},
                                        supportsAllDrives=True, **email) for who in args["people"]}
    if link:
        # Not findable in search: only those given the link can open it, as Drive's "anyone with the link".
        requests["anyone with the link"] = permissions.create(
            fileId=meta["id"], body={"type": "anyone", "role": role, "allowFileDiscovery": False}, supportsAllDrives=True)
    # Sent once: a share Google made before its answer was lost would email its people a second time.
    with google_api.at_most_once():
        return _outcome(drive, requests, meta, "share", lambda who: f"Shared {meta['name']!r} with {who} as {role}.",
                        "Not shared with", retries=0)


def _check_unshare(args: dict) -> dict:
    people = _addresses(args["people"])
    if not people and not args["link"]:
        raise ToolError("Say whom to stop sharing with (people), or turn off its link (link: true).")
    return {**args, "people": people}


def _preview_unshare(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names the file, who sees it now and whose access ends; anyone who cannot be removed
    (an owner, someone who sees it through a folder) is named before approval, not after."""
    args = _check_unshare(args)
    # Ending access takes nothing along: what a folder holds is no reason to hold that back, nor to list.
    preview = file_preview(ctx, args["file"], contents=False)
    removals = _removals(ctx.service("drive"), file_id(args["file"]), preview["name"], args["people"], args["link"])
    return args, {**preview, "removing": list(removals)}


@tool("destructive", prepare=_preview_unshare, target=acts_on, progress="Unsharing a Drive file")
def drive_unshare(ctx: Context, file: FileRef, people: PEOPLE = [],
                  link: Annotated[bool, Field(description="end sharing by link")] = False) -> dict:
    """Stop sharing a file or folder with people or by link."""
    args = _check_unshare({"people": people, "link": link})
    drive = ctx.service("drive")
    meta = _meta(drive, file)
    removals = _removals(drive, meta["id"], meta["name"], args["people"], link)
    permissions = drive.permissions()
    requests = {who: permissions.delete(fileId=meta["id"], permissionId=permission_id, supportsAllDrives=True)
                for who, permission_id in removals.items()}
    return _outcome(drive, requests, meta, "stop sharing", lambda who: f"Stopped sharing {meta['name']!r} with {who}.",
                    "Still shared with")


def _removals(drive, file: str, name: str, people: list[str], link: bool) -> dict[str, str]:
    """Whose access ends, each with the id of the permission to delete."""
    found = list_permissions(drive, file)
    by_address = {p["emailAddress"].lower(): p for p in found if p.get("emailAddress")}
    removals = {}
    for who in people:
        permission = by_address.get(who.lower())
        if permission is None:
            raise ToolError(f"The file is not shared with {who}.", found={"file": name})
        if permission["role"] == "owner":
            raise ToolError(f"{who} owns the file; an owner's access cannot be removed.", found={"file": name})
        if only_inherited(permission):
            raise ToolError(f"{who} sees the file through a folder it is in (or its shared drive): stop sharing that "
                            "folder with them, or move the file out of it.", found={"file": name})
        # Shared with them directly and through a folder too: the direct share ends, the other stays.
        label = f"{who} (who still sees it through its folder)" if _inherited(permission) else who
        removals[label] = permission["id"]
    if link:
        # Drive's "General access" back to "Restricted": neither anyone with the link nor a whole domain.
        general = [p for p in found if p["type"] in ("anyone", "domain") and not only_inherited(p)]
        if not general:
            through_folder = any(p["type"] in ("anyone", "domain") for p in found)
            raise ToolError("The file is shared by link through a folder it is in: end that folder's link sharing, "
                            "or move the file out of it." if through_folder else "The file is not shared by link.",
                            found={"file": name})
        for permission in general:
            label = "anyone with the link" if permission["type"] == "anyone" else f"anyone at {permission.get('domain', '')}"
            removals[label] = permission["id"]
    return removals


def _inherited(permission: dict) -> bool:
    return any(detail.get("inherited") for detail in permission.get("permissionDetails", []))


def _outcome(drive, requests: dict, meta: dict, verb: str, summary, rest: str, retries: int | None = None) -> dict:
    """Run the requests (one per person) in one batch. summary(who) says what was done for those they
    succeeded for; `rest` heads why they failed for the others, who are listed in "failed_for"."""
    results = google_api.execute_batch(drive, list(requests.values()), retries=retries)
    done = [who for who, result in zip(requests, results) if not isinstance(result, HttpError)]
    failed = {who: str(explain(result, "drive")) for who, result in zip(requests, results) if isinstance(result, HttpError)}
    reasons = " ".join(f"{who}: {why}" for who, why in failed.items())
    if not done:
        raise ToolError(f"Could not {verb} the file: {reasons}", found={"file": meta["name"]})
    out = {"link": meta.get("webViewLink", ""), "summary": summary(", ".join(done))}
    if failed:
        out.update(summary=f"{out['summary']} {rest} {reasons}", failed_for=list(failed))
    return out


def _meta(drive, file: str) -> dict:
    return google_api.execute(drive.files().get(fileId=file_id(file), fields="id,name,webViewLink", supportsAllDrives=True))


def _addresses(people: list[str]) -> list[str]:
    """Each person once, every one a real address: a name alone would share with no one, or the wrong one."""
    if (wrong := mail_mime.not_an_address(people)) is not None:
        raise ToolError(f"'{wrong}' is not an email address — use contacts_search to find it.")
    unique: dict[str, str] = {}
    for address in (address for entry in people for address in mail_mime.emails(entry)):
        unique.setdefault(address.lower(), address)
    return list(unique.values())
