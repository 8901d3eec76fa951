"""Sandbox emulation of the Gmail v1 API, in Gmail's real request and response shapes.

Messages are kept as raw RFC 822 bytes plus id, threadId, labelIds and
internalDate; the `payload` tree is built from the bytes on each read (see
gmail_mime). Searching understands the subset of Gmail's query syntax
described in gmail_query.

Seed section "gmail" (app/sandbox/seeds/demo/gmail.json):

    {
      "labels": ["Clients", "Finance/Invoices"],         # user labels, created in order
      "messages": [
        {
          "thread": "q3",                # messages sharing a key form one thread, in order;
                                         # later ones get In-Reply-To/References
          "from": "Alice Chen <alice@acme.example>",    # default: the account itself
          "to": "Alex Martin <alex@acme.example>", "cc": "...", "reply_to": "...",
          "subject": "Q3 report",
          "date": "-2d 09:30",           # days ago at local time, or ISO 8601
          "text": "plain body",          # the text/plain part
          "html": "<p>...</p>",          # optional: adds a text/html alternative
          "attachments": [{"filename": "q3.pdf", "mimeType": "application/pdf",
                           "data_b64": "..."}],          # or "text": "..." instead of data_b64
          "labels": ["INBOX", "UNREAD", "Clients"]       # system label ids or user label names;
                                                          # default INBOX+UNREAD, or SENT when from the account
        }
      ]
    }
"""
import time
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

from app.scopes import GMAIL
from app.sandbox import gmail_mime as mime
from app.sandbox import gmail_query as query
from app.sandbox import partial_response, uploads
from app.sandbox.routing import ApiError, Router

FULL_ACCESS = "https://mail.google.com/"
G = "https://www.googleapis.com/auth/"
READ = (GMAIL, G + "gmail.readonly", FULL_ACCESS)
MODIFY = (GMAIL, FULL_ACCESS)
COMPOSE = (GMAIL, G + "gmail.compose", FULL_ACCESS)
SEND = COMPOSE + (G + "gmail.send",)
LABELS = MODIFY + (G + "gmail.labels",)
SETTINGS = (G + "gmail.settings.basic",)
DELETE = (FULL_ACCESS,)  # permanent deletion needs the full scope, as in Gmail

SYSTEM_LABELS = ["INBOX", "SENT", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "DRAFT", "SPAM"] + [
    "CATEGORY_" + name for name in ("PERSONAL", "SOCIAL", "PROMOTIONS", "UPDATES", "FORUMS")
]
FIRST_ID = 0x18F3A00000000000  # ids look like Gmail's 16 hex digits
U = r"/gmail/v1/users/(?P<user>[^/]+)"
UPLOAD = "/upload" + U  # where a message is sent as a media upload, the way for large ones
# Google refuses large `raw` fields in JSON bodies (413s are reported from about 5 MB;
# the upload endpoint takes 35 MB): the sandbox draws the line at 5 MB.
JSON_RAW_LIMIT = 5 * 2**20

router = Router("gmail")


