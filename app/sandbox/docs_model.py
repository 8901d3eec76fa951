"""A Google Doc's body as the sandbox keeps it, and the Docs API edits on it.

The body is kept one code point at a time: the character, its text style
(bold, italic, link...) and, on each paragraph's closing "\\n", the paragraph's
style (namedStyleType, bullet). That makes inserts and deletes trivially
correct; the Docs JSON with its runs is rebuilt on every read. API indices are
UTF-16 code units counted from 1 (index 0 is the section break), so an emoji
counts twice.
"""
import copy
import html
import re

from app.sandbox.routing import ApiError

TEXT_FIELDS = ("bold", "italic", "underline", "strikethrough", "link")
# InsertTextRequest: "control characters (U+0000-U+0008, U+000C-U+001F) and characters from the
# Unicode Basic Multilingual Plane Private Use Area (U+E000-U+F8FF) will be stripped out".
STRIPPED_ON_INSERT = re.compile("[\x00-\x08\x0c-\x1f\ue000-\uf8ff]")
ORDERED_GLYPHS = ("DECIMAL", "ALPHA", "ROMAN")
UNORDERED_GLYPHS = ("\u25cf", "\u25cb", "\u25a0")  # ● ○ ■
SECTION_BREAK = {
    "endIndex": 1,
    "sectionBreak": {"sectionStyle": {"columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT", "sectionType": "CONTINUOUS"}},
}


