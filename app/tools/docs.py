"""Docs tools: write Markdown into Google Docs and read a Doc back as Markdown.

Formatting travels as Docs structure (headings, lists, bold, italic, links),
never as literal asterisks; app.tools.markdown_docs does the conversions.
"""
from typing import Annotated

from pydantic import Field

from app import google_api
from app.tools.context import Context
from app.tools.drive import FileRef, create_doc, file_id, file_preview
from app.tools.markdown_docs import NUMBERED_GLYPHS, document_to_markdown, markdown_requests
from app.tools.registry import ToolError, clip, tool


def _show_new_doc(ctx: Context, args: dict) -> tuple[dict, dict]:
    # Made with no parent, a Doc goes to the top of My Drive, where only the person sees it.
    return args, {"folder": "My Drive"}


@tool("write", prepare=_show_new_doc, progress="Creating the Google Doc {name!r}")
def docs_create(ctx: Context, name: str, markdown: str = "") -> dict:
    """Create a Google Doc from Markdown (headings, lists, tables, bold, italic, links)."""
    created = create_doc(ctx, name, markdown, [])
    link = created.get("webViewLink", "")
    return {"id": created["id"], "name": name, "link": link, "summary": f"Created the Google Doc {name!r}."}


@tool("read", progress="Reading a Google Doc")
def docs_read(ctx: Context, document: FileRef, max_chars: Annotated[int, Field(ge=200, le=30000)] = 8000) -> dict:
    """Read a Google Doc as Markdown, every tab of it."""
    documents = ctx.service("docs").documents()
    # Without includeTabsContent Docs returns the first tab only, silently.
    doc = google_api.execute(documents.get(documentId=file_id(document), includeTabsContent=True))
    suggested = _has_suggestions(doc)
    if suggested:
        # Shown inline, a suggested change reads as both texts ("5k10k"): read the Doc as it stands.
        doc = google_api.execute(documents.get(documentId=doc["documentId"], includeTabsContent=True,
                                               suggestionsViewMode="PREVIEW_WITHOUT_SUGGESTIONS"))
    tabs = list(_every_tab(doc.get("tabs", []))) or [{"documentTab": doc, "tabProperties": {}}]
    if len(tabs) == 1:
        text = document_to_markdown(tabs[0]["documentTab"])
    else:
        text = "\n".join(f"[Tab: {tab['tabProperties'].get('title', '')}]\n\n" + document_to_markdown(tab["documentTab"])
                         for tab in tabs)
    out = {"name": doc.get("title", ""), "link": doc_link(ctx, doc["documentId"]), **clip(text, max_chars)}
    if suggested:
        out["note"] = "The Doc has pending suggestions, not yet accepted: the text is without them."
    return out


TEXT_SUGGESTIONS = ("suggestedInsertionIds", "suggestedDeletionIds")  # a suggested style leaves the text as it reads


def _has_suggestions(value) -> bool:
    """Whether a document as documents.get gives it has text suggested in or out anywhere."""
    if isinstance(value, dict):
        return any((key in TEXT_SUGGESTIONS and item) or _has_suggestions(item) for key, item in value.items())
    return isinstance(value, list) and any(_has_suggestions(item) for item in value)


def _every_tab(tabs: list[dict]):
    """Tabs in reading order, each followed by its child tabs."""
    for tab in tabs:
        yield tab
        yield from _every_tab(tab.get("childTabs", []))


def _outbound_if_others_read(ctx: Context, args: dict, preview: dict):
    # Appending to a doc others can read hands them the text: an instruction planted in
    # an email could otherwise copy private data into a doc an outsider shared, unasked.
    return "outbound" if preview.get("shared_with") else None


def _document(args: dict) -> str:
    # Its card's shared_with is the doc's: someone the task shared the doc with is no stranger there.
    return file_id(args["document"])


def _preview_document(ctx: Context, args: dict) -> tuple[dict, dict]:
    return args, file_preview(ctx, args["document"])


@tool("write", escalate=_outbound_if_others_read, prepare=_preview_document, target=_document, progress="Adding to a Google Doc")
def docs_append(
    ctx: Context, document: FileRef, markdown: str,
    tab: Annotated[str | None, Field(description="tab title or id; default: the first tab")] = None,
) -> dict:
    """Append Markdown to the end of a Google Doc, or of one of its tabs."""
    documents = ctx.service("docs").documents()
    if tab is None:
        doc = google_api.execute(documents.get(documentId=file_id(document),
                                               fields="documentId,title,body(content(endIndex,paragraph(bullet))),lists"))
        body, lists, where = doc["body"], doc.get("lists", {}), ""
    else:
        doc = google_api.execute(documents.get(documentId=file_id(document), includeTabsContent=True,
                                               fields="documentId,title,tabs"))
        target = _find_tab(doc, tab)
        body, lists = target["documentTab"]["body"], target["documentTab"].get("lists", {})
        where = f" (tab {target['tabProperties'].get('title', tab)!r})"
    end = body["content"][-1]["endIndex"] - 1  # before the final newline, which cannot move
    requests = markdown_requests(markdown, end, new_paragraph=end > 1, after_numbered=_ends_in_numbered_list(body, lists))
    if not requests:
        raise ToolError("Nothing to append: the Markdown is empty.")
    if tab is not None:
        _aim_at_tab(requests, target["tabProperties"]["tabId"])
    google_api.execute(documents.batchUpdate(documentId=doc["documentId"], body={"requests": requests}))
    title = doc.get("title", "")
    return {"link": doc_link(ctx, doc["documentId"]), "summary": f"Added {len(markdown)} characters to {title!r}{where}."}