@dataclass
class Stored:
    id: str
    thread_id: str
    label_ids: list
    internal_date: int
    raw: bytes
    history_id: int

    # The raw bytes never change, so what is parsed from them is computed once:
    # the email package's header parsing dominates the cost of a search.
    @cached_property
    def parsed(self):
        return mime.parse(self.raw)

    @cached_property
    def payload(self) -> dict:
        return mime.payload(self.parsed)

    @cached_property
    def content(self) -> dict:
        parsed = self.parsed
        return {
            "sender": mime.addresses(parsed, "From"),
            "recipients": {name.lower(): mime.addresses(parsed, name) for name in ("To", "Cc", "Bcc")},
            "subject": str(parsed.get("Subject", "")).lower(),
            "text": mime.plain_text(parsed).lower(),
            "filenames": [name.lower() for name in mime.filenames(parsed)],
            "snippet": mime.snippet(parsed),
        }

    def minimal(self) -> dict:
        return {
            "id": self.id,
            "threadId": self.thread_id,
            "labelIds": list(self.label_ids),
            "snippet": self.content["snippet"],
            "sizeEstimate": len(self.raw),
            "historyId": str(self.history_id),
            "internalDate": str(self.internal_date),
        }


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox
        self.messages: dict[str, Stored] = {}
        self.drafts: dict[str, str] = {}  # draft id -> message id
        self.labels = {name: _system_label(name) for name in SYSTEM_LABELS}
        self.counter = 0
        self.history = 1000
        for name in seed.get("labels", []):
            self.create_label({"name": name})
        self._load_messages(seed.get("messages", []))
        # The addresses mail goes out from: the account's own (with its signature), then its aliases.
        account = sandbox.account
        self.send_as = [{"sendAsEmail": account["email"], "displayName": account["name"], "replyToAddress": "",
                         "signature": seed.get("signature", ""), "isPrimary": True,
                         "isDefault": not any(alias.get("isDefault") for alias in seed.get("aliases", [])),
                         "treatAsAlias": False, "verificationStatus": "accepted"}]
        self.send_as += [{"displayName": account["name"], "replyToAddress": "", "signature": "", "isDefault": False,
                          "treatAsAlias": True, "verificationStatus": "accepted", **alias} for alias in seed.get("aliases", [])]

    # --- seed ------------------------------------------------------------------
    def _load_messages(self, entries: list[dict]) -> None:
        account, tz = self.sandbox.account, self.sandbox.account["timezone"]
        last_in_thread: dict[str, Stored] = {}
        for entry in entries:
            key = entry.get("thread") or f"single-{self.counter}"
            parent = last_in_thread.get(key)
            raw = mime.raw_from_seed(entry, account, parent.parsed if parent else None, tz)
            stored = self.add(raw, self._seed_labels(entry), parent.thread_id if parent else None)
            last_in_thread[key] = stored

    def _seed_labels(self, entry: dict) -> list[str]:
        mine = not entry.get("from") or self.sandbox.account["email"] in entry["from"]
        names = entry.get("labels") or (["SENT"] if mine else ["INBOX", "UNREAD"])
        return [self.label_id(name, create=True) for name in names]

    # --- messages --------------------------------------------------------------
    def new_id(self) -> str:
        self.counter += 1
        return f"{FIRST_ID + self.counter:016x}"

    def bump(self) -> int:
        self.history += 1
        return self.history

    def add(self, raw: bytes, label_ids: list[str], thread_id: str | None = None) -> Stored:
        message_id = self.new_id()
        parsed = mime.parse(raw)
        when = mime.sent_at(parsed)
        internal = int((when.timestamp() if when else time.time()) * 1000)
        thread_id = self._thread_of(thread_id, parsed)
        stored = Stored(message_id, thread_id or message_id, list(dict.fromkeys(label_ids)), internal, raw, self.bump())
        stored.parsed = parsed  # fills the cached property: parsing is the costly part of adding a message
        self.messages[message_id] = stored
        return stored

    def _thread_of(self, thread_id: str | None, parsed) -> str | None:
        """The thread a new message joins: the one asked for, else the one it answers.

        As in Gmail, only when the subject matches (Re:/Fwd: aside); otherwise it starts its own.
        """
        if thread_id not in self.thread_ids():
            thread_id = self._thread_by_reference(parsed)
        if thread_id and mime.thread_subject(self.thread(thread_id)[0].parsed) == mime.thread_subject(parsed):
            return thread_id
        return None

    def _thread_by_reference(self, parsed) -> str | None:
        wanted = str(parsed.get("In-Reply-To", "")).strip()
        for stored in self.messages.values():
            if wanted and str(stored.parsed.get("Message-ID", "")).strip() == wanted:
                return stored.thread_id
        return None

    def thread_ids(self) -> set[str]:
        return {m.thread_id for m in self.messages.values()}

    def get(self, message_id: str) -> Stored:
        stored = self.messages.get(message_id)
        if stored is None:
            raise ApiError(404, "Requested entity was not found.", "notFound")
        return stored

    def thread(self, thread_id: str) -> list[Stored]:
        found = sorted((m for m in self.messages.values() if m.thread_id == thread_id), key=lambda m: m.internal_date)
        if not found:
            raise ApiError(404, "Requested entity was not found.", "notFound")
        return found

    def relabel(self, stored: Stored, add=(), remove=()) -> None:
        add_ids = [self.label_id(label) for label in add or []]
        remove_ids = {self.label_id(label) for label in remove or []}
        stored.label_ids = [l for l in dict.fromkeys(stored.label_ids + add_ids) if l not in remove_ids]
        stored.history_id = self.bump()

    def search(self, q: str, label_ids: list[str], include_hidden: bool = False) -> list[Stored]:
        terms = query.parse(q)
        hidden = include_hidden or bool(set(label_ids) & query.OPEN_ONLY_WHEN_ASKED)
        found = [
            m
            for m in self.messages.values()
            if set(label_ids) <= set(m.label_ids)
            and query.matches(terms, self._searchable(m), self.sandbox.account["timezone"], hidden)
        ]
        return sorted(found, key=lambda m: (m.internal_date, m.id), reverse=True)

    def _searchable(self, m: Stored) -> query.Searchable:
        content = {key: value for key, value in m.content.items() if key != "snippet"}
        return query.Searchable(
            **content,
            labels=set(m.label_ids),
            label_names={self.labels[l]["name"].lower() for l in m.label_ids if l in self.labels},
            internal_date=m.internal_date,
        )

    def render(self, stored: Stored, fmt: str = "full", metadata_headers=None) -> dict:
        out = stored.minimal()
        if fmt == "raw":
            out["raw"] = mime.b64url(stored.raw)
        elif fmt == "metadata":
            out["payload"] = mime.payload(stored.parsed, metadata_headers=metadata_headers or [])
        elif fmt == "full":
            out["payload"] = stored.payload
        elif fmt != "minimal":
            raise ApiError(400, f"Invalid value for format: {fmt}", "invalidArgument")
        return out

    # --- labels ----------------------------------------------------------------
    def label_id(self, name_or_id: str, create: bool = False) -> str:
        if name_or_id in self.labels:
            return name_or_id
        for label in self.labels.values():
            if label["name"].lower() == name_or_id.lower():
                return label["id"]
        if create:
            return self.create_label({"name": name_or_id})["id"]
        raise ApiError(400, f"Invalid label: {name_or_id}", "invalidArgument")

    def create_label(self, body: dict) -> dict:
        name = (body.get("name") or "").strip()
        if not name:
            raise ApiError(400, "Invalid label name", "invalidArgument")
        if any(l["name"].lower() == name.lower() for l in self.labels.values()):
            raise ApiError(409, "Label name exists or conflicts", "duplicate")
        label_id = f"Label_{len(self.labels) - len(SYSTEM_LABELS) + 1}"
        while label_id in self.labels:
            label_id += "_"
        label = {
            "id": label_id,
            "name": name,
            "type": "user",
            "messageListVisibility": body.get("messageListVisibility", "show"),
            "labelListVisibility": body.get("labelListVisibility", "labelShow"),
        }
        if body.get("color"):
            label["color"] = body["color"]
        self.labels[label_id] = label
        return label

    def label_with_counts(self, label_id: str) -> dict:
        if label_id not in self.labels:
            raise ApiError(404, "Requested entity was not found.", "notFound")
        tagged = [m for m in self.messages.values() if label_id in m.label_ids]
        unread = [m for m in tagged if "UNREAD" in m.label_ids]
        return {
            **self.labels[label_id],
            "messagesTotal": len(tagged),
            "messagesUnread": len(unread),
            "threadsTotal": len({m.thread_id for m in tagged}),
            "threadsUnread": len({m.thread_id for m in unread}),
        }

    # --- drafts ----------------------------------------------------------------
    def draft(self, draft_id: str) -> Stored:
        if draft_id not in self.drafts:
            raise ApiError(404, "Requested entity was not found.", "notFound")
        return self.messages[self.drafts[draft_id]]

    def save_draft(self, raw: bytes, thread_id: str | None, draft_id: str | None = None) -> dict:
        if draft_id:
            old = self.draft(draft_id)
            del self.messages[old.id]
        draft_id = draft_id or "r" + str(int(self.new_id(), 16))
        stored = self.add(raw, ["DRAFT"], thread_id)
        self.drafts[draft_id] = stored.id
        return {"id": draft_id, "message": {"id": stored.id, "threadId": stored.thread_id, "labelIds": stored.label_ids}}

    def send(self, raw: bytes, thread_id: str | None) -> Stored:
        refused = mime.check_recipients(mime.parse(raw))
        if refused:
            raise ApiError(400, refused, "invalidArgument")
        domain = self.sandbox.account["email"].rpartition("@")[2]
        senders = {entry["sendAsEmail"].lower() for entry in self.send_as}
        return self.add(mime.complete_outgoing(raw, self.sandbox.account, domain, senders), ["SENT"], thread_id)

    # --- state for tests and the viewer ----------------------------------------
    def dump(self) -> dict:
        return {
            "labels": list(self.labels.values()),
            "drafts": [{"id": d, "messageId": m} for d, m in self.drafts.items()],
            "messages": [self._summary(m) for m in self.search("in:anywhere", [])],
        }

    def _summary(self, m: Stored) -> dict:
        parsed = m.parsed
        return {
            "id": m.id,
            "threadId": m.thread_id,
            "labelIds": m.label_ids,
            "internalDate": m.internal_date,
            **{name: str(parsed.get(name, "")) for name in ("From", "To", "Cc", "Bcc", "Subject", "Message-ID", "In-Reply-To", "References")},
            "filenames": mime.filenames(parsed),
            "text": mime.plain_text(parsed),
        }

    def view(self, kind: str, item_id: str) -> dict | None:
        if kind == "message" and item_id in self.messages:
            return self._summary(self.messages[item_id])
        if kind == "thread" and item_id in self.thread_ids():
            return {"threadId": item_id, "messages": [self._summary(m) for m in self.thread(item_id)]}
        return None


