"""Sandbox emulation of the Drive v3 API: files, uploads, exports, permissions, shared drives.

Seed section "drive" (app/sandbox/seeds/demo/drive.json):

    {
      "drives": [{"id": "0AMarketing", "name": "Acme Marketing"}],          shared drives; optional "role":
                                                                           the account's (default "organizer")
      "files": [
        {"id": "f-finance", "name": "Finance", "mimeType": "folder"},
        {"id": "d-q3", "name": "Q3 planning notes", "mimeType": "doc",       a Google Doc
         "parent": "f-projects", "content": [block, ...],                    blocks: see Document.from_blocks
         "tabs": [{"title": "Notes", "content": [block, ...]}]},            optional: tabs after the first
        {"id": "s-budget", "name": "Budget", "mimeType": "sheet",            a Google Sheet
         "rows": [["Item", "Amount"], ["Ads", "1200"]]},
        {"id": "t-1", "name": "notes.txt", "mimeType": "text/plain", "text": "..."},
        {"id": "p-1", "name": "a.pdf", "mimeType": "application/pdf", "base64": "..."},
        {"id": "b-1", "name": "Brand", "mimeType": "doc", "drive": "0AMarketing"},   in a shared drive
        {..., "owner": {"email": "bob@x", "name": "Bob"}},                  someone else's, shared with me
      ]
    }

Optional per file: "parent" (a folder id; default the drive's root), "modified"
and "created" (RFC 3339), "starred", "trashed", "description", "permissions"
([{"emailAddress", "role"}]; a folder's permissions also show on what it holds; as at Google,
files.get and files.list leave them out for shared-drive items, whose permissions.list has them).
"folder", "doc" and "sheet" abbreviate the Google mime types. A Google Doc's body lives here (a docs_model.Document) and the Docs
emulation edits the same object, so Drive exports always show the latest text.
"""
import base64
import copy
import hashlib
import re
import secrets
import zlib

from app.sandbox import drive_query
from app.sandbox.clock import utc_stamp
from app.sandbox.docs_model import Document
from app.sandbox.drive_media import (
    DOC,
    FOLDER,
    SHEET,
    apply_fields,
    csv_to_rows,
    export,
    readable_text,
)
from app.sandbox.routing import ApiError, Response, Router
from app.sandbox.uploads import parse_upload
from app.scopes import DRIVE, G