def _ends_in_numbered_list(body: dict, lists: dict) -> bool:
    bullet = body["content"][-1].get("paragraph", {}).get("bullet")
    if not bullet:
        return False
    levels = lists.get(bullet.get("listId"), {}).get("listProperties", {}).get("nestingLevels", [])
    return bool(levels) and levels[0].get("glyphType") in NUMBERED_GLYPHS


def _check_find(find: str) -> None:
    if "\n" in find or "\r" in find:
        raise ToolError("find: give the text of one paragraph at a time, without line breaks.")


def _preview_replace(ctx: Context, args: dict) -> tuple[dict, dict]:
    """The card says how many places change; text that is not there is said before approval."""
    _check_find(args["find"])
    preview = file_preview(ctx, args["document"])
    doc = google_api.execute(ctx.service("docs").documents().get(documentId=file_id(args["document"]), includeTabsContent=True))
    tabs = list(_every_tab(doc.get("tabs", []))) or [{"documentTab": doc}]
    occurrences = sum(occurrences_in(tab["documentTab"], args["find"], args["match_case"]) for tab in tabs)
    if not occurrences:
        raise ToolError(f"The document does not contain {args['find']!r}; read it for the exact wording.")
    return args, {**preview, "occurrences": occurrences}


@tool("write", escalate=_outbound_if_others_read, prepare=_preview_replace, target=_document, progress="Editing a Google Doc")
def docs_replace(
    ctx: Context, document: FileRef,
    find: Annotated[str, Field(min_length=1)], replace: str, match_case: bool = False,
) -> dict:
    """Replace a text everywhere in a Google Doc (every tab), keeping its formatting."""
    _check_find(find)
    documents = ctx.service("docs").documents()
    doc = google_api.execute(documents.get(documentId=file_id(document), fields="documentId,title"))
    edit = {"replaceAllText": {"containsText": {"text": find, "matchCase": match_case}, "replaceText": replace}}
    reply = google_api.execute(documents.batchUpdate(documentId=doc["documentId"], body={"requests": [edit]}))
    changed = reply.get("replies", [{}])[0].get("replaceAllText", {}).get("occurrencesChanged", 0)
    if not changed:
        raise ToolError(f"The document no longer contains {find!r}; nothing was changed.", found={"document": doc.get("title", "")})
    places = "1 place" if changed == 1 else f"{changed} places"
    return {"link": doc_link(ctx, doc["documentId"]),
            "summary": f"Replaced {find!r} with {replace!r} in {doc.get('title', '')!r} ({places})."}


def occurrences_in(tab: dict, find: str, match_case: bool) -> int:
    """How many times replaceAllText will find `find` in a tab: in its body, headers, footers and
    footnotes, within one paragraph, and never across a chip, date or image inside it."""
    fold = (lambda text: text) if match_case else lower
    segments = [tab.get("body", {}), *(segment for kind in ("headers", "footers", "footnotes")
                                       for segment in (tab.get(kind) or {}).values())]
    return sum(fold(text).count(fold(find)) for segment in segments for text in _paragraph_texts(segment.get("content", [])))


def _paragraph_texts(content: list[dict]):
    """The text of each paragraph, those in table cells included: a match never spans two. What is
    not text (a person chip, a date, an image) stands as a character no text can match."""
    for element in content:
        if "paragraph" in element:
            yield "".join(run["textRun"].get("content", "") if "textRun" in run else "\ufffc"
                          for run in element["paragraph"].get("elements", []))
        for row in element.get("table", {}).get("tableRows", []):
            for cell in row.get("tableCells", []):
                yield from _paragraph_texts(cell.get("content", []))


def lower(text: str) -> str:
    """Lower case one character for one, as Docs matches without matchCase."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _find_tab(doc: dict, wanted: str) -> dict:
    tabs = list(_every_tab(doc.get("tabs", [])))
    for tab in tabs:
        properties = tab["tabProperties"]
        if wanted == properties.get("tabId") or wanted.casefold() == properties.get("title", "").casefold():
            return tab
    titles = [tab["tabProperties"].get("title", "") for tab in tabs]
    raise ToolError(f"The document has no tab {wanted!r}; its tabs follow.", found={"tabs": titles})


def _aim_at_tab(requests: list[dict], tab_id: str) -> None:
    """Edits go to a Doc's first tab unless each location and range names the tab."""
    for request in requests:
        for spec in request.values():
            for key in ("location", "range"):
                if key in spec:
                    spec[key]["tabId"] = tab_id


def doc_link(ctx: Context, document_id: str) -> str:
    # The Docs API answers without a link, so it is built here.
    return ctx.link("file", document_id, f"https://docs.google.com/document/d/{document_id}/edit")