def _system_label(name: str) -> dict:
    return {"id": name, "name": name, "type": "system", "messageListVisibility": "hide", "labelListVisibility": "labelHide"}


def _raw_of(message: dict) -> bytes:
    if not message.get("raw"):
        raise ApiError(400, "Invalid message: 'raw' RFC822 payload message string is required.", "invalidArgument")
    if len(message["raw"]) > JSON_RAW_LIMIT:
        raise ApiError(413, f"Request payload size exceeds the limit: {JSON_RAW_LIMIT} bytes.", "uploadTooLarge")
    try:
        return mime.unb64url(message["raw"])
    except ValueError:
        raise ApiError(400, "Invalid value for ByteString: raw", "invalidArgument") from None


def _me(state: State, user: str) -> None:
    if user not in ("me", state.sandbox.account["email"]):
        raise ApiError(403, "Delegation denied for " + state.sandbox.account["email"], "forbidden")


def _page(items: list, request) -> tuple[list, dict]:
    page, next_token = request.page(items, "maxResults", 100, 500)
    return page, {"nextPageToken": next_token} if next_token else {}


def _fields(result, request):
    return partial_response.select(result, request.arg("fields"))


# --- endpoints -----------------------------------------------------------------
@router.get(U + r"/profile", scopes=READ)
def get_profile(state, request, user):
    _me(state, user)
    return {
        "emailAddress": state.sandbox.account["email"],
        "messagesTotal": len(state.messages),
        "threadsTotal": len(state.thread_ids()),
        "historyId": str(state.history),
    }