router = Router("drive")
READ = (DRIVE, G + "drive.readonly")
METADATA = READ + (G + "drive.metadata.readonly",)
WRITE = (DRIVE,)
ROOT = "0ARootFolder"
SHORT_TYPES = {"folder": FOLDER, "doc": DOC, "sheet": SHEET}
ROLES = ("reader", "commenter", "writer", "fileOrganizer", "organizer", "owner")
DRIVE_ROLES = ROLES[:-1]  # a shared drive has managers (organizer), not owners
EDITORS = ROLES[ROLES.index("writer"):]  # the roles that may change a file or add to a folder
FILE_DEFAULT_FIELDS = "kind,id,name,mimeType"
FILES = r"/drive/v3/files"
FILE = FILES + r"/(?P<file_id>[\w-]+)"
UPLOAD = r"/upload/drive/v3/files"


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox
        self.drives = {d["id"]: {"id": d["id"], "name": d["name"], "createdTime": d.get("created", utc_stamp())} for d in seed.get("drives", [])}
        self.drive_roles = {d["id"]: d.get("role", "organizer") for d in seed.get("drives", [])}
        if unknown := set(self.drive_roles.values()) - set(DRIVE_ROLES):
            raise ValueError(f"Unknown shared drive roles in the seed: {sorted(unknown)}; use one of {DRIVE_ROLES}")
        self.files: dict[str, dict] = {}
        self.notifications: list[dict] = []  # sharing emails Drive would have sent
        self.uploads: dict[str, dict] = {}  # resumable upload sessions by upload_id
        # My Drive's top folder: files.get answers for it ("root" or its id) as for any folder, though no list holds it.
        account = sandbox.account
        self.my_drive = {"id": ROOT, "name": "My Drive", "mimeType": FOLDER, "description": "", "parents": [], "driveId": None,
                         "starred": False, "trashed": False, "createdTime": utc_stamp(), "modifiedTime": utc_stamp(),
                         "sharedWithMe": False, "owner": None, "permissions": [self.permission(account["email"], "owner", account["name"])]}
        for spec in seed.get("files", []):
            self._seed_file(spec)

    def _seed_file(self, spec: dict) -> None:
        mime_type = SHORT_TYPES.get(spec["mimeType"], spec["mimeType"])
        file = self.new_file(
            {"id": spec.get("id"), "name": spec["name"], "mimeType": mime_type, "description": spec.get("description", "")},
            parent=spec.get("parent") or spec.get("drive"),
            drive_id=spec.get("drive"),
            owner=spec.get("owner"),
        )
        file.update(starred=spec.get("starred", False), trashed=spec.get("trashed", False))
        file["modifiedTime"] = spec.get("modified", file["modifiedTime"])
        file["createdTime"] = spec.get("created", spec.get("modified", file["createdTime"]))
        if mime_type == DOC:
            file["document"] = Document.from_blocks(spec.get("content", []))
            # The doc's other tabs, after its first (which is all the API shows without includeTabsContent).
            file["tabs"] = [(tab["title"], Document.from_blocks(tab.get("content", []))) for tab in spec.get("tabs", [])]
        elif mime_type == SHEET:
            file["rows"] = spec.get("rows", [])  # the first sheet, the one a CSV export holds
            file["more_sheets"] = [(title, rows) for title, rows in spec.get("more_sheets", {}).items()]
        elif mime_type != FOLDER:
            file["content"] = base64.b64decode(spec["base64"]) if "base64" in spec else spec.get("text", "").encode()
        for grant in spec.get("permissions", []):
            file["permissions"].append(self.permission(grant["emailAddress"], grant["role"]))

    # --- records ----------------------------------------------------------------
    def new_file(self, metadata: dict, parent: str | None = None, drive_id: str | None = None, owner: dict | None = None) -> dict:
        stamp = utc_stamp()
        file_id = metadata.get("id") or secrets.token_urlsafe(24)
        mime_type = metadata.get("mimeType") or "application/octet-stream"
        file = {
            "id": file_id,
            "name": metadata.get("name") or "Untitled",
            "mimeType": mime_type,
            "description": metadata.get("description", ""),
            "parents": [] if owner else [parent or ROOT],  # someone else's folders are not mine to see
            "driveId": drive_id,
            "starred": bool(metadata.get("starred", False)),
            "trashed": False,
            "createdTime": stamp,
            "modifiedTime": stamp,
            "sharedWithMe": bool(owner),
            "owner": owner and {"email": owner["email"], "name": owner.get("name", owner["email"])},
            "permissions": [],
        }
        if not drive_id:
            who = file["owner"] or {"email": self.sandbox.account["email"], "name": self.sandbox.account["name"]}
            file["permissions"].append(self.permission(who["email"], "owner", who["name"]))
        if mime_type == DOC:
            file["document"] = Document()
        elif mime_type == SHEET:
            file["rows"] = []
        elif mime_type != FOLDER:
            file["content"] = b""
        self.files[file_id] = file
        return file

    def permission(self, email: str, role: str, name: str | None = None) -> dict:
        if email == "anyone":
            return {"kind": "drive#permission", "id": "anyoneWithLink", "type": "anyone", "role": role}
        return {
            "kind": "drive#permission",
            "id": str(zlib.crc32(email.lower().encode())),
            "type": "user",
            "role": role,
            "emailAddress": email,
            "displayName": name or email.split("@")[0],
        }

    def effective_permissions(self, file: dict) -> list[dict]:
        """The file's own permissions, then those it inherits from its folders, as Drive lists them:
        one entry per person, whose permissionDetails say where each of their accesses comes from."""
        out: dict[str, dict] = {}
        for holder in [file, *self.ancestors(file)]:
            for permission in holder["permissions"]:
                # A folder's owner may edit what is put in it, but owns only the folder.
                inherited = holder is not file
                role = "writer" if inherited and permission["role"] == "owner" else permission["role"]
                details = {"permissionType": "file", "role": role, "inherited": inherited}
                if inherited and file["driveId"]:  # Drive names the source only in shared drives
                    details["inheritedFrom"] = holder["id"]
                if permission["id"] in out:
                    out[permission["id"]]["permissionDetails"].append(details)
                else:
                    out[permission["id"]] = {**permission, "role": role, "permissionDetails": [details]}
        return list(out.values())

    def capabilities(self, file: dict) -> dict:
        """What the account may do with the file, as Drive's `capabilities` says: a folder cannot be copied,
        and only an editor (of it, of a folder it is in, or of its shared drive) may add files to a folder."""
        me = self.sandbox.account["email"].lower()
        roles = [p["role"] for p in self.effective_permissions(file) if p.get("emailAddress", "").lower() == me]
        roles += [self.drive_roles[file["driveId"]]] if file["driveId"] else []
        editor = any(role in EDITORS for role in roles)
        folder = file["mimeType"] == FOLDER
        return {"canEdit": editor, "canAddChildren": folder and editor, "canCopy": not folder}

    def ancestors(self, file: dict) -> list[dict]:
        chain, parent = [], self.files.get(file["parents"][0]) if file["parents"] else None
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.files.get(parent["parents"][0]) if parent["parents"] else None
        return chain

    def touch(self, file: dict) -> None:
        file["modifiedTime"] = utc_stamp()

    def find(self, request, file_id: str) -> dict:
        """The file, or 404 as Drive answers (also for shared-drive files without supportsAllDrives)."""
        file = self.files.get(self.resolve_folder(file_id))
        if file is None or (file["driveId"] and not request.bool_arg("supportsAllDrives")):
            raise ApiError(404, f"File not found: {file_id}.", "notFound")
        return file

    # --- what drive_query asks of the state ------------------------------------------
    def resolve_folder(self, folder_id: str) -> str:
        return ROOT if folder_id == "root" else folder_id

    def full_text(self, file: dict) -> str:
        return (file["description"] or "") + "\n" + (readable_text(file) or "")

    def has_role(self, file: dict, email: str, field: str) -> bool:
        email = self.sandbox.account["email"] if email == "me" else email
        roles = {"owners": {"owner"}, "writers": {"owner", "organizer", "fileOrganizer", "writer"}}.get(field, set(ROLES))
        return any(p.get("emailAddress") == email and p["role"] in roles for p in file["permissions"])

    # --- shapes ----------------------------------------------------------------------
    def metadata(self, file: dict) -> dict:
        out = {
            "kind": "drive#file",
            "id": file["id"],
            "name": file["name"],
            "mimeType": file["mimeType"],
            "description": file["description"],
            "parents": file["parents"],
            "starred": file["starred"],
            "trashed": file["trashed"],
            "createdTime": file["createdTime"],
            "modifiedTime": file["modifiedTime"],
            "webViewLink": self.sandbox.link("file", file["id"]),
            "capabilities": self.capabilities(file),
        }
        if file["driveId"]:
            # "Not populated for items in shared drives" (permissions and shared): permissions.list tells.
            out["driveId"] = file["driveId"]
        else:
            out["permissions"] = self.effective_permissions(file)
            out["shared"] = len(out["permissions"]) > 1
            out["owners"] = [self.user(p) for p in file["permissions"] if p["role"] == "owner"]
        if file["sharedWithMe"]:
            out["sharedWithMeTime"] = file["createdTime"]
        if "content" in file:
            out["size"] = str(len(file["content"]))
            out["md5Checksum"] = hashlib.md5(file["content"]).hexdigest()
        return out

    def user(self, permission: dict) -> dict:
        email = permission["emailAddress"]
        return {
            "kind": "drive#user",
            "displayName": permission["displayName"],
            "emailAddress": email,
            "me": email == self.sandbox.account["email"],
            "permissionId": permission["id"],
        }

    def dump(self) -> dict:
        files = {}
        for file_id, file in self.files.items():
            # Who has access, for every file: the test's view, not the API's (see metadata).
            files[file_id] = {**self.metadata(file), "permissions": self.effective_permissions(file), "text": readable_text(file)}
        return {"root": ROOT, "drives": list(self.drives.values()), "files": files, "notifications": self.notifications}

    def view(self, kind: str, item_id: str) -> dict | None:
        file = self.files.get(item_id) if kind == "file" else None
        if file is None:
            return None
        text = readable_text(file)
        shown = {key: value for key, value in self.metadata(file).items() if key not in ("kind", "webViewLink")}
        return {**shown, "content": text if text is not None else f"({len(file.get('content', b''))} bytes of {file['mimeType']})"}


