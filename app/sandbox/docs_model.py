"""A Google Doc's body as the sandbox keeps it, and the Docs API edits on it.

The body is kept one code point at a time: the character, its text style
(bold, italic, link...) and, on each paragraph's closing "\\n", the paragraph's
style (namedStyleType, bullet). That makes inserts and deletes trivially
correct; the Docs JSON with its runs is rebuilt on every read. API indices are
UTF-16 code units counted from 1 (index 0 is the section break), so an emoji
counts twice.

A table is kept the same way: where Docs gives its start, each row's and each
cell's start and its end one index each, the body holds a marker character
(from the Private Use Area, which inserted text can never hold), and each cell
holds paragraphs. A 2x2 table of empty cells is then 12 indices long, as Docs
counts it. A date chip and a footnote reference are one marker character too,
what they hold in its style; so are suggested insertions and deletions, which
documents.get's preview modes leave out.
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
ORDERED_PRESET, UNORDERED_PRESET = "NUMBERED_DECIMAL_ALPHA_ROMAN", "BULLET_DISC_CIRCLE_SQUARE"  # what a seeded list is
UNORDERED_GLYPHS = ("\u25cf", "\u25cb", "\u25a0")  # ● ○ ■
TABLE, ROW, CELL, TABLE_END = "\ue000", "\ue001", "\ue002", "\ue003"
MARKERS = (TABLE, ROW, CELL, TABLE_END)
DATE, FOOTNOTE = "\ue004", "\ue005"  # a date chip and a footnote reference: one index each, their details in the style
SUGGESTIONS = ("suggestedInsertionIds", "suggestedDeletionIds")
# documents.get's suggestionsViewMode: which suggested text a preview leaves out.
LEFT_OUT = {"PREVIEW_WITHOUT_SUGGESTIONS": "suggestedInsertionIds", "PREVIEW_SUGGESTIONS_ACCEPTED": "suggestedDeletionIds"}
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
        self.lists: dict[str, str] = {}  # listId -> the bulletPreset it was made with
        self.footnotes: dict[str, Document] = {}
        self.revision = 1

    # --- building from a seed ------------------------------------------------
    @classmethod
    def from_blocks(cls, blocks: list[dict]) -> "Document":
        """Seed blocks: {"text", "heading"?: 1-6, "bullet"?: "ordered"|"unordered", "level"?: 0-8}.

        "text" is a string or a list of runs [text, {"bold"|"italic": true, "link": url,
        "suggestedInsertionIds"|"suggestedDeletionIds": [id]}], or {"date": display text} for a date chip,
        or {"footnote": text} for a footnote; consecutive bullet blocks of one kind form one list.
        """
        doc = cls()
        doc.chars, doc.styles, doc.paras = [], [], []
        list_id, kind = None, None
        for block in blocks:
            if block.get("bullet") != kind or not block.get("bullet"):
                kind = block.get("bullet")
                list_id = doc._new_list(ORDERED_PRESET if kind == "ordered" else UNORDERED_PRESET) if kind else None
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
            # A chip is its marker; from text, Docs would strip those (table markers are among them).
            text, spec = self._seed_chip(run) if isinstance(run, dict) else (STRIPPED_ON_INSERT.sub("", run[0]), run[1] if len(run) > 1 else {})
            style = _seed_style(spec)
            for char in text:
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

    def _seed_chip(self, run: dict) -> tuple[str, dict]:
        """A date chip or a footnote reference: its one marker character and what it holds."""
        if "date" in run:
            return DATE, {"date": {"displayText": run["date"]}}
        footnote_id = f"kix.fn{len(self.footnotes) + 1}"
        self.footnotes[footnote_id] = Document.from_blocks([{"text": run["footnote"]}])
        return FOOTNOTE, {"footnote": {"footnoteId": footnote_id, "footnoteNumber": str(len(self.footnotes))}}

    def view(self, mode: str | None) -> "Document":
        """The document as documents.get shows it in a suggestionsViewMode: a preview leaves out the
        suggested insertions (without suggestions) or deletions (accepted), and marks no suggestion."""
        left_out = LEFT_OUT.get(mode or "")
        if not left_out:
            return self
        doc = copy.deepcopy(self)
        kept = [position for position, style in enumerate(self.styles) if left_out not in style]
        doc.chars, doc.paras = [self.chars[p] for p in kept], [doc.paras[p] for p in kept]
        doc.styles = [{key: value for key, value in self.styles[p].items() if key not in SUGGESTIONS} for p in kept]
        return doc

    def _new_list(self, preset: str) -> str:
        list_id = f"kix.list{len(self.lists) + 1}"
        self.lists[list_id] = preset
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
                following = position + 1  # where the next paragraph's text starts, past any table markers
                while following < len(self.chars) and self.chars[following] in MARKERS:
                    following += 1
                if following >= end:
                    break
        return closing

    def _paragraph_start(self, closing: int) -> int:
        position = closing
        while position > 0 and self.chars[position - 1] != "\n" and self.chars[position - 1] not in MARKERS:
            position -= 1
        return position

    def _in_paragraph(self, position: int, what: str) -> None:
        """Text and tables go inside a paragraph, never onto a table's own indices."""
        if position < len(self.chars) and self.chars[position] in MARKERS:
            raise ApiError(400, f"Invalid {what}: the index must be inside a paragraph, not on a table's start, row or cell.")

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

    def _insertion_point(self, spec: dict, what: str) -> int:
        """The list position a location (or endOfSegmentLocation) names; it must be inside a paragraph."""
        if "endOfSegmentLocation" in spec:
            return len(self.chars) - 1
        index = spec.get("location", {}).get("index")
        if index is None or index >= self.end_index():
            raise ApiError(400, f"Invalid {what}: index {index} must be less than the end index of the segment, {self.end_index()}.")
        position = self._position(index, what)
        self._in_paragraph(position, what)
        return position

    def _insertText(self, spec: dict):
        position = self._insertion_point(spec, "insertText")
        if not spec.get("text"):
            raise ApiError(400, "Invalid insertText: Insert text requests must specify text to insert.")
        paragraph = self.paras[self._paragraphs(position, position)[0]]
        inherited = self.styles[position - 1] if position and self.chars[position - 1] not in ("\n", *MARKERS) else {}
        inherited = {key: value for key, value in inherited.items() if key in TEXT_FIELDS}  # not a chip's or a suggestion's
        for offset, char in enumerate(STRIPPED_ON_INSERT.sub("", spec["text"])):
            self.chars.insert(position + offset, char)
            self.styles.insert(position + offset, dict(inherited))
            self.paras.insert(position + offset, copy.deepcopy(paragraph) if char == "\n" else None)

    def _replaceAllText(self, spec: dict):
        """Every match within one paragraph (a match never spans a paragraph's end or a table
        marker), case-insensitive unless matchCase; the new text takes the first matched
        character's style, as Docs gives it."""
        contains = spec.get("containsText") or {}
        find, replacement = contains.get("text") or "", STRIPPED_ON_INSERT.sub("", spec.get("replaceText") or "")
        if not find:
            raise ApiError(400, "Invalid replaceAllText: containsText.text must not be empty.")
        fold = (lambda text: text) if contains.get("matchCase") else _lower
        wanted, text, position, changed = fold(find), "".join(self.chars), 0, 0
        while (start := fold(text).find(wanted, position)) >= 0:
            end = start + len(find)
            if any(char == "\n" or char in MARKERS for char in text[start:end]):
                position = start + 1
                continue
            style = dict(self.styles[start])
            self.chars[start:end] = list(replacement)
            self.styles[start:end] = [dict(style) for _ in replacement]
            self.paras[start:end] = [None] * len(replacement)
            text, position, changed = "".join(self.chars), start + len(replacement), changed + 1
        return {"replaceAllText": {"occurrencesChanged": changed}}

    def _deleteContentRange(self, spec: dict):
        start, end = self._range(spec.get("range", {}), "deleteContentRange")
        if end >= len(self.chars):
            raise ApiError(400, "Invalid deleteContentRange: the range cannot include the newline character at the end of the segment.")
        self._whole_tables_only(start, end)
        del self.chars[start:end], self.styles[start:end], self.paras[start:end]

    def _whole_tables_only(self, start: int, end: int) -> None:
        """A deletion takes whole tables or stays inside cells; it keeps each cell's last newline
        and the newline before a table, as Docs does."""
        depth = 0
        for position in range(start, end):
            char = self.chars[position]
            depth += (char == TABLE) - (char == TABLE_END)
            if depth < 0 or (depth == 0 and char in (ROW, CELL)):
                raise ApiError(400, "Invalid deleteContentRange: the range cannot delete part of a table.")
            if char == "\n" and self.chars[position + 1] in MARKERS and not position + 1 < end:
                raise ApiError(400, "Invalid deleteContentRange: the range cannot delete the newline of a cell or before a table.")
        if depth:
            raise ApiError(400, "Invalid deleteContentRange: the range cannot delete part of a table.")

    def _insertTable(self, spec: dict):
        rows, columns = spec.get("rows", 0), spec.get("columns", 0)
        if not (isinstance(rows, int) and isinstance(columns, int) and 1 <= rows and 1 <= columns <= 20):
            raise ApiError(400, "Invalid insertTable: a table has at least one row and one to 20 columns.")
        position = self._insertion_point(spec, "insertTable")
        # Docs ends the paragraph there with a newline, then puts the table.
        before = copy.deepcopy(self.paras[self._paragraphs(position, position)[0]])
        cells = [("\n", before), (TABLE, None)]
        for _ in range(rows):
            cells.append((ROW, None))
            for _ in range(columns):
                cells += [(CELL, None), ("\n", {"namedStyleType": "NORMAL_TEXT"})]
        cells.append((TABLE_END, None))
        for offset, (char, para) in enumerate(cells):
            self.chars.insert(position + offset, char)
            self.styles.insert(position + offset, {})
            self.paras.insert(position + offset, para)

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
            for field in _fields(spec, ("namedStyleType", "alignment", "direction")):
                self.paras[closing][field] = new.get(field, "NORMAL_TEXT" if field == "namedStyleType" else None)

    def _createParagraphBullets(self, spec: dict):
        start, end = self._range(spec.get("range", {}), "createParagraphBullets")
        paragraphs = self._paragraphs(start, end)
        list_id = self._list_before(paragraphs[0], spec.get("bulletPreset", "")) or self._new_list(spec.get("bulletPreset", ""))
        # Leading tabs give the nesting level and are removed, as in Google Docs;
        # working from the last paragraph keeps the earlier positions valid.
        for closing in reversed(paragraphs):
            first = self._paragraph_start(closing)
            tabs = 0
            while self.chars[first + tabs] == "\t":
                tabs += 1
            del self.chars[first : first + tabs], self.styles[first : first + tabs], self.paras[first : first + tabs]
            self.paras[closing - tabs]["bullet"] = {"listId": list_id, "nestingLevel": min(tabs, 8)}

    def _list_before(self, closing: int, preset: str) -> str | None:
        """CreateParagraphBulletsRequest: "If the paragraph immediately before paragraphs being updated
        is in a list with a matching preset, the paragraphs being updated are added to that preceding
        list." A table before the paragraphs is not a paragraph in a list."""
        first = self._paragraph_start(closing)
        if first == 0 or self.chars[first - 1] != "\n":
            return None
        bullet = self.paras[first - 1].get("bullet")
        return bullet["listId"] if bullet and self.lists.get(bullet["listId"]) == preset else None

    def _deleteParagraphBullets(self, spec: dict):
        start, end = self._range(spec.get("range", {}), "deleteParagraphBullets")
        for closing in self._paragraphs(start, end):
            self.paras[closing].pop("bullet", None)

    # --- reading ---------------------------------------------------------------
    def elements(self) -> list:
        """The body's structure: ("paragraph", runs, para, start) with runs of [text, style], and
        ("table", start, end, rows) with rows of cells, each cell a list of paragraphs."""
        root, stack, index, runs, start = [], [], 1, [], 1
        for position, (char, style, para) in enumerate(zip(self.chars, self.styles, self.paras)):
            here = stack[-1] if stack else root
            if char == TABLE:
                table = ["table", index, None, []]
                here.append(table)
                stack.append(table)
            elif char == ROW:
                stack[-1][3].append([])
            elif char == CELL:
                stack[-1][3][-1].append([])
                stack.append(stack[-1][3][-1][-1])
            elif char == TABLE_END:
                table = stack.pop()
                table[2] = index + 1
            elif runs and runs[-1][1] == style:
                runs[-1][0] += char
            else:
                runs.append([char, style])
            index += units(char)
            if char in (ROW, CELL, TABLE, TABLE_END):
                runs, start = [], index
            elif char == "\n":
                here.append(("paragraph", runs, para, start))
                runs, start = [], index
                if position + 1 < len(self.chars) and self.chars[position + 1] in (ROW, CELL, TABLE_END):
                    stack.pop()  # that was the cell's last paragraph
        return root

    def to_json(self, document_id: str, title: str, mode: str = "SUGGESTIONS_INLINE") -> dict:
        content = [copy.deepcopy(SECTION_BREAK)] + [_element_json(element) for element in self.elements()]
        footnotes = {footnote_id: {"footnoteId": footnote_id, "content": [_element_json(e) for e in footnote.view(mode).elements()]}
                     for footnote_id, footnote in self.footnotes.items()}
        return {
            "documentId": document_id,
            "title": title,
            "revisionId": f"rev{self.revision}",
            "suggestionsViewMode": mode,
            "body": {"content": content},
            **({"footnotes": footnotes} if footnotes else {}),
            "lists": {list_id: _list_json(_numbered(preset)) for list_id, preset in self.lists.items()},
            "documentStyle": {"pageSize": {"width": {"magnitude": 612, "unit": "PT"}, "height": {"magnitude": 792, "unit": "PT"}}},
        }

    def text(self) -> str:
        return "".join(self.chars)

    def export(self, fmt: str) -> str:
        """The body as "text", "markdown" or "html", like Drive's export of a Google Doc."""
        out, counters, previous = [], {}, None
        for element in self.elements():
            bullet = element[0] == "paragraph" and bool(element[2].get("bullet"))
            if previous is not None and fmt != "html":
                # Markdown needs a blank line between blocks, but not between items of one list.
                out.append("\n" if fmt == "text" or (bullet and previous) else "\n\n")
            if element[0] == "table":
                out.append(self._export_table(element[3], counters, fmt))
            else:
                out.append(self._export_paragraph(element, counters, fmt))
            previous = bullet
        if fmt == "html":
            return "<!doctype html><html><body>" + "".join(out) + "</body></html>"
        return "".join(out) + "\n"

    def _export_paragraph(self, element, counters: dict, fmt: str) -> str:
        _, runs, para, _ = element
        runs = runs[:-1] + [[runs[-1][0].rstrip("\n"), runs[-1][1]]]
        return _export_paragraph(runs, para, self.lists, counters, fmt)

    def _export_table(self, rows: list, counters: dict, fmt: str) -> str:
        cells = [[" ".join(self._export_paragraph(p, counters, fmt) for p in cell if p[0] == "paragraph").strip()
                  for cell in row] for row in rows]
        if fmt == "html":
            return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells) + "</table>"
        if fmt == "text":
            return "\n".join("\t".join(row) for row in cells)
        lines = ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines[:1] + ["|" + " --- |" * len(cells[0])] + lines[1:])