@router.get(U + r"/settings/sendAs", scopes=READ)
def list_send_as(state, request, user):
    _me(state, user)
    return {"sendAs": state.send_as}


@router.patch(U + r"/settings/sendAs/(?P<address>[^/]+)", scopes=SETTINGS)
def patch_send_as(state, request, user, address):
    """The person edits an address's display name or signature in Gmail's settings."""
    _me(state, user)
    entry = next((e for e in state.send_as if e["sendAsEmail"].lower() == unquote(address).lower()), None)
    if entry is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    entry.update({k: v for k, v in request.json().items() if k in ("displayName", "signature", "replyToAddress")})
    return entry


@router.get(U + r"/messages", scopes=READ)
def list_messages(state, request, user):
    _me(state, user)
    found = state.search(request.arg("q", ""), request.args("labelIds"), request.bool_arg("includeSpamTrash"))
    page, extra = _page(found, request)
    result = {"resultSizeEstimate": len(found), **extra}
    if page:
        result["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
    return _fields(result, request)


@router.get(U + r"/messages/(?P<message_id>[^/]+)", scopes=READ)
def get_message(state, request, user, message_id):
    _me(state, user)
    stored = state.get(message_id)
    result = state.render(stored, request.arg("format", "full"), request.args("metadataHeaders"))
    return _fields(result, request)


@router.post(U + r"/messages/send", scopes=SEND)
def send_message(state, request, user):
    _me(state, user)
    body = request.json()
    return _sent(state.send(_raw_of(body), body.get("threadId")))


@router.post(UPLOAD + r"/messages/send", scopes=SEND)
def upload_and_send_message(state, request, user):
    _me(state, user)
    metadata, raw = _uploaded(request)
    return _sent(state.send(raw, metadata.get("threadId")))


def _sent(stored: Stored) -> dict:
    return {"id": stored.id, "threadId": stored.thread_id, "labelIds": stored.label_ids}


def _uploaded(request) -> tuple[dict, bytes]:
    """The metadata and the RFC 822 message of an upload to Gmail."""
    metadata, raw, media_type = uploads.parse_upload(request)
    if not raw or media_type not in ("message/rfc822", "message/*"):
        raise ApiError(400, f"Media type '{media_type}' is not supported. Valid media types: [message/*]", "badContent")
    return metadata, raw


@router.post(U + r"/messages", scopes=MODIFY)
def insert_message(state, request, user):
    _me(state, user)
    body = request.json()
    stored = state.add(_raw_of(body), [state.label_id(l) for l in body.get("labelIds", [])], body.get("threadId"))
    return {"id": stored.id, "threadId": stored.thread_id, "labelIds": stored.label_ids}


router.post(U + r"/messages/import", scopes=MODIFY)(insert_message)


@router.post(U + r"/messages/(?P<message_id>[^/]+)/modify", scopes=MODIFY)
def modify_message(state, request, user, message_id):
    _me(state, user)
    body = request.json()
    stored = state.get(message_id)
    state.relabel(stored, body.get("addLabelIds"), body.get("removeLabelIds"))
    return state.render(stored, "minimal")


@router.post(U + r"/messages/batchModify", scopes=MODIFY)
def batch_modify(state, request, user):
    _me(state, user)
    body = request.json()
    targets = [state.get(i) for i in body.get("ids", [])]
    for stored in targets:
        state.relabel(stored, body.get("addLabelIds"), body.get("removeLabelIds"))
    return None


@router.post(U + r"/messages/(?P<message_id>[^/]+)/trash", scopes=MODIFY)
def trash_message(state, request, user, message_id):
    _me(state, user)
    stored = state.get(message_id)
    state.relabel(stored, ["TRASH"])
    return state.render(stored, "minimal")


@router.post(U + r"/messages/(?P<message_id>[^/]+)/untrash", scopes=MODIFY)
def untrash_message(state, request, user, message_id):
    _me(state, user)
    stored = state.get(message_id)
    state.relabel(stored, remove=["TRASH"])
    return state.render(stored, "minimal")


@router.delete(U + r"/messages/(?P<message_id>[^/]+)", scopes=DELETE)
def delete_message(state, request, user, message_id):
    _me(state, user)
    del state.messages[state.get(message_id).id]
    return None


@router.get(U + r"/messages/(?P<message_id>[^/]+)/attachments/(?P<attachment_id>[^/]+)", scopes=READ)
def get_attachment(state, request, user, message_id, attachment_id):
    _me(state, user)
    data = mime.attachment_bytes(state.get(message_id).parsed, attachment_id)
    if data is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    return {"attachmentId": attachment_id, "size": len(data), "data": mime.b64url(data)}


# --- threads -------------------------------------------------------------------
@router.get(U + r"/threads", scopes=READ)
def list_threads(state, request, user):
    _me(state, user)
    found = state.search(request.arg("q", ""), request.args("labelIds"), request.bool_arg("includeSpamTrash"))
    newest_first = list(dict.fromkeys(m.thread_id for m in found))
    page, extra = _page(newest_first, request)
    threads = [{"id": t, "snippet": state.thread(t)[-1].minimal()["snippet"], "historyId": str(state.history)} for t in page]
    return _fields({"resultSizeEstimate": len(newest_first), **extra, **({"threads": threads} if threads else {})}, request)


@router.get(U + r"/threads/(?P<thread_id>[^/]+)", scopes=READ)
def get_thread(state, request, user, thread_id):
    _me(state, user)
    fmt, headers = request.arg("format", "full"), request.args("metadataHeaders")
    messages = [state.render(m, fmt if fmt != "raw" else "full", headers) for m in state.thread(thread_id)]
    return _fields({"id": thread_id, "historyId": str(state.history), "messages": messages}, request)


@router.post(U + r"/threads/(?P<thread_id>[^/]+)/modify", scopes=MODIFY)
def modify_thread(state, request, user, thread_id):
    _me(state, user)
    body = request.json()
    for stored in state.thread(thread_id):
        state.relabel(stored, body.get("addLabelIds"), body.get("removeLabelIds"))
    return {"id": thread_id, "messages": [state.render(m, "minimal") for m in state.thread(thread_id)]}


@router.post(U + r"/threads/(?P<thread_id>[^/]+)/(?P<action>trash|untrash)", scopes=MODIFY)
def trash_thread(state, request, user, thread_id, action):
    _me(state, user)
    for stored in state.thread(thread_id):
        state.relabel(stored, *((["TRASH"], []) if action == "trash" else ([], ["TRASH"])))
    return {"id": thread_id, "messages": [state.render(m, "minimal") for m in state.thread(thread_id)]}


@router.delete(U + r"/threads/(?P<thread_id>[^/]+)", scopes=DELETE)
def delete_thread(state, request, user, thread_id):
    _me(state, user)
    for stored in state.thread(thread_id):
        del state.messages[stored.id]
    return None


# --- drafts --------------------------------------------------------------------
@router.post(U + r"/drafts", scopes=COMPOSE)
def create_draft(state, request, user):
    _me(state, user)
    message = request.json().get("message") or {}
    return state.save_draft(_raw_of(message), message.get("threadId"))


@router.post(UPLOAD + r"/drafts", scopes=COMPOSE)
def upload_draft(state, request, user):
    _me(state, user)
    metadata, raw = _uploaded(request)
    return state.save_draft(raw, (metadata.get("message") or {}).get("threadId"))


@router.get(U + r"/drafts", scopes=READ)
def list_drafts(state, request, user):
    _me(state, user)
    drafts = [(d, state.messages[m]) for d, m in state.drafts.items()]
    drafts.sort(key=lambda pair: pair[1].internal_date, reverse=True)
    page, extra = _page(drafts, request)
    result = {"resultSizeEstimate": len(drafts), **extra}
    if page:
        result["drafts"] = [{"id": d, "message": {"id": m.id, "threadId": m.thread_id}} for d, m in page]
    return result


@router.get(U + r"/drafts/(?P<draft_id>[^/]+)", scopes=READ)
def get_draft(state, request, user, draft_id):
    _me(state, user)
    return {"id": draft_id, "message": state.render(state.draft(draft_id), request.arg("format", "full"))}


@router.put(U + r"/drafts/(?P<draft_id>[^/]+)", scopes=COMPOSE)
def update_draft(state, request, user, draft_id):
    _me(state, user)
    body = request.json()
    message = body.get("message") or {}
    thread_id = message.get("threadId") or state.draft(draft_id).thread_id
    return state.save_draft(_raw_of(message), thread_id, draft_id)


@router.post(U + r"/drafts/send", scopes=SEND)
def send_draft(state, request, user):
    _me(state, user)
    body = request.json()
    draft = state.draft(body.get("id", ""))
    if (body.get("message") or {}).get("raw"):
        update_draft(state, request, user, body["id"])
        draft = state.draft(body["id"])
    stored = state.send(draft.raw, draft.thread_id)  # first: a refused send keeps the draft
    del state.drafts[body["id"]]
    del state.messages[draft.id]
    return {"id": stored.id, "threadId": stored.thread_id, "labelIds": stored.label_ids}


@router.delete(U + r"/drafts/(?P<draft_id>[^/]+)", scopes=COMPOSE)
def delete_draft(state, request, user, draft_id):
    _me(state, user)
    del state.messages[state.draft(draft_id).id]
    del state.drafts[draft_id]
    return None


# --- labels --------------------------------------------------------------------
@router.get(U + r"/labels", scopes=READ + (G + "gmail.labels",))
def list_labels(state, request, user):
    _me(state, user)
    return {"labels": list(state.labels.values())}


@router.post(U + r"/labels", scopes=LABELS)
def create_label(state, request, user):
    _me(state, user)
    return state.create_label(request.json())


@router.get(U + r"/labels/(?P<label_id>[^/]+)", scopes=READ + (G + "gmail.labels",))
def get_label(state, request, user, label_id):
    _me(state, user)
    return state.label_with_counts(label_id)


def _change_label(state, request, user, label_id):
    _me(state, user)
    label = state.label_with_counts(label_id)
    if label["type"] == "system":
        raise ApiError(400, "Invalid label: system labels cannot be changed", "invalidArgument")
    body = request.json()
    for key in ("name", "messageListVisibility", "labelListVisibility", "color"):
        if body.get(key):
            state.labels[label_id][key] = body[key]
    return state.labels[label_id]


router.patch(U + r"/labels/(?P<label_id>[^/]+)", scopes=LABELS)(_change_label)
router.put(U + r"/labels/(?P<label_id>[^/]+)", scopes=LABELS)(_change_label)


@router.delete(U + r"/labels/(?P<label_id>[^/]+)", scopes=LABELS)
def delete_label(state, request, user, label_id):
    _me(state, user)
    if state.label_with_counts(label_id)["type"] == "system":
        raise ApiError(400, "Invalid label: system labels cannot be deleted", "invalidArgument")
    for stored in state.messages.values():
        if label_id in stored.label_ids:
            state.relabel(stored, remove=[label_id])
    del state.labels[label_id]
    return None