# --- files.list ----------------------------------------------------------------------
@router.get(FILES, scopes=METADATA)
def list_files(state: State, request):
    predicate = drive_query.parse(request.arg("q", ""))
    visible = _corpus(state, request)
    # An "incomplete" fault: a search of all drives leaves the shared drives out, and says so.
    incomplete = request.incomplete and request.arg("corpora") == "allDrives"
    found = [f for f in state.files.values() if visible(f) and predicate(f, state) and not (incomplete and f["driveId"])]
    _sort(found, request.arg("orderBy", ""))
    page, next_token = request.page(found, "pageSize", 100, 1000)
    body = {"kind": "drive#fileList", "incompleteSearch": incomplete, "files": [state.metadata(f) for f in page]}
    if next_token:
        body["nextPageToken"] = next_token
    return apply_fields(body, request.arg("fields"), f"kind,nextPageToken,incompleteSearch,files({FILE_DEFAULT_FIELDS})")


def _corpus(state: State, request):
    """Which files a list may return: shared-drive files only with both all-drives flags, as at Google."""
    corpora = request.arg("corpora") or ("drive" if request.arg("driveId") else "user")
    all_drives = request.bool_arg("includeItemsFromAllDrives") and request.bool_arg("supportsAllDrives")
    if corpora in ("drive", "allDrives") and not request.bool_arg("includeItemsFromAllDrives"):
        raise ApiError(400, "The includeItemsFromAllDrives parameter must be set to true when corpora is drive or allDrives.", "invalid")
    if corpora == "drive":
        drive_id = request.arg("driveId")
        if drive_id not in state.drives:
            raise ApiError(404, f"Shared drive not found: {drive_id}", "notFound")
        return lambda f: all_drives and f["driveId"] == drive_id
    if corpora == "allDrives":
        return lambda f: not f["driveId"] or all_drives
    if corpora == "user":
        return lambda f: not f["driveId"]
    raise ApiError(400, f"Invalid Value: corpora={corpora}", "invalid")


