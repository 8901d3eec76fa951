"""Sandbox emulation of the Docs v1 API: documents.get, create and batchUpdate.

A Google Doc is a Drive file: its body (a docs_model.Document) lives on the
Drive state's file record, so this module keeps no state of its own and a
Drive export always shows what the Docs API wrote.
"""
import copy

from app.sandbox.drive_media import DOC, apply_fields
from app.sandbox.routing import ApiError, Router
from app.scopes import DRIVE, G

router = Router("docs")
READ = (G + "documents", G + "documents.readonly", DRIVE, G + "drive.readonly")
WRITE = (G + "documents", DRIVE)
DOCUMENT = r"/v1/documents/(?P<document_id>[\w-]+)"
SUGGESTION_MODES = ("SUGGESTIONS_INLINE", "PREVIEW_SUGGESTIONS_ACCEPTED", "PREVIEW_WITHOUT_SUGGESTIONS")
TAB_CONTENT = ("body", "lists", "documentStyle", "footnotes")  # what moves into each tab with includeTabsContent


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox

    @property
    def drive(self):
        return self.sandbox.state["drive"]

    def file(self, document_id: str) -> dict:
        file = self.drive.files.get(document_id)
        if file is None or file["trashed"]:
            raise ApiError(404, "Requested entity was not found.", "notFound")
        if file["mimeType"] != DOC:
            raise ApiError(400, "This operation is not supported for this document", "failedPrecondition")
        return file

    def document(self, file: dict, tabs: bool = False, mode: str | None = None) -> dict:
        """The document as documents.get shows it: its first tab's content, or with includeTabsContent
        every tab (and then no top-level body, as in Google Docs), in the suggestionsViewMode asked
        for (the default for an editor shows suggestions inline)."""
        mode = mode if mode in SUGGESTION_MODES else "SUGGESTIONS_INLINE"
        whole = file["document"].view(mode).to_json(file["id"], file["name"], mode)
        whole["revisionId"] = _revision(file)
        if not tabs:
            return whole
        for key in TAB_CONTENT:
            whole.pop(key, None)
        named = [("Tab 1", file["document"])] + file.get("tabs", [])
        whole["tabs"] = [{"tabProperties": {"tabId": f"t.{index}", "title": title, "index": index},
                          "documentTab": _tab_content(document.view(mode), mode)} for index, (title, document) in enumerate(named)]
        return whole

    def dump(self) -> dict:
        return {}  # documents are Drive files: see the drive section


@router.get(DOCUMENT, scopes=READ)
def get_document(state: State, request, document_id):
    document = state.document(state.file(document_id), tabs=request.bool_arg("includeTabsContent"),
                              mode=request.arg("suggestionsViewMode"))
    return apply_fields(document, request.arg("fields"), "*")


def _tab(drafts: list, edit: dict):
    """The tab an edit is for: the tabId of its location or range, else the first tab."""
    spec = next(iter(edit.values())) if len(edit) == 1 else None
    places = [spec.get(key) for key in ("location", "range", "endOfSegmentLocation")] if isinstance(spec, dict) else []
    tab_id = next((place["tabId"] for place in places if isinstance(place, dict) and "tabId" in place), "t.0")
    index = tab_id[2:] if tab_id.startswith("t.") else ""
    if not index.isdigit() or int(index) >= len(drafts):
        raise ApiError(400, f"The tab {tab_id!r} was not found.")
    return drafts[int(index)][1]


def _replace_in_tabs(drafts: list, edit: dict) -> dict:
    spec = dict(edit["replaceAllText"])
    wanted = (spec.pop("tabsCriteria", None) or {}).get("tabIds")
    tab_ids = [f"t.{index}" for index in range(len(drafts))]
    if wanted and not set(wanted) <= set(tab_ids):
        raise ApiError(400, f"The tab {sorted(set(wanted) - set(tab_ids))[0]!r} was not found.")
    changed = sum(document.apply({"replaceAllText": spec})["replaceAllText"]["occurrencesChanged"]
                  for tab_id, (_, document) in zip(tab_ids, drafts) if not wanted or tab_id in wanted)
    return {"replaceAllText": {"occurrencesChanged": changed}}


def _tab_content(document, mode: str) -> dict:
    whole = document.to_json("", "", mode)
    return {key: whole[key] for key in TAB_CONTENT if key in whole}


@router.post(r"/v1/documents", scopes=WRITE)
def create_document(state: State, request):
    title = request.json().get("title") or "Untitled document"
    file = state.drive.new_file({"name": title, "mimeType": DOC})
    return state.document(file)


@router.post(DOCUMENT + r":batchUpdate", scopes=WRITE)
def batch_update(state: State, request, document_id):
    file = state.file(document_id)
    body = request.json()
    required = body.get("writeControl", {}).get("requiredRevisionId")
    if required and required != _revision(file):
        raise ApiError(400, "The document was changed since the required revision.", "failedPrecondition")
    # All or nothing, as in Google Docs: edit copies and keep them only if every request applies.
    drafts = copy.deepcopy([("Tab 1", file["document"])] + file.get("tabs", []))
    replies = []
    for position, edit in enumerate(body.get("requests", [])):
        try:
            if "replaceAllText" in edit:  # every tab unless tabsCriteria names some, as Docs does
                replies.append(_replace_in_tabs(drafts, edit))
                continue
            replies.append(_tab(drafts, edit).apply(edit))
        except ApiError as error:
            raise ApiError(400, f"Invalid requests[{position}]: {error.message}", "badRequest") from None
    file["document"], file["tabs"] = drafts[0][1], drafts[1:]
    state.drive.touch(file)
    return {"documentId": document_id, "replies": replies, "writeControl": {"requiredRevisionId": _revision(file)}}


def _revision(file: dict) -> str:
    """One revision for the whole Doc: an edit in any tab changes it."""
    return f"rev{file['document'].revision + sum(document.revision for _, document in file.get('tabs', []))}"