def units(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Docs index."""
    return len(text.encode("utf-16-le")) // 2


class Document:
    def __init__(self):
        self.chars: list[str] = ["\n"]
        self.styles: list[dict] = [{}]
        self.paras: list[dict | None] = [{"namedStyleType": "NORMAL_TEXT"}]  # set only on "\n"
        self.lists: dict[str, bool] = {}  # listId -> ordered
        self.revision = 1

    # --- building from a seed ------------------------------------------------
    @classmethod
    def from_blocks(cls, blocks: list[dict]) -> "Document":
        """Seed blocks: {"text", "heading"?: 1-6, "bullet"?: "ordered"|"unordered", "level"?: 0-8}.

        "text" is a string or a list of runs [text, {"bold"|"italic": true, "link": url}];
        consecutive bullet blocks of one kind form one list.
        """
        doc = cls()
        doc.chars, doc.styles, doc.paras = [], [], []
        list_id, kind = None, None
        for block in blocks:
            if block.get("bullet") != kind or not block.get("bullet"):
                kind = block.get("bullet")
                list_id = doc._new_list(kind == "ordered") if kind else None
            doc._append_block(block, list_id)
        if not doc.chars:
            return cls()
        return doc

    @classmethod
    def from_text(cls, text: str) -> "Document":
        """Plain text, one paragraph per line: what importing a text/plain upload gives."""
        return cls.from_blocks([{"text": line} for line in text.replace("\r\n", "\n").rstrip("\n").split("\n")])

    def _append_block(self, block: dict, list_id: str | None) -> None:
        runs = block["text"] if isinstance(block["text"], list) else [[block["text"]]]
        for run in runs:
            style = _seed_style(run[1] if len(run) > 1 else {})
            for char in run[0]:
                self.chars.append(char)
                self.styles.append(dict(style))
                self.paras.append(None)
        heading = block.get("heading")
        para = {"namedStyleType": f"HEADING_{heading}" if heading else "NORMAL_TEXT"}
        if list_id:
            para["bullet"] = {"listId": list_id, "nestingLevel": block.get("level", 0)}
        self.chars.append("\n")
        self.styles.append({})
        self.paras.append(para)

    def _new_list(self, ordered: bool) -> str:
        list_id = f"kix.list{len(self.lists) + 1}"
        self.lists[list_id] = ordered
        return list_id

    # --- indices --------------------------------------------------------------
    def end_index(self) -> int:
        return 1 + units("".join(self.chars))

    def _position(self, index: int, what: str) -> int:
        """The list position of API index `index` (a UTF-16 offset from 1)."""
        offset = 1
        for position, char in enumerate(self.chars):
            if offset == index:
                return position
            if offset > index:
                break
            offset += units(char)
        if offset == index:
            return len(self.chars)
        raise ApiError(400, f"Invalid {what}: index {index} is outside the document or inside a character.")

    def _range(self, spec: dict, what: str) -> tuple[int, int]:
        start, end = spec.get("startIndex"), spec.get("endIndex")
        if start is None or end is None or start < 1 or end < start or end > self.end_index():
            raise ApiError(400, f"Invalid {what}: the range {start}-{end} is not within the document.")
        return self._position(start, what), self._position(end, what)

    def _span(self, spec: dict, what: str) -> tuple[int, int]:
        """A range that must hold at least one character, as Google requires of style updates."""
        start, end = self._range(spec, what)
        if start == end:
            raise ApiError(400, f"Invalid {what}: The range should not be empty.")
        return start, end

    def _paragraphs(self, start: int, end: int) -> list[int]:
        """Positions of the closing "\\n" of every paragraph the range [start, end) touches."""
        end = max(end, start + 1)
        closing = []
        for position in range(start, len(self.chars)):
            if self.chars[position] == "\n":
                closing.append(position)
                if position + 1 >= end:
                    break
        return closing

    def _paragraph_start(self, closing: int) -> int:
        position = closing
        while position > 0 and self.chars[position - 1] != "\n":
            position -= 1
        return position

    # --- edits (documents.batchUpdate) ----------------------------------------
    def apply(self, request: dict) -> dict:
        if len(request) != 1:
            raise ApiError(400, "Each request must set exactly one kind of edit.")
        (kind, spec), = request.items()
        handler = getattr(self, "_" + kind, None)
        if handler is None or kind.startswith("_"):
            raise ApiError(400, f"The sandbox does not support the {kind} request.")
        self.revision += 1
        return handler(spec) or {}

    def _insertText(self, spec: dict):
        if "endOfSegmentLocation" in spec:
            position = len(self.chars) - 1
        else:
            index = spec.get("location", {}).get("index")
            if index is None or index >= self.end_index():
                raise ApiError(400, f"Invalid insertText: index {index} must be less than the end index of the segment, {self.end_index()}.")
            position = self._position(index, "insertText")
        if not spec.get("text"):
            raise ApiError(400, "Invalid insertText: Insert text requests must specify text to insert.")
        paragraph = self.paras[self._paragraphs(position, position)[0]]
        inherited = self.styles[position - 1] if position and self.chars[position - 1] != "\n" else {}
        for offset, char in enumerate(STRIPPED_ON_INSERT.sub("", spec["text"])):
            self.chars.insert(position + offset, char)
            self.styles.insert(position + offset, dict(inherited))
            self.paras.insert(position + offset, copy.deepcopy(paragraph) if char == "\n" else None)

    def _deleteContentRange(self, spec: dict):
        start, end = self._range(spec.get("range", {}), "deleteContentRange")
        if end >= len(self.chars):
            raise ApiError(400, "Invalid deleteContentRange: the range cannot include the newline character at the end of the segment.")
        del self.chars[start:end], self.styles[start:end], self.paras[start:end]

    def _updateTextStyle(self, spec: dict):
        start, end = self._span(spec.get("range", {}), "updateTextStyle")
        fields = _fields(spec, TEXT_FIELDS)
        new = spec.get("textStyle", {})
        for style in self.styles[start:end]:
            for field in fields:
                if new.get(field):
                    style[field] = copy.deepcopy(new[field])
                else:
                    style.pop(field, None)

    def _updateParagraphStyle(self, spec: dict):
        start, end = self._span(spec.get("range", {}), "updateParagraphStyle")
        new = spec.get("paragraphStyle", {})
        for closing in self._paragraphs(start, end):
            for field in _fields(spec, ("namedStyleType", "alignment")):
                self.paras[closing][field] = new.get(field, "NORMAL_TEXT" if field == "namedStyleType" else None)

    def _createParagraphBullets(self, spec: dict):
        start, end = self._range(spec.get("range", {}), "createParagraphBullets")
        list_id = self._new_list(spec.get("bulletPreset", "").startswith("NUMBERED"))
        # Leading tabs give the nesting level and are removed, as in Google Docs;
        # working from the last paragraph keeps the earlier positions valid.
        for closing in reversed(self._paragraphs(start, end)):
            first = self._paragraph_start(closing)
            tabs = 0
            while self.chars[first + tabs] == "\t":
                tabs += 1
            del self.chars[first : first + tabs], self.styles[first : first + tabs], self.paras[first : first + tabs]
            self.paras[closing - tabs]["bullet"] = {"listId": list_id, "nestingLevel": min(tabs, 8)}

    def _deleteParagraphBullets(self, spec: dict):
        start, end = self._range(spec.get("range", {}), "deleteParagraphBullets")
        for closing in self._paragraphs(start, end):
            self.paras[closing].pop("bullet", None)

    # --- reading ---------------------------------------------------------------
    def paragraphs(self):
        """(text style runs, paragraph style, UTF-16 start) per paragraph; runs are [text, style]."""
        index, runs = 1, []
        start = 1
        for char, style, para in zip(self.chars, self.styles, self.paras):
            if runs and runs[-1][1] == style:
                runs[-1][0] += char
            else:
                runs.append([char, style])
            index += units(char)
            if char == "\n":
                yield runs, para, start
                runs, start = [], index

    def to_json(self, document_id: str, title: str) -> dict:
        content = [copy.deepcopy(SECTION_BREAK)]
        for runs, para, start in self.paragraphs():
            content.append(_paragraph_json(runs, para, start))
        return {
            "documentId": document_id,
            "title": title,
            "revisionId": f"rev{self.revision}",
            "suggestionsViewMode": "SUGGESTIONS_INLINE",
            "body": {"content": content},
            "lists": {list_id: _list_json(ordered) for list_id, ordered in self.lists.items()},
            "documentStyle": {"pageSize": {"width": {"magnitude": 612, "unit": "PT"}, "height": {"magnitude": 792, "unit": "PT"}}},
        }

    def text(self) -> str:
        return "".join(self.chars)

    def export(self, fmt: str) -> str:
        """The body as "text", "markdown" or "html", like Drive's export of a Google Doc."""
        out, counters, previous = [], {}, None
        for runs, para, _ in self.paragraphs():
            runs[-1] = [runs[-1][0].rstrip("\n"), runs[-1][1]]
            bullet = bool(para.get("bullet"))
            if previous is not None and fmt != "html":
                # Markdown needs a blank line between blocks, but not between items of one list.
                out.append("\n" if fmt == "text" or (bullet and previous) else "\n\n")
            out.append(_export_paragraph(runs, para, self.lists, counters, fmt))
            previous = bullet
        if fmt == "html":
            return "<!doctype html><html><body>" + "".join(out) + "</body></html>"
        return "".join(out) + "\n"



def _fields(spec: dict, known: tuple) -> list[str]:
    raw = spec.get("fields")
    if not raw:
        raise ApiError(400, "Invalid request: fields is required.")
    return list(known) if raw.strip() == "*" else [f.strip() for f in raw.split(",") if f.strip() in known]


def _seed_style(spec: dict) -> dict:
    style = {key: True for key in ("bold", "italic") if spec.get(key)}
    if spec.get("link"):
        style["link"] = {"url": spec["link"]}
    return style


def _paragraph_json(runs, para, start) -> dict:
    elements, index = [], start
    for text, style in runs:
        elements.append({"startIndex": index, "endIndex": index + units(text), "textRun": {"content": text, "textStyle": _style_json(style)}})
        index += units(text)
    style = {"namedStyleType": para.get("namedStyleType", "NORMAL_TEXT"), "direction": "LEFT_TO_RIGHT"}
    if style["namedStyleType"].startswith("HEADING"):
        style["headingId"] = f"h.{start}"
    paragraph = {"elements": elements, "paragraphStyle": style}
    bullet = para.get("bullet")
    if bullet:
        # Like Google, level 0 is left out.
        paragraph["bullet"] = {"listId": bullet["listId"], "textStyle": {}}
        if bullet["nestingLevel"]:
            paragraph["bullet"]["nestingLevel"] = bullet["nestingLevel"]
    return {"startIndex": start, "endIndex": index, "paragraph": paragraph}


def _style_json(style: dict) -> dict:
    out = copy.deepcopy(style)
    if "link" in out:
        out.setdefault("underline", True)
        out["foregroundColor"] = {"color": {"rgbColor": {"red": 0.07, "green": 0.33, "blue": 0.8}}}
    return out


def _list_json(ordered: bool) -> dict:
    levels = []
    for level in range(9):
        spec = {"bulletAlignment": "START", "indentFirstLine": {"magnitude": 18 + 36 * level, "unit": "PT"}, "startNumber": 1}
        if ordered:
            spec.update(glyphType=ORDERED_GLYPHS[level % 3], glyphFormat=f"%{level}.")
        else:
            spec.update(glyphSymbol=UNORDERED_GLYPHS[level % 3], glyphFormat=f"%{level}")
        levels.append(spec)
    return {"listProperties": {"nestingLevels": levels}}


def _export_paragraph(runs, para, lists, counters, fmt) -> str:
    text = "".join(_export_run(text, style, fmt) for text, style in runs)
    named = para.get("namedStyleType", "NORMAL_TEXT")
    bullet = para.get("bullet")
    if fmt == "html":
        tag = f"h{named[-1]}" if named.startswith("HEADING_") else "li" if bullet else "p"
        return f"<{tag}>{text}</{tag}>"  # list items stay flat: enough for a reader of the export
    if bullet:
        level = bullet["nestingLevel"]
        key = (bullet["listId"], level)
        counters[key] = counters.get(key, 0) + 1
        marker = f"{counters[key]}." if lists.get(bullet["listId"]) else ("-" if fmt == "markdown" else "*")
        return "    " * level + f"{marker} {text}"
    if fmt == "markdown" and named.startswith("HEADING_"):
        return "#" * int(named[-1]) + " " + text
    return text


def _export_run(text: str, style: dict, fmt: str) -> str:
    core = text.strip()
    if fmt == "text" or not core:
        return text
    # Emphasis markers must hug the words: "**bold **" is not bold in Markdown.
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    text = core
    if fmt == "html":
        text = html.escape(text)
        marks = [("<b>", "</b>", "bold"), ("<i>", "</i>", "italic")]
    else:
        marks = [("**", "**", "bold"), ("*", "*", "italic")]
    for opening, closing, key in marks:
        if style.get(key):
            text = opening + text + closing
    url = style.get("link", {}).get("url")
    if url:
        text = f'<a href="{html.escape(url)}">{text}</a>' if fmt == "html" else f"[{text}]({url})"
    return lead + text + trail
