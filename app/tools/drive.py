"""Drive tools: search (shared drives included), read, create, copy, move and trash files; sharing is in drive_sharing."""
import csv
import io
import logging
import re
from typing import Annotated, Literal

from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload
from pydantic import Field

from app import google_api
from app.tools import file_text, readable_google_errors, sheet_cells, sheet_formulas, sheet_ranges
from app.tools.context import Context
from app.tools.markdown_docs import markdown_requests
from app.tools.registry import ToolError, clip, tool

log = logging.getLogger(__name__)

FOLDER = "application/vnd.google-apps.folder"
DOC = "application/vnd.google-apps.document"
SHEET = "application/vnd.google-apps.spreadsheet"
SLIDES = "application/vnd.google-apps.presentation"
SHORT_TYPES = {FOLDER: "folder", DOC: "doc", SHEET: "sheet", SLIDES: "slides", "application/pdf": "pdf", "text/plain": "text",
               file_text.WORD: "word", file_text.EXCEL: "excel", file_text.EXCEL_97: "excel", file_text.POWERPOINT: "powerpoint"}
TYPE_TERMS = {
    "doc": f"mimeType = '{DOC}'",
    "sheet": f"mimeType = '{SHEET}'",
    "folder": f"mimeType = '{FOLDER}'",
    "pdf": "mimeType = 'application/pdf'",
    "image": "mimeType contains 'image/'",
}
EXPORTS = {DOC: "text/markdown", SLIDES: "text/plain"}
UPLOAD_TYPES = {"sheet": "text/csv", "text": "text/plain", "markdown": "text/markdown", "csv": "text/csv"}
ALL_DRIVES = {"corpora": "allDrives", "includeItemsFromAllDrives": True, "supportsAllDrives": True}
INCOMPLETE = ("Drive could not search every shared drive this time, so a file missing here may still exist: "
              "search again with folder set to its shared drive or folder.")
COUNT_LIMIT = 1000  # how far a folder's items (or the shared drives) are counted: "1000+" past it
ITEMS_SHOWN = 10  # the names of a folder's items an approval card lists, the first ones
PARENTS_PER_QUERY = 20  # folders whose items one files.list asks for, keeping its address short
FILE_FIELDS = "id,name,mimeType,modifiedTime,webViewLink,driveId,owners(displayName,me)"
SHARING_FIELDS = ("id,name,mimeType,driveId,shared,owners(emailAddress,me),capabilities(canAddChildren),"
                  "permissions(type,role,emailAddress,domain,permissionDetails(inherited))")
# permissions.list, not files.get: files.get and files.list leave out the permissions of items in shared drives.
PERMISSION_FIELDS = "nextPageToken,permissions(id,type,role,emailAddress,domain,permissionDetails(inherited,permissionType))"
PERMISSIONS_PAGE = 100  # the most permissions.list returns at once
FileRef = Annotated[str, Field(description="file id or link")]
MY_DRIVE = {"id": "root", "name": "My Drive", "mimeType": FOLDER}


def acts_on(args: dict) -> str:
    """The id of what a Drive call acts on: the folder it writes into, else the file. A card's
    shared_with is this item's, so shares the task made of it are what may excuse a change there."""
    return file_id(args.get("folder") or args.get("file") or "")


def outbound_if_folder_shared(ctx: Context, args: dict, preview: dict):
    # A file put in a shared folder is shared too: an instruction planted in an email
    # could otherwise copy private text to whoever can read that folder, unasked.
    return "outbound" if preview.get("shared_with") else None


def preview_folder(ctx: Context, args: dict) -> tuple[dict, dict]:
    if not args.get("folder"):
        return args, {}
    folder = with_permissions(ctx, find_folder(ctx, args["folder"]))[0]
    # The approved call writes into exactly this folder, even if another one takes its name meanwhile.
    return {**args, "folder": folder["id"]}, {"folder": folder["name"], "shared_with": _audience(ctx, folder)}