SORT_KEYS = {
    "name": lambda f: f["name"].lower(),
    "modifiedTime": lambda f: f["modifiedTime"],
    "createdTime": lambda f: f["createdTime"],
    "folder": lambda f: f["mimeType"] != FOLDER,
    "starred": lambda f: not f["starred"],
}


def _sort(files: list, order_by: str) -> None:
    # Sort by the last key first: Python's sort is stable, so earlier keys win.
    for clause in reversed([c.split() for c in order_by.split(",") if c.strip()]):
        key = SORT_KEYS.get(clause[0].replace("_natural", ""))
        if key is None:
            raise ApiError(400, f"Invalid Value: orderBy={order_by}", "invalid")
        files.sort(key=key, reverse=clause[-1].lower() == "desc")


# --- files.get / export / create / update / copy / delete --------------------------------
@router.get(FILE + r"/export", scopes=READ)
def export_file(state: State, request, file_id):
    file = state.files.get(file_id)
    if file is None:
        raise ApiError(404, f"File not found: {file_id}.", "notFound")
    mime_type = request.arg("mimeType", "")
    return Response(200, export(file, mime_type), content_type=mime_type)


@router.get(FILE, scopes=METADATA)
def get_file(state: State, request, file_id):
    file = state.my_drive if state.resolve_folder(file_id) == ROOT else state.find(request, file_id)
    if request.arg("alt") != "media":
        return apply_fields(state.metadata(file), request.arg("fields"), FILE_DEFAULT_FIELDS)
    if G + "drive.metadata.readonly" in request.scopes and not request.scopes & set(READ):
        raise ApiError(403, "Request had insufficient authentication scopes.", "insufficientPermissions")
    if "content" not in file:
        raise ApiError(403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "fileNotDownloadable")
    return _media(file["content"], file["mimeType"], request.headers.get("range", ""))