def _lower(text: str) -> str:
    """Lower case one character for one ("İ" lowers to two), so that indices still match."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _numbered(preset: str) -> bool:
    return preset.startswith("NUMBERED")


def _fields(spec: dict, known: tuple) -> list[str]:
    raw = spec.get("fields")
    if not raw:
        raise ApiError(400, "Invalid request: fields is required.")
    return list(known) if raw.strip() == "*" else [f.strip() for f in raw.split(",") if f.strip() in known]


def _seed_style(spec: dict) -> dict:
    style = {key: True for key in ("bold", "italic") if spec.get(key)}
    style.update({key: list(spec[key]) for key in SUGGESTIONS if spec.get(key)})
    style.update({key: spec[key] for key in ("date", "footnote") if key in spec})  # a chip's details
    if spec.get("link"):
        style["link"] = {"url": spec["link"]}
    return style


def _element_json(element) -> dict:
    if element[0] == "paragraph":
        return _paragraph_json(*element[1:])
    _, start, end, rows = element
    table_rows = []
    for row in rows:
        cells = [{"startIndex": _first_index(cell) - 1, "endIndex": _end_index(cell),
                  "content": [_element_json(e) for e in cell], "tableCellStyle": {"rowSpan": 1, "columnSpan": 1}} for cell in row]
        table_rows.append({"startIndex": cells[0]["startIndex"] - 1, "endIndex": cells[-1]["endIndex"], "tableCells": cells})
    return {"startIndex": start, "endIndex": end,
            "table": {"rows": len(rows), "columns": len(rows[0]) if rows else 0, "tableRows": table_rows}}


def _first_index(elements: list) -> int:
    first = elements[0]
    return first[3] if first[0] == "paragraph" else first[1]


def _end_index(elements: list) -> int:
    last = elements[-1]
    if last[0] == "table":
        return last[2]
    return last[3] + sum(units(text) for text, _ in last[1])


def _paragraph_json(runs, para, start) -> dict:
    elements, index = [], start
    for text, style in runs:
        for piece, element in _run_elements(text, style):
            elements.append({"startIndex": index, "endIndex": index + units(piece), **element})
            index += units(piece)
    style = {"namedStyleType": para.get("namedStyleType", "NORMAL_TEXT"), "direction": para.get("direction") or "LEFT_TO_RIGHT"}
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


def _run_elements(text: str, style: dict) -> list[tuple[str, dict]]:
    """A run's paragraph elements: one textRun, or one element for each chip, with its text."""
    if "date" in style:
        return [(char, {"dateElement": {"dateId": "kix.date", "dateElementProperties": style["date"], "textStyle": {}}}) for char in text]
    if "footnote" in style:
        return [(char, {"footnoteReference": {**style["footnote"], "textStyle": {}}}) for char in text]
    suggested = {key: style[key] for key in SUGGESTIONS if key in style}
    typed = {key: value for key, value in style.items() if key not in SUGGESTIONS}
    return [(text, {"textRun": {"content": text, "textStyle": _style_json(typed), **copy.deepcopy(suggested)}})]


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
        marker = f"{counters[key]}." if _numbered(lists.get(bullet["listId"], "")) else ("-" if fmt == "markdown" else "*")
        return "    " * level + f"{marker} {text}"
    if fmt == "markdown" and named.startswith("HEADING_"):
        return "#" * int(named[-1]) + " " + text
    return text


def _export_run(text: str, style: dict, fmt: str) -> str:
    if "date" in style or "footnote" in style:  # what the chip shows, footnotes by their number
        return style["date"]["displayText"] * len(text) if "date" in style else f"[{style['footnote']['footnoteNumber']}]" * len(text)
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