def outbound_if_seen_or_formulas(ctx: Context, args: dict, preview: dict):
    # Cells in a sheet others read reach them; a formula may fetch from the web (see sheet_cells), and so
    # may those a sheet already holds, with the cells put under them later (see sheet_formulas).
    formulas = ("formulas", "web_formulas", "web_formulas_unread")
    return "outbound" if preview.get("shared_with") or any(preview.get(key) for key in formulas) else None


def _preview_create(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The folder and who sees it; for a sheet, the cells Drive's CSV import will make formulas."""
    args, preview = preview_folder(ctx, args)
    if args["kind"] == "sheet" and (cells := sheet_cells.formulas(list(csv.reader(io.StringIO(args["content"]))), imported=True)):
        preview["formulas"] = cells
    return args, preview


def _preview_file(ctx: Context, args: dict) -> tuple[dict, dict]:
    return args, file_preview(ctx, args["file"])


@tool("read", progress="Searching Drive for {query!r}")
def drive_search(
    ctx: Context,
    query: Annotated[str, Field(description="words in the name or text; empty: recent files")] = "",
    type: Literal["any", "doc", "sheet", "folder", "pdf", "image"] = "any",
    folder: Annotated[str | None, Field(description="folder name or id")] = None,
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
) -> dict:
    """Find files in Drive, shared drives included."""
    drive = ctx.service("drive")
    terms = ["trashed = false"]
    if query:
        terms.append(f"(name contains {_literal(query)} or fullText contains {_literal(query)})")
    if type != "any":
        terms.append(TYPE_TERMS[type])
    corpus = ALL_DRIVES
    if folder:
        meta = find_folder(ctx, folder)
        terms.append(f"{_literal(meta['id'])} in parents")
        # Only where the folder is: a search of all drives may skip the shared drive it is in.
        corpus = {**ALL_DRIVES, "corpora": "drive", "driveId": meta["driveId"]} if meta.get("driveId") else {**ALL_DRIVES, "corpora": "user"}
    # Drive ranks full-text matches by relevance and refuses to sort them.
    order = {} if query else {"orderBy": "modifiedTime desc"}
    files, pages = drive.files(), []
    found, _ = google_api.listing(lambda token, size: files.list(
        q=" and ".join(terms), pageSize=size, pageToken=token, fields=f"nextPageToken,incompleteSearch,files({FILE_FIELDS})",
        **order, **corpus,
    ), "files", limit, pages)
    found.sort(key=lambda f: query.lower() not in f["name"].lower())  # a name match is the likelier target
    drives = _drive_names(ctx, drive) if any(f.get("driveId") for f in found) else {}
    out = {"files": [_summary(f, drives) for f in found]}
    if _incomplete(pages):
        out["note"] = INCOMPLETE
    return out


@tool("read", progress="Reading a Drive file")
def drive_read(
    ctx: Context,
    file: FileRef,
    max_chars: Annotated[int, Field(ge=200, le=30000)] = 8000,
    sheet: Annotated[str | None, Field(description="a tab, or Tab!A1:D50")] = None,
) -> dict:
    """Read a file's text: Docs as Markdown, Sheets tab by tab, PDF, Office and text files."""
    files = ctx.service("drive").files()
    meta = google_api.execute(files.get(fileId=file_id(file), fields="id,name,mimeType,size,webViewLink", supportsAllDrives=True))
    head = {"name": meta["name"], "type": _short_type(meta["mimeType"]), "link": meta.get("webViewLink", "")}
    if meta["mimeType"] == SHEET:
        return {**head, **_spreadsheet_text(ctx, meta["id"], file, sheet, max_chars)}
    kind = file_text.file_type(meta["mimeType"], meta["name"])
    if sheet and kind not in (file_text.EXCEL, file_text.EXCEL_97):
        raise ToolError("Only a spreadsheet has sheets: read this file without sheet.")
    if meta["mimeType"] in EXPORTS:
        data = google_api.execute(files.export(fileId=meta["id"], mimeType=EXPORTS[meta["mimeType"]]))
    elif file_text.is_text(kind):
        return {**head, **_read_start(files, meta, max_chars)}
    elif kind in file_text.DOWNLOADED:
        if int(meta.get("size") or 0) > file_text.MAX_BYTES:
            return {**head, "note": "This file is too large to read here; share its link instead."}
        data = google_api.execute(files.get_media(fileId=meta["id"], supportsAllDrives=True))
        return {**head, **file_text.text_of(data, kind, max_chars, sheet=sheet)}
    elif meta["mimeType"] == FOLDER:
        raise ToolError(f"That is a folder: use drive_search with folder={meta['id']!r}.")
    else:
        return {**head, "note": "Not a text, PDF or Office file; share its link instead of reading it."}
    return {**head, **clip(data.decode("utf-8", "replace"), max_chars)}


@tool("write", escalate=outbound_if_seen_or_formulas, prepare=_preview_create, target=acts_on, progress="Creating {name!r} in Drive")
def drive_create_file(
    ctx: Context,
    name: str,
    content: Annotated[str, Field(description="Markdown for a doc, CSV for a sheet")] = "",
    kind: Literal["doc", "sheet", "text", "markdown", "csv"] = "doc",
    folder: Annotated[str | None, Field(description="folder name or id")] = None,
) -> dict:
    """Create a Google Doc, a Google Sheet or a plain file."""
    target = find_folder(ctx, folder) if folder else None
    parents = [target["id"]] if target else []
    if kind == "doc":
        created = create_doc(ctx, name, content, parents)
    else:
        metadata = {"name": name, "parents": parents, **({"mimeType": SHEET} if kind == "sheet" else {})}
        media = MediaIoBaseUpload(io.BytesIO(content.encode()), mimetype=UPLOAD_TYPES[kind])
        request = ctx.service("drive").files().create(body=metadata, media_body=media, fields=FILE_FIELDS, supportsAllDrives=True)
        created = google_api.execute(request)
    where = f" in {target['name']}" if target else ""
    return {**_summary(created, {}), "summary": f"Created {_short_type(created['mimeType'])} {name!r}{where}."}


def _preview_move(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names the file, who sees it and, for a move, the folder, who would newly see the
    file there and who would no longer see it (access through the old folder or shared drive)."""
    if not args["folder"] and not args["name"]:
        raise ToolError("Nothing to change: give a folder to move it to, or a new name.")
    meta = google_api.execute(_get_sharing(ctx, args["file"]))
    if not args["folder"]:  # a new name takes nothing along
        return args, _preview_of(ctx, *with_permissions(ctx, meta), contents=False)
    meta, target = with_permissions(ctx, meta, find_folder(ctx, args["folder"]))
    preview, there = _preview_of(ctx, meta), _audience(ctx, target)
    kept = _kept_on_move(meta)
    preview.update(folder=target["name"], newly_seen_by=[p for p in there if p not in preview["shared_with"]],
                   no_longer_seen_by=[p for p in preview["shared_with"] if p not in there and p not in kept])
    if not preview["newly_seen_by"]:
        # What goes with it is shown to no one new: what is added meanwhile need not hold the move back.
        preview.pop("contents", None)
    # The approved call moves it into exactly this folder, even if another one takes its name meanwhile.
    return {**args, "folder": target["id"]}, preview


def _kept_on_move(meta: dict) -> set[str]:
    """Who sees a file wherever it is: its owners, and those it is shared with itself (not through a folder)."""
    kept = {owner.get("emailAddress", "") for owner in meta.get("owners", [])}
    return kept | {_grantee(p) for p in meta.get("permissions", []) if not only_inherited(p)}


def _move_effect(ctx: Context, args: dict, preview: dict):
    # Access that ends with the move is taken from people, as drive_unshare would.
    if preview.get("no_longer_seen_by"):
        return "destructive"
    # A file moved where others see it is shown to them; a new name is text those who see it read
    # (an instruction planted in an email could put private text there, as in a doc's body).
    return "outbound" if preview.get("newly_seen_by") or (args["name"] and preview["shared_with"]) else None


@tool("write", escalate=_move_effect, prepare=_preview_move, target=acts_on, progress="Moving or renaming a Drive file")
def drive_move(
    ctx: Context,
    file: FileRef,
    folder: Annotated[str | None, Field(description="folder name or id")] = None,
    name: Annotated[str | None, Field(description="new name")] = None,
) -> dict:
    """Move a file to another folder, rename it, or both."""
    files = ctx.service("drive").files()
    meta = google_api.execute(files.get(fileId=file_id(file), fields="id,name,parents", supportsAllDrives=True))
    target = find_folder(ctx, folder) if folder else None
    moves = {"addParents": target["id"], "removeParents": ",".join(meta.get("parents", []))} if target else {}
    moved = google_api.execute(files.update(fileId=meta["id"], body={"name": name} if name else {}, supportsAllDrives=True,
                                            fields="id,name,webViewLink", **moves))
    where = f" to {target['name']!r}" if target else ""
    renamed = f" as {moved['name']!r}" if name else ""
    return {"file": {"id": moved["id"], "name": moved["name"], "link": moved.get("webViewLink", "")},
            "link": moved.get("webViewLink", ""), "summary": f"Moved {meta['name']!r}{where}{renamed}."}


def _copy_plan(ctx: Context, file: str, folder: str | None) -> tuple[dict, dict]:
    """The file to copy and the folder its copy goes in: the one asked for, or else the original's."""
    request = ctx.service("drive").files().get(fileId=file_id(file), fields="id,name,mimeType,parents,driveId", supportsAllDrives=True)
    source = google_api.execute(request)
    # Names go in `found`, never in the message: whoever shares a file or folder chooses its name.
    if source["mimeType"] == FOLDER:
        raise ToolError("That is a folder, and Drive cannot copy folders: make a new folder and copy the files in it "
                        "one by one.", found={"folder": source["name"]})
    if not folder:
        return source, _original_folder(ctx, source)
    target = find_folder(ctx, folder)
    if not _can_add_to(target):
        raise ToolError("You can only view that folder, so the copy cannot go in it: choose a folder you can add "
                        "files to.", found={"folder": target["name"]})
    return source, target


def _original_folder(ctx: Context, source: dict) -> dict:
    """The original's folder, as Drive copies by default; My Drive for a file shared with the person from a
    folder they cannot see or may only view (the person asked for a copy, not for someone else's folder)."""
    parent = next(iter(source.get("parents", [])), None)
    if parent is None:
        return dict(MY_DRIVE)
    folder = _shared_drive_top(ctx, parent) if parent == source.get("driveId") else google_api.execute(_get_sharing(ctx, parent))
    return folder if _can_add_to(folder) else dict(MY_DRIVE)


def _can_add_to(folder: dict) -> bool:
    # Drive says so in the folder's capabilities; My Drive has none here, and is the person's own.
    return folder.get("capabilities", {}).get("canAddChildren", True)


def _preview_copy(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card names the original, the copy, the folder it goes in and who sees that folder (so will see the copy);
    for a Google Sheet, the formulas it holds that can send its cells to a web address, which the copy keeps."""
    source, target = _copy_plan(ctx, args["file"], args["folder"])
    target = with_permissions(ctx, target)[0]
    name = args["name"] or f"Copy of {source['name']}"
    preview = {"name": source["name"], "type": _short_type(source["mimeType"]), "copy": name, "folder": target["name"],
               "shared_with": _audience(ctx, target)}
    if source["mimeType"] == SHEET:
        preview.update(sheet_formulas.web_formulas(ctx, source["id"]))
    # The approved call makes exactly this copy in exactly this folder, even if another one takes its name meanwhile.
    return {**args, "file": source["id"], "name": name, "folder": target["id"]}, preview


@tool("write", escalate=outbound_if_seen_or_formulas, prepare=_preview_copy, target=acts_on, progress="Copying a Drive file")
def drive_copy(
    ctx: Context,
    file: FileRef,
    name: str | None = None,
    folder: Annotated[str | None, Field(description="folder name or id")] = None,
) -> dict:
    """Copy a file (not a folder), by default into the same folder."""
    source, target = _copy_plan(ctx, file, folder)
    body = {"name": name or f"Copy of {source['name']}", "parents": [target["id"]]}
    drive = ctx.service("drive")
    copied = google_api.execute(drive.files().copy(fileId=source["id"], body=body, fields=FILE_FIELDS, supportsAllDrives=True))
    drives = _drive_names(ctx, drive) if copied.get("driveId") else {}
    return {**_summary(copied, drives), "folder": target["name"],
            "summary": f"Copied {source['name']!r} as {copied['name']!r} into {target['name']!r}."}


@tool("destructive", prepare=_preview_file, target=acts_on, progress="Moving a Drive file to the trash")
def drive_delete(ctx: Context, file: FileRef) -> dict:
    """Move a file to Drive's trash (restorable for 30 days)."""
    request = ctx.service("drive").files().update(
        fileId=file_id(file), body={"trashed": True}, fields="id,name,webViewLink", supportsAllDrives=True
    )
    trashed = google_api.execute(request)
    return {"id": trashed["id"], "link": trashed.get("webViewLink", ""), "summary": f"Moved {trashed['name']!r} to the trash."}


# --- shared with the Docs tools ---------------------------------------------------------
def create_doc(ctx: Context, name: str, markdown: str, parents: list[str]) -> dict:
    """A Google Doc made through Drive (so it can go straight into a folder), then written."""
    body = {"name": name, "mimeType": DOC, "parents": parents}
    created = google_api.execute(ctx.service("drive").files().create(body=body, fields=FILE_FIELDS, supportsAllDrives=True))
    requests = markdown_requests(markdown, 1)
    if requests:
        edit = ctx.service("docs").documents().batchUpdate(documentId=created["id"], body={"requests": requests})
        try:
            with readable_google_errors("docs"):
                google_api.execute(edit)
        except Exception as error:
            # An empty Doc left behind would pass for the one asked for, and the retry would make another.
            if not _discard(ctx, created["id"]) and isinstance(error, ToolError):
                # Same kind of error (a refused grant must still ask for reconnecting), saying what was left.
                error.args = (f"{error} An empty Doc {name!r} was left in Drive and could not be removed: "
                              f"{created.get('webViewLink', created['id'])}",)
            raise
    return created


def _discard(ctx: Context, new_file_id: str) -> bool:
    """Delete a file this tool just made, or else move it to the trash; False when neither was allowed."""
    files = ctx.service("drive").files()
    # In a shared drive only managers may delete for good; content managers may still trash.
    for request in (files.delete(fileId=new_file_id, supportsAllDrives=True),
                    files.update(fileId=new_file_id, body={"trashed": True}, supportsAllDrives=True)):
        try:
            google_api.execute(request, retries=1)
            return True
        except Exception:  # the error that made the clean-up necessary is the one to report
            continue
    log.warning("Could not remove the empty Doc %s left by a failed write", new_file_id)
    return False


def file_id(ref: str) -> str:
    """The id in a Drive or Docs link (…/d/<id>/…, /folders/<id>, ?id=<id>, the sandbox's /open/file/<id>), or ref itself."""
    match = re.search(r"/d/([\w-]+)|/folders/([\w-]+)|[?&]id=([\w-]+)|/open/file/([\w-]+)", ref)
    return next(group for group in match.groups() if group) if match else ref.strip()


def folder_id(ctx: Context, folder: str) -> str:
    """A folder's id from its name (an exact match, shared drives included), id or link."""
    return find_folder(ctx, folder)["id"]


def find_folder(ctx: Context, folder: str) -> dict:
    """A folder by exact name, id or link, with its SHARING_FIELDS; ToolError when there is none,
    so that a mistyped name never reads as an empty folder."""
    if folder.lower() in ("root", "my drive"):
        return dict(MY_DRIVE)
    files, pages = ctx.service("drive").files(), []
    query = f"mimeType = '{FOLDER}' and name = {_literal(folder)} and trashed = false"
    found, _ = google_api.listing(lambda token, size: files.list(
        q=query, fields=f"nextPageToken,incompleteSearch,files({SHARING_FIELDS})", pageSize=size, pageToken=token, **ALL_DRIVES
    ), "files", 1, pages)
    if found:
        return found[0]
    names = _drive_names(ctx, ctx.service("drive"))
    # A shared drive, by name or id, is the top folder of its files.
    drive_id = folder if folder in names else next((i for i, name in names.items() if name.lower() == folder.lower()), None)
    if drive_id:
        return _shared_drive_top(ctx, drive_id)
    try:
        meta = google_api.execute(_get_sharing(ctx, folder))
    except HttpError as error:
        if error.status_code not in (400, 404):
            raise
        # Drive skipped some shared drives: each is searched on its own before saying there is none.
        if _incomplete(pages) and (meta := _folder_in_each_shared_drive(ctx, query)):
            return meta
        raise ToolError(f"Drive has no folder named {folder!r}; find it with drive_search type='folder'.") from None
    if meta["mimeType"] != FOLDER:
        raise ToolError(f"{folder!r} is a file, not a folder.")
    return meta


def _shared_drive_top(ctx: Context, drive_id: str) -> dict:
    """A shared drive as the folder its top-level files are in."""
    found = _shared_drives(ctx, ctx.service("drive")).get(drive_id, {})
    top = {"id": drive_id, "name": found.get("name", drive_id), "mimeType": FOLDER, "driveId": drive_id}
    return {**top, "capabilities": found["capabilities"]} if "capabilities" in found else top


def _incomplete(pages: list[dict]) -> bool:
    """Whether Drive said a search of all drives left some out ("some search results might be missing")."""
    return any(page.get("incompleteSearch") for page in pages)


def _folder_in_each_shared_drive(ctx: Context, query: str) -> dict | None:
    """The first folder the query finds searching each shared drive on its own (corpora=drive), in one batch."""
    drive = ctx.service("drive")
    files = drive.files()

    def page(drive_id: str, token: str | None, size: int):
        return files.list(q=query, fields=f"nextPageToken,files({SHARING_FIELDS})", pageSize=size, pageToken=token,
                          corpora="drive", driveId=drive_id, includeItemsFromAllDrives=True, supportsAllDrives=True)

    drive_ids = list(_drive_names(ctx, drive))
    for drive_id, first in zip(drive_ids, google_api.execute_batch(drive, [page(d, None, 1) for d in drive_ids])):
        if isinstance(first, Exception):
            raise first
        if first.get("files"):
            return first["files"][0]
        if first.get("nextPageToken"):  # an empty page that is not the last: Drive may answer any page short
            found, _ = google_api.listing(lambda token, size: page(drive_id, token or first["nextPageToken"], size), "files", 1)
            if found:
                return found[0]
    return None


def file_preview(ctx: Context, file: str, contents: bool = True) -> dict:
    """For an approval card: the file's name and type, who else sees it and, for a folder, how many items it holds
    (unless `contents` is False: a call that takes nothing along, such as ending access, need not list them)."""
    return _preview_of(ctx, *with_permissions(ctx, google_api.execute(_get_sharing(ctx, file))), contents=contents)


def _preview_of(ctx: Context, meta: dict, contents: bool = True) -> dict:
    preview = {"name": meta["name"], "type": _short_type(meta["mimeType"]), "shared_with": _audience(ctx, meta)}
    if contents and meta["mimeType"] == FOLDER:
        preview.update(_contents(ctx, meta["id"]))
    return preview


def _get_sharing(ctx: Context, file: str):
    return ctx.service("drive").files().get(fileId=file_id(file), fields=SHARING_FIELDS, supportsAllDrives=True)


def with_permissions(ctx: Context, *metas: dict) -> list[dict]:
    """The files (from _get_sharing or find_folder) with their permissions: for items in shared drives,
    which files.get and files.list leave them out of, read with permissions.list, all in one batch."""
    # Not a shared drive itself: its own members are "shared drive <name>" in the audience.
    wanted = [m for m in metas if m.get("driveId") and m["id"] != m["driveId"] and "permissions" not in m]
    if wanted:
        drive = ctx.service("drive")
        pages = google_api.execute_batch(drive, [_permissions_page(drive, m["id"], None, PERMISSIONS_PAGE) for m in wanted])
        for meta, page in zip(wanted, pages):
            if isinstance(page, Exception):
                raise page
            # Past one page (a hundred grants), every page is read.
            meta["permissions"] = list_permissions(drive, meta["id"]) if page.get("nextPageToken") else page.get("permissions", [])
    return list(metas)


def list_permissions(drive, file: str) -> list[dict]:
    """Every permission on a file, those it inherits from its folders too (their permissionDetails say so)."""
    found, _ = google_api.listing(lambda token, size: _permissions_page(drive, file, token, size), "permissions", 10_000)
    return found


def _permissions_page(drive, file: str, token: str | None, size: int):
    return drive.permissions().list(fileId=file, fields=PERMISSION_FIELDS, pageSize=min(size, PERMISSIONS_PAGE),
                                    pageToken=token, supportsAllDrives=True)


def _audience(ctx: Context, meta: dict) -> list[str]:
    """Who besides the person can see a file or folder: emails, "anyone with the link",
    "anyone at <domain>", "shared drive <name>". Empty when it is private to the person."""
    others = [o.get("emailAddress", "") for o in meta.get("owners", []) if not o.get("me")]
    # "shared drive <name>" stands for its members, whom Drive lists on each of its items too.
    others += [_grantee(p) for p in meta.get("permissions", []) if not _drive_member(p)]
    if meta.get("driveId"):
        drive = ctx.service("drive")
        others.append(f"shared drive {_drive_names(ctx, drive).get(meta['driveId'], meta['driveId'])}")
    me = _my_email(ctx) if others else ""
    seen = list(dict.fromkeys(o for o in others if o and o.lower() != me))
    if meta.get("shared") and not seen:
        seen.append("the people it is shared with")  # Drive hides the list from those who cannot share
    return seen


def only_inherited(permission: dict) -> bool:
    """Access that comes only from a folder (or the shared drive): it can only be ended there."""
    details = permission.get("permissionDetails", [])
    return bool(details) and all(detail.get("inherited") for detail in details)


def _drive_member(permission: dict) -> bool:
    details = permission.get("permissionDetails", [])
    return bool(details) and all(detail.get("permissionType") == "member" for detail in details)


def _grantee(permission: dict) -> str:
    if permission.get("type") == "anyone":
        return "anyone with the link"
    if permission.get("type") == "domain":
        return f"anyone at {permission.get('domain', 'the organisation')}"
    return permission.get("emailAddress", "")


def _my_email(ctx: Context) -> str:
    if "drive_me" not in ctx.cache:
        about = google_api.execute(ctx.service("drive").about().get(fields="user(emailAddress)"))
        ctx.cache["drive_me"] = about["user"]["emailAddress"].lower()
    return ctx.cache["drive_me"]


def _contents(ctx: Context, folder: str) -> dict:
    """What sharing, moving or trashing a folder takes with it, its folders' items too: how many ("1000+" past
    COUNT_LIMIT), the first few by name for the card, and `contents`, all their ids (None past the limit). An approved
    call that shows the folder to someone new is held back when something was added since the card (ToolCalls._changed)."""
    files, found, level = ctx.service("drive").files(), {}, [folder]
    while level and len(found) <= COUNT_LIMIT:
        query = " or ".join(f"{_literal(parent)} in parents" for parent in level[:PARENTS_PER_QUERY])
        level = level[PARENTS_PER_QUERY:]
        items, _ = google_api.listing(lambda token, size: files.list(
            q=f"({query}) and trashed = false", fields="nextPageToken,files(id,name,mimeType)",
            pageSize=min(size, COUNT_LIMIT), pageToken=token, **ALL_DRIVES
        ), "files", COUNT_LIMIT + 1 - len(found))
        fresh = [item for item in items if item["id"] not in found]  # an item may be in two of the folders
        found.update((item["id"], item) for item in fresh)
        level += [item["id"] for item in fresh if item["mimeType"] == FOLDER]
    names = [item["name"] for item in list(found.values())[:ITEMS_SHOWN]]
    if len(found) > COUNT_LIMIT:
        return {"items": f"{COUNT_LIMIT}+", "item_names": names, "contents": None}
    return {"items": len(found), "item_names": names, "contents": sorted(found)}


def _literal(text: str) -> str:
    """A string in the Drive query language: quoted, with \\ and ' escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _drive_names(ctx: Context, drive) -> dict:
    return {drive_id: found["name"] for drive_id, found in _shared_drives(ctx, drive).items()}


def _shared_drives(ctx: Context, drive) -> dict:
    """The person's shared drives by id: their names, and whether they may add files to them."""
    if "shared_drives" not in ctx.cache:
        shared = drive.drives()
        drives, _ = google_api.listing(lambda token, size: shared.list(
            pageSize=min(size, 100), pageToken=token, fields="nextPageToken,drives(id,name,capabilities(canAddChildren))"
        ), "drives", COUNT_LIMIT)
        ctx.cache["shared_drives"] = {d["id"]: d for d in drives}
    return ctx.cache["shared_drives"]


def _summary(file: dict, drive_names: dict) -> dict:
    out = {"id": file["id"], "name": file["name"], "type": _short_type(file["mimeType"]), "link": file.get("webViewLink", "")}
    if file.get("modifiedTime"):
        out["modified"] = file["modifiedTime"][:10]
    if file.get("driveId"):
        out["shared_drive"] = drive_names.get(file["driveId"], file["driveId"])
    owner = next((o for o in file.get("owners", []) if not o.get("me")), None)
    if owner:
        out["owner"] = owner.get("displayName", "")
    return out


def _short_type(mime_type: str) -> str:
    return SHORT_TYPES.get(mime_type, mime_type)


def _spreadsheet_text(ctx: Context, file_id: str, link: str, sheet: str | None, max_chars: int) -> dict:
    """The sheet or range asked for (or the tab the link opens at), from the Sheets API; else every
    sheet, from an Excel export; a CSV export holds only the first sheet."""
    if sheet or sheet_ranges.GID.search(link):
        part = sheet_ranges.read_range(ctx, file_id, sheet, link, max_chars)
        if part is not None:
            return part
    files = ctx.service("drive").files()
    try:
        data = google_api.execute(files.export(fileId=file_id, mimeType=file_text.EXCEL))
        return file_text.office_text(data, file_text.EXCEL, max_chars)
    except HttpError as error:
        if google_api.error_details(error)[0] != "exportSizeLimitExceeded":  # Drive exports up to 10 MB
            raise
        why = "Too large to read whole"
    except file_text.ReaderUnavailable:
        why = "Only part can be read just now"
    data = google_api.execute(files.export(fileId=file_id, mimeType="text/csv"))
    return {**file_text.plain_text(data, max_chars), "note": f"{why}: the first sheet only, as CSV."}


def _read_start(files, meta: dict, max_chars: int) -> dict:
    """The start of a text file: only as many bytes as max_chars can take are downloaded."""
    request = files.get_media(fileId=meta["id"], supportsAllDrives=True)
    most = file_text.bytes_for(max_chars)
    size = int(meta.get("size") or 0)
    if size > most:
        request.headers["Range"] = f"bytes=0-{most - 1}"
    return file_text.plain_text(google_api.execute(request), max_chars, total_bytes=size or None)