def _media(content: bytes, mime_type: str, range_header: str) -> Response:
    """The file, or the part a `Range: bytes=first-last` header asks for (206), as Google serves downloads."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", range_header.strip())
    if not match or not any(match.groups()):
        return Response(200, content, content_type=mime_type)
    if not match.group(1):  # "bytes=-N": the last N bytes
        first, last = max(len(content) - int(match.group(2)), 0), len(content) - 1
    else:
        first = int(match.group(1))
        last = min(int(match.group(2)) if match.group(2) else len(content) - 1, len(content) - 1)
    if first > last:
        return Response(416, b"", content_type="text/plain", headers={"Content-Range": f"bytes */{len(content)}"})
    return Response(206, content[first : last + 1], content_type=mime_type,
                    headers={"Content-Range": f"bytes {first}-{last}/{len(content)}"})


@router.post(FILES, scopes=WRITE)
def create_file(state: State, request):
    return _create(state, request, request.json(), None, None)


@router.post(UPLOAD, scopes=WRITE)
def upload_file(state: State, request):
    if request.arg("uploadType") == "resumable":
        return _start_resumable(state, request)
    metadata, media, media_type = parse_upload(request)
    return _create(state, request, metadata, media, media_type)


def _start_resumable(state: State, request) -> Response:
    """Open a session; the bytes follow in PUTs to the Location given back, as at Google."""
    upload_id = secrets.token_urlsafe(16)
    media_type = request.headers.get("x-upload-content-type", "application/octet-stream")
    state.uploads[upload_id] = {"metadata": request.json(), "media_type": media_type, "data": b"", "query": request.query}
    location = f"{state.sandbox.base_url}{UPLOAD}?uploadType=resumable&upload_id={upload_id}"
    return Response(200, b"", content_type="text/plain", headers={"Location": location})


@router.put(UPLOAD, scopes=WRITE)
def continue_resumable(state: State, request):
    session = state.uploads.get(request.arg("upload_id", ""))
    if session is None:
        raise ApiError(404, "No such upload session.", "notFound")
    session["data"] += request.body
    total = request.headers.get("content-range", "").rpartition("/")[2]
    if total.isdigit() and len(session["data"]) < int(total):
        # 308 "Resume Incomplete" with the bytes received so far tells the client to send the next chunk.
        return Response(308, b"", content_type="text/plain", headers={"Range": f"bytes=0-{len(session['data']) - 1}"})
    del state.uploads[request.arg("upload_id")]
    request.query = {**session["query"], **request.query}  # the first request's fields and flags apply
    return _create(state, request, session["metadata"], session["data"], session["media_type"])


def _create(state: State, request, metadata: dict, media: bytes | None, media_type: str | None):
    parents = metadata.get("parents") or [ROOT]
    parent = _folder(state, request, parents[0])
    metadata = {**metadata, "mimeType": metadata.get("mimeType") or media_type}
    file = state.new_file({k: v for k, v in metadata.items() if k != "id"}, parent=parent["id"], drive_id=_drive_of(state, parent))
    if media is not None:
        _store_media(file, media, media_type)
    return apply_fields(state.metadata(file), request.arg("fields"), FILE_DEFAULT_FIELDS)


def _folder(state: State, request, folder_id: str) -> dict:
    """A folder files may be put in: 404 when the account cannot see it, 403 when it may only view it."""
    folder_id = state.resolve_folder(folder_id)
    if folder_id == ROOT:
        return {"id": ROOT}
    if folder_id in state.drives:
        if not request.bool_arg("supportsAllDrives"):
            raise ApiError(404, f"File not found: {folder_id}.", "notFound")
        if state.drive_roles[folder_id] not in EDITORS:
            raise ApiError(403, "Insufficient permissions for the specified parent.", "insufficientParentPermissions")
        return {"id": folder_id}
    folder = state.find(request, folder_id)
    if folder["mimeType"] != FOLDER:
        raise ApiError(400, f"The parent {folder_id} is not a folder.", "invalidParent")
    if not state.capabilities(folder)["canAddChildren"]:
        raise ApiError(403, "Insufficient permissions for the specified parent.", "insufficientParentPermissions")
    return folder


def _drive_of(state: State, parent: dict) -> str | None:
    """The shared drive a file put in this folder (or at a shared drive's top) belongs to; None for My Drive."""
    return parent["id"] if parent["id"] in state.drives else parent.get("driveId")


def _store_media(file: dict, media: bytes, media_type: str | None) -> None:
    """Keep the bytes, or convert them when the file is a Google type (an import)."""
    if file["mimeType"] == DOC:
        file["document"] = Document.from_text(media.decode("utf-8", "replace"))
    elif file["mimeType"] == SHEET:
        file["rows"] = csv_to_rows(media)
    elif file["mimeType"] == FOLDER:
        raise ApiError(400, "A folder cannot have content.", "badContent")
    else:
        file["content"] = media


@router.patch(FILE, scopes=WRITE)
def update_file(state: State, request, file_id):
    return _update(state, request, state.find(request, file_id), request.json(), None)


@router.patch(UPLOAD + r"/(?P<file_id>[\w-]+)", scopes=WRITE)
def update_file_content(state: State, request, file_id):
    file = state.find(request, file_id)
    metadata, media, media_type = parse_upload(request)
    return _update(state, request, file, metadata, (media, media_type))


def _update(state: State, request, file: dict, changes: dict, media):
    if "trashed" in changes and file["driveId"] and state.drive_roles.get(file["driveId"]) not in ("organizer", "fileOrganizer"):
        # In a shared drive only managers and content managers may move things to the trash.
        raise ApiError(403, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions")
    for key in ("name", "description", "starred", "trashed"):
        if key in changes:
            file[key] = changes[key]
    for folder_id in filter(None, request.arg("addParents", "").split(",")):
        file["parents"].append(_folder(state, request, folder_id)["id"])
    removed = set(filter(None, (state.resolve_folder(p) for p in request.arg("removeParents", "").split(","))))
    file["parents"] = [p for p in file["parents"] if p not in removed] or [ROOT]
    if media:
        _store_media(file, *media)
    state.touch(file)
    return apply_fields(state.metadata(file), request.arg("fields"), FILE_DEFAULT_FIELDS)


@router.post(FILE + r"/copy", scopes=WRITE)
def copy_file(state: State, request, file_id):
    source = state.find(request, file_id)
    if not state.capabilities(source)["canCopy"]:
        raise ApiError(403, "This file cannot be copied by the user.", "cannotCopyFile")
    changes = request.json()
    # Without parents the copy goes in the original's folder, or in My Drive when the account sees none of its
    # folders (a file shared with it); it belongs to the drive of the folder it goes in, and takes that
    # folder's people, not the original's own shares.
    parent = _folder(state, request, (changes.get("parents") or source["parents"] or [ROOT])[0])
    copied = state.new_file(
        {"name": changes.get("name") or f"Copy of {source['name']}", "mimeType": source["mimeType"], "description": source["description"]},
        parent=parent["id"],
        drive_id=_drive_of(state, parent),
    )
    for key in ("document", "tabs", "rows", "more_sheets", "content"):
        if key in source:
            copied[key] = copy.deepcopy(source[key])
    return apply_fields(state.metadata(copied), request.arg("fields"), FILE_DEFAULT_FIELDS)


@router.delete(FILES + r"/trash", scopes=WRITE)
def empty_trash(state: State, request):
    for file_id in [i for i, f in state.files.items() if f["trashed"] and not f["driveId"]]:
        del state.files[file_id]


@router.delete(FILE, scopes=WRITE)
def delete_file(state: State, request, file_id):
    file = state.find(request, file_id)
    if file["driveId"] and state.drive_roles.get(file["driveId"]) != "organizer":
        # "If the file belongs to a shared drive, the user must be an organizer on the parent folder."
        raise ApiError(403, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions")
    del state.files[file["id"]]


# --- permissions ----------------------------------------------------------------------
@router.get(FILE + r"/permissions", scopes=METADATA)
def list_permissions(state: State, request, file_id):
    file = state.find(request, file_id)
    body = {"kind": "drive#permissionList", "permissions": state.effective_permissions(file)}
    return apply_fields(body, request.arg("fields"), "kind,permissions(kind,id,type,role)")


@router.post(FILE + r"/permissions", scopes=WRITE)
def create_permission(state: State, request, file_id):
    file = state.find(request, file_id)
    spec = request.json()
    role, kind = spec.get("role"), spec.get("type")
    if role not in ROLES or kind not in ("user", "group", "anyone"):
        raise ApiError(400, "A permission needs a valid role and a type of user, group or anyone.", "invalid")
    if role == "owner" and not request.bool_arg("transferOwnership"):
        raise ApiError(403, "The transferOwnership parameter must be enabled when the permission role is 'owner'.", "forbidden")
    if kind == "anyone" and request.arg("sendNotificationEmail") is not None:
        # "Not allowed for other requests" than those sharing with users or groups, as Drive documents it.
        raise ApiError(400, "sendNotificationEmail is only allowed when sharing with users or groups.", "invalidSharingRequest")
    email = spec.get("emailAddress") if kind != "anyone" else "anyone"
    if not email or (kind != "anyone" and "@" not in email):
        raise ApiError(400, "The permission's emailAddress is missing or invalid.", "invalid")
    granted = state.permission(email, role)
    if kind == "anyone":
        granted["allowFileDiscovery"] = bool(spec.get("allowFileDiscovery", False))
    file["permissions"] = [p for p in file["permissions"] if p["id"] != granted["id"]] + [granted]
    if kind != "anyone" and request.bool_arg("sendNotificationEmail", True):
        state.notifications.append(
            {"to": email, "fileId": file["id"], "name": file["name"], "role": role, "message": request.arg("emailMessage", "")}
        )
    return apply_fields(granted, request.arg("fields"), "kind,id,type,role")


@router.delete(FILE + r"/permissions/(?P<permission_id>[\w-]+)", scopes=WRITE)
def delete_permission(state: State, request, file_id, permission_id):
    file = state.find(request, file_id)
    match = [p for p in file["permissions"] if p["id"] == permission_id]
    if not match and any(p["id"] == permission_id for p in state.effective_permissions(file)):
        raise ApiError(403, "The permission is inherited from a folder; remove it there.", "cannotModifyInheritedPermission")
    if not match:
        raise ApiError(404, f"Permission not found: {permission_id}.", "notFound")
    if match[0]["role"] == "owner":
        raise ApiError(403, "The owner of a file cannot be removed.", "cannotRemoveOwner")
    file["permissions"].remove(match[0])


# --- shared drives and about -------------------------------------------------------------
@router.get(r"/drive/v3/drives", scopes=METADATA)
def list_drives(state: State, request):
    drives = [_drive(state, d) for d in state.drives.values()]
    return apply_fields({"kind": "drive#driveList", "drives": drives}, request.arg("fields"), "kind,nextPageToken,drives(kind,id,name)")


@router.get(r"/drive/v3/drives/(?P<drive_id>[\w-]+)", scopes=METADATA)
def get_drive(state: State, request, drive_id):
    drive = state.drives.get(drive_id)
    if drive is None:
        raise ApiError(404, f"Shared drive not found: {drive_id}", "notFound")
    return apply_fields(_drive(state, drive), request.arg("fields"), "kind,id,name")


def _drive(state: State, drive: dict) -> dict:
    """A shared drive as the API shows it, with what the account's membership lets it do."""
    return {"kind": "drive#drive", **drive, "capabilities": {"canAddChildren": state.drive_roles[drive["id"]] in EDITORS}}


@router.get(r"/drive/v3/about", scopes=METADATA)
def about(state: State, request):
    if not request.arg("fields"):
        raise ApiError(400, "The 'fields' parameter is required for this method.", "required")
    account = state.sandbox.account
    me = state.permission(account["email"], "owner", account["name"])
    body = {
        "kind": "drive#about",
        "user": state.user(me),
        "storageQuota": {"limit": str(15 * 2**30), "usage": str(sum(len(f.get("content", b"")) for f in state.files.values()))},
    }
    return apply_fields(body, request.arg("fields"), "")
