"""Markdown to Google Docs edits, and a Google Doc's structure back to Markdown.

Writing: markdown-it parses the Markdown into blocks (paragraphs, headings,
list items, tables) with styled spans. Each run of text blocks is one
insertText, then style and bullet requests format it; a table is an
insertTable, then its cells' text, last cell first so that the indices of
the cells before stay as Docs documents them for an empty table. Each part is
written where the one before it ended. Docs counts indices in UTF-16 code
units, so every offset is converted (an emoji is two units).

Reading: documents.get's paragraphs become headings, nested lists (ordered
when the list's glyph is a number or letter), bold, italic and links; a date
chip reads as the date it shows, and footnotes as [^1] with their text at the end.
"""
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

PARSER = MarkdownIt("commonmark").enable(["strikethrough", "table"])
MAX_COLUMNS = 20  # Docs' limit for a table; a wider one is written as lines of cells
INLINE_STYLES = {"strong": "bold", "em": "italic", "s": "strikethrough"}
CLEARED_FIELDS = "bold,italic,strikethrough,link"
NUMBERED_GLYPHS = {"DECIMAL", "ZERO_DECIMAL", "ALPHA", "UPPER_ALPHA", "ROMAN", "UPPER_ROMAN"}
HEADING_LEVELS = {"TITLE": 1, "SUBTITLE": 2, **{f"HEADING_{n}": n for n in range(1, 7)}}
SPECIAL = re.compile(r"([\\`*\[\]]|(?<!\w)_|_(?!\w))")  # snake_case stays as it is
LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
BLOCK_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(\s)")
# Docs strips these from inserted text; left in, they would shift every index computed after them.
DROPPED_BY_DOCS = re.compile("[\x00-\x08\x0c-\x1f\ue000-\uf8ff]")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- Markdown -> Docs requests ----------------------------------------------------
@dataclass
class Block:
    text: str = ""
    style: str = "NORMAL_TEXT"
    list_number: int | None = None  # for a list item: which Docs list it is in; None for any other paragraph
    ordered: bool = False
    spans: list = field(default_factory=list)  # (start, end, {"bold": True, "link": url, ...})
    rows: list["list[Block]"] | None = None  # a table: its rows of cells, the header first


def parse_blocks(markdown: str, after_numbered: bool = False) -> list[Block]:
    """The Markdown's blocks. List items are numbered by Docs list from 1; 0 is the numbered list
    before the Markdown (after_numbered), which a list starting past 1 at once carries on."""
    blocks, lists, heading, table = [], [], None, None
    list_count, current, numbered, item_open = 0, 0, 0, False  # current: the list being read; numbered: the last numbered one
    ordered_until = 0 if after_numbered else None  # where the last numbered list ended
    for token in PARSER.parse(markdown):
        if token.type == "table_open":
            table = Block(rows=[])
            blocks.append(table)
        elif token.type == "table_close":
            if max(len(row) for row in table.rows) > MAX_COLUMNS:
                blocks[-1:] = [_cells_as_line(row, bold=number == 0) for number, row in enumerate(table.rows)]
            table = None
        elif token.type == "tr_open":
            table.rows.append([])
        elif token.type == "inline" and table is not None:
            cell = Block()
            _add_inline(cell, token.children or [])
            table.rows[-1].append(cell)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                carries_on = _continues(token, blocks, ordered_until)
                list_count += not carries_on
                current = numbered if carries_on else list_count
            lists.append(token.type == "ordered_list_open")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            if lists.pop() and not lists:  # a bullet list between numbered items does not end their run
                ordered_until, numbered = len(blocks), current
        elif token.type == "list_item_open":
            item_open = True
        elif token.type == "heading_open":
            heading = f"HEADING_{token.tag[1]}"
        elif token.type == "inline":
            block = Block(style=heading or "NORMAL_TEXT")
            if lists and item_open:  # an item's first paragraph; the item's later paragraphs are not items
                block.text, block.list_number, block.ordered = "\t" * (len(lists) - 1), current, lists[0]
            _add_inline(block, token.children or [])
            if block.text.strip("\t") or not (heading or item_open):
                blocks.append(block)  # a bare "#" or an empty "-" item is nothing to show
            heading, item_open = None, False
        elif token.type in ("fence", "code_block", "html_block"):
            blocks.extend(Block(text=DROPPED_BY_DOCS.sub("", line)) for line in token.content.rstrip("\n").split("\n"))
    return blocks


def _continues(token, blocks: list[Block], ordered_until: int | None) -> bool:
    """Whether an ordered list carries on the one before ("2. Review" after "1. Draft" and a paragraph):
    it does when it starts past 1 and only paragraphs, headings or bullet lists came between, no table,
    which would end the run of text that one Docs list can span. The number written says what the person
    means, so "3." after a heading is the third step still, and "1." a new list."""
    start = token.attrGet("start") or 1
    return (token.type == "ordered_list_open" and start > 1 and ordered_until is not None
            and all(block.rows is None for block in blocks[ordered_until:]))


def _cells_as_line(cells: list[Block], bold: bool) -> Block:
    line = Block()
    for cell in cells:
        if line.text:
            line.text += " | "
        offset = len(line.text)
        line.spans += [(offset + start, offset + end, style) for start, end, style in cell.spans]
        line.text += cell.text
    if bold and line.text:
        line.spans.insert(0, (0, len(line.text), {"bold": True}))
    return line


def _add_inline(block: Block, children) -> None:
    active: dict = {}
    for child in children:
        kind = child.type
        if kind.endswith("_open") and kind[:-5] in INLINE_STYLES:
            active[INLINE_STYLES[kind[:-5]]] = True
        elif kind.endswith("_close") and kind[:-6] in INLINE_STYLES:
            active.pop(INLINE_STYLES[kind[:-6]], None)
        elif kind == "link_open" and child.attrGet("href"):  # "[the agenda]()" links nowhere: its text stays plain
            active["link"] = child.attrGet("href")
        elif kind == "link_close":
            active.pop("link", None)
        elif kind in ("softbreak", "hardbreak"):
            block.text += " "
        elif kind == "html_inline":
            # <br> is a line break inside the paragraph (or table cell): Docs' vertical tab. Other tags
            # are dropped, their text stays.
            block.text += "\v" if LINE_BREAK_TAG.fullmatch(child.content) else ""
        else:
            # Markdown escapes (&#12;) can name characters Docs drops: they must not count.
            text = DROPPED_BY_DOCS.sub("", child.content if kind != "image" else (child.content or "image"))
            if text and active:
                block.spans.append((len(block.text), len(block.text) + len(text), dict(active)))
            block.text += text


def markdown_requests(markdown: str, at: int, new_paragraph: bool = False, after_numbered: bool = False) -> list[dict]:
    """Docs batchUpdate requests that write `markdown` at index `at`.

    new_paragraph: start with a paragraph break (appending after existing text).
    after_numbered: the paragraph before `at` is an item of a numbered list.
    Inserted text inherits the style around it, so the range is reset first.
    """
    blocks = parse_blocks(DROPPED_BY_DOCS.sub("", markdown), after_numbered)
    if after_numbered and blocks and blocks[0].ordered and blocks[0].list_number:
        # Docs adds a numbered list right after another to that list ("3. Sign" after "2. Review"):
        # an empty paragraph keeps a new one apart, to count from 1. One that starts past 1 is let join.
        blocks.insert(0, Block())
    requests, first = [], True
    for table, blocks in itertools.groupby(blocks, lambda b: b.rows is not None):
        for part in ([[block] for block in blocks] if table else [list(blocks)]):
            written, length = (_table_requests(part[0], at) if table else
                               _text_requests(part, at, new_paragraph and first))
            # A table starts a paragraph of its own: Docs breaks the one it is put in.
            requests, at, first = requests + written, at + length, first and not written
    return requests


def _text_requests(blocks: list[Block], at: int, new_paragraph: bool) -> tuple[list[dict], int]:
    """The requests for a run of text blocks, and how long the text they write is."""
    if not any(block.text for block in blocks):
        return [], 0  # Docs rejects inserting no text
    text = ("\n" if new_paragraph else "") + "\n".join(b.text for b in blocks)
    index = _utf16_offsets(text, at)
    starts, position = [], 1 if new_paragraph else 0
    for block in blocks:
        starts.append(position)
        position += len(block.text) + 1
    whole = _range(index[1 if new_paragraph else 0], index[len(text)])
    requests = [
        {"insertText": {"location": {"index": at}, "text": text}},
        *_plain_paragraphs(whole),
        {"updateTextStyle": {"range": whole, "textStyle": {}, "fields": CLEARED_FIELDS}},
    ]
    for block, start in zip(blocks, starts):
        end = start + len(block.text)
        if block.style != "NORMAL_TEXT" and block.text:
            style = {"namedStyleType": block.style}
            requests.append({"updateParagraphStyle": {"range": _range(index[start], index[end]), "paragraphStyle": style, "fields": "namedStyleType"}})
        requests += _direction(block.text, _range(index[start], index[end]))
        for span_start, span_end, style in block.spans:
            requests.append(_text_style(index[start + span_start], index[start + span_end], style))
    return requests + _bullet_requests(blocks, starts, index), index[len(text)] - at - _tabs_taken(blocks)


def _tabs_taken(blocks: list[Block]) -> int:
    """The leading tabs that making lists takes out of the text: those of every paragraph from a list's
    first item to its last (its nesting level), code lines inside an item's range included."""
    inside = {number for first, last, _ in _list_ranges(blocks) for number in range(first, last + 1)}
    return sum(_tabs_in(blocks, n, n + 1) for n in inside)


def _list_ranges(blocks: list[Block]) -> list[tuple[int, int, bool]]:
    """Each Docs list to make: its first and last item (block numbers) and whether it is numbered.
    The list that carries on the Doc's own (number 0) starts at the first block written: Docs adds
    paragraphs to a list only when the paragraph just before them is in it."""
    lists: dict[int, tuple[int, int, bool]] = {}
    for number, block in enumerate(blocks):
        if block.list_number is not None:
            first, _, ordered = lists.get(block.list_number, (0 if block.list_number == 0 else number, 0, block.ordered))
            lists[block.list_number] = (first, number, ordered)
    return list(lists.values())


def _plain_paragraphs(where: dict, fields: str = "namedStyleType,indentStart,indentFirstLine,direction") -> list[dict]:
    """Requests that make the paragraphs in range plain text: no heading, no bullet, no indent,
    which Docs adds when it takes a bullet off to keep the item's level, and left to right (text put
    after a Hebrew paragraph takes its direction). A field named without a value goes back to its default."""
    style = {"namedStyleType": "NORMAL_TEXT"} if "namedStyleType" in fields else {}
    return [{"deleteParagraphBullets": {"range": where}},
            {"updateParagraphStyle": {"range": where, "paragraphStyle": style, "fields": fields}}]


def _table_requests(table: Block, at: int) -> tuple[list[dict], int]:
    """The requests for a table put at `at`, and how long it is with the paragraph break before it.

    Docs puts an empty table at `at` + 1; a cell's paragraph is then where its documentation says,
    for a table of R rows by C columns: 3 + r * (2C + 1) + 2c after that. Cells are filled last first.
    """
    columns = max(len(row) for row in table.rows)
    requests = [{"insertTable": {"rows": len(table.rows), "columns": columns, "location": {"index": at}}}]
    length = 1 + 2 + len(table.rows) * (2 * columns + 1)
    for r, row in reversed(list(enumerate(table.rows))):
        for c, cell in reversed(list(enumerate(row))):
            if not cell.text:
                continue
            index = _utf16_offsets(cell.text, at + 1 + 3 + r * (2 * columns + 1) + 2 * c)
            requests += [{"insertText": {"location": {"index": index[0]}, "text": cell.text}},
                         {"updateTextStyle": {"range": _range(index[0], index[-1]), "textStyle": {}, "fields": CLEARED_FIELDS}}]
            spans = [(0, len(cell.text), {"bold": True})] if r == 0 else []  # the header row
            requests += [_text_style(index[s], index[e], style) for s, e, style in spans + cell.spans]
            requests += _direction(cell.text, _range(index[0], index[-1]))
            length += index[-1] - index[0]
    # The paragraph after the table is the rest of the one it was put in, a heading or a list item
    # perhaps: plain text, as in the Markdown.
    return requests + _plain_paragraphs(_range(at + length, at + length + 1)), length


def _bullet_requests(blocks, starts, index) -> list[dict]:
    # One preset styles every level of a Docs list, so a nested list takes its top list's kind.
    # Bullets strip the leading tabs, which shifts what follows: the last list goes first. A list inside
    # another's range (a bullet list between numbered items) is made again once the outer one is.
    ranges = sorted(_list_ranges(blocks), reverse=True)
    outer = [r for r in ranges if not any(_inside(r, o) for o in ranges)]
    requests = []
    for first, last, ordered in outer:
        requests += _list_requests(blocks, starts, index, (first, last, ordered), ranges, shift=0)
    return requests


def _list_requests(blocks, starts, index, made: tuple[int, int, bool], ranges, shift: int) -> list[dict]:
    """Bullets for one list whose paragraphs begin `shift` units before `index` says (tabs taken out
    before them), then the paragraphs in its range that are not its items: plain ones lose the bullet,
    and the items of a list inside it get their tabs back and their own list.

    Docs bullets every paragraph in a list's range and leaves an indent where it takes one off again.
    Where each paragraph is counts the leading tabs the bullets took out of the paragraphs before it."""
    first, last, ordered = made
    preset = "NUMBERED_DECIMAL_ALPHA_ROMAN" if ordered else "BULLET_DISC_CIRCLE_SQUARE"
    start, end = index[starts[first]] - shift, index[starts[last] + len(blocks[last].text)] - shift
    requests = [{"createParagraphBullets": {"range": _range(start, max(end, start + 1)), "bulletPreset": preset}}]
    taken, number = 0, first
    while number <= last:
        inner = next((r for r in ranges if r[0] == number and _inside(r, made)), None)
        if inner:
            tabs = [(index[starts[n]] - shift - _tabs_in(blocks, first, n), _tabs_in(blocks, n, n + 1))
                    for n in range(inner[0], inner[1] + 1)]
            requests += [{"insertText": {"location": {"index": at}, "text": "\t" * count}} for at, count in reversed(tabs) if count]
            requests += _list_requests(blocks, starts, index, inner, ranges, shift + taken)
            taken, number = taken + _tabs_in(blocks, inner[0], inner[1] + 1), inner[1] + 1
            continue
        if blocks[number].list_number is None:
            at = index[starts[number]] - shift - taken
            requests += _plain_paragraphs(_range(at, at + 1), fields="indentStart,indentFirstLine")
        taken, number = taken + _tabs_in(blocks, number, number + 1), number + 1
    return requests


def _inside(r: tuple[int, int, bool], o: tuple[int, int, bool]) -> bool:
    """Whether list range r lies within o. Both may start at the first block written (the list carrying
    on the Doc's own starts there), so the one ending later holds the other."""
    return r != o and o[0] <= r[0] and r[1] <= o[1]


def _tabs_in(blocks, first: int, end: int) -> int:
    return sum(len(b.text) - len(b.text.lstrip("\t")) for b in blocks[first:end])


def _direction(text: str, where: dict) -> list[dict]:
    """Hebrew or Arabic text reads right to left: its paragraph must say so, or Docs lays it out left
    to right, punctuation and list bullets on the wrong side. The first letter with a direction decides,
    as in Unicode's bidirectional algorithm."""
    strong = next((kind for kind in map(unicodedata.bidirectional, text) if kind in ("L", "R", "AL")), "L")
    if strong == "L":
        return []
    return [{"updateParagraphStyle": {"range": where, "paragraphStyle": {"direction": "RIGHT_TO_LEFT"}, "fields": "direction"}}]


def _text_style(start: int, end: int, style: dict) -> dict:
    text_style = {key: True for key in style if key != "link"}
    if style.get("link"):
        text_style["link"] = {"url": style["link"]}
    return {"updateTextStyle": {"range": _range(start, end), "textStyle": text_style, "fields": ",".join(text_style)}}


def _range(start: int, end: int) -> dict:
    return {"startIndex": start, "endIndex": end}


def _utf16_offsets(text: str, at: int) -> list[int]:
    """Document index of every Python position in `text` (one more entry for its end)."""
    offsets = [at]
    for char in text:
        offsets.append(offsets[-1] + units(char))
    return offsets


# --- Docs structure -> Markdown ----------------------------------------------------
def document_to_markdown(document: dict) -> str:
    out, previous, counters = [], "", {}
    for element in document.get("body", {}).get("content", []):
        line, list_id = _element_markdown(element, document.get("lists", {}), counters)
        if line is None:
            continue
        if out:
            # Items of one list sit on consecutive lines; every other block is a paragraph of its own.
            out.append("\n" if list_id and list_id == previous else "\n\n")
        out.append(line)
        previous = list_id
    notes = _footnotes_markdown(document)
    return "".join(out) + "\n" + notes if out else notes


def _footnotes_markdown(document: dict) -> str:
    """The footnotes, as Markdown's "[^1]: text" lines after the text, in the order of their numbers
    (the body names them [^1] where they are referenced)."""
    numbers = {}
    for element in _paragraph_elements(document.get("body", {}).get("content", [])):
        if "footnoteReference" in element:
            reference = element["footnoteReference"]
            numbers[reference.get("footnoteId")] = reference.get("footnoteNumber", "")
    lines = []
    for footnote_id, number in numbers.items():
        content = document.get("footnotes", {}).get(footnote_id, {}).get("content", [])
        text = " ".join(_inline_markdown(p["paragraph"].get("elements", [])) for p in content if "paragraph" in p).strip()
        lines.append(f"[^{number}]: {text}\n")
    return "\n" + "".join(lines) if lines else ""


def _paragraph_elements(content: list[dict]):
    """Every paragraph element, those in table cells included, in reading order."""
    for element in content:
        yield from element.get("paragraph", {}).get("elements", [])
        for row in element.get("table", {}).get("tableRows", []):
            for cell in row.get("tableCells", []):
                yield from _paragraph_elements(cell.get("content", []))


def _element_markdown(element: dict, lists: dict, counters: dict) -> tuple[str | None, str]:
    """The element's Markdown (None to skip it) and the id of the list it is an item of."""
    if "table" in element:
        cells = [[_cell_text(c) for c in row.get("tableCells", [])] for row in element["table"].get("tableRows", [])]
        width = max([element["table"].get("columns") or 0] + [len(row) for row in cells])
        rows = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in cells]
        return "\n".join(rows[:1] + ["|" + " --- |" * width] + rows[1:]), ""  # a Markdown table: a rule under the first row
    paragraph = element.get("paragraph")
    if paragraph is None:
        return None, ""
    text = _inline_markdown(paragraph.get("elements", []))
    if not text.strip():
        return None, ""
    bullet = paragraph.get("bullet")
    if bullet:
        return _list_item(text, bullet, lists, counters), bullet.get("listId", "")
    level = HEADING_LEVELS.get(paragraph.get("paragraphStyle", {}).get("namedStyleType", ""))
    if level:
        return "#" * level + " " + text, ""
    return BLOCK_START.sub(r"\1\\\2\3", text, count=1), ""


def _list_item(text: str, bullet: dict, lists: dict, counters: dict) -> str:
    list_id, level = bullet.get("listId"), bullet.get("nestingLevel", 0)
    for key in [k for k in counters if k[0] == list_id and k[1] > level]:
        del counters[key]  # a deeper list restarts its numbering under each parent item
    counters[(list_id, level)] = counters.get((list_id, level), 0) + 1
    levels = lists.get(list_id, {}).get("listProperties", {}).get("nestingLevels", [])
    glyph = levels[level].get("glyphType") if level < len(levels) else None
    marker = f"{counters[(list_id, level)]}." if glyph in NUMBERED_GLYPHS else "-"
    return "    " * level + f"{marker} {text}"


def _cell_text(cell: dict) -> str:
    parts = [_inline_markdown(c["paragraph"].get("elements", [])) for c in cell.get("content", []) if "paragraph" in c]
    return " ".join(p for p in parts if p).replace("|", "\\|")


def _inline_markdown(elements: list[dict]) -> str:
    pieces = []  # (text, style) with the style's link pulled out so that links can span runs
    for element in elements:
        if "textRun" in element:
            run = element["textRun"]
            pieces.append((run.get("content", "").replace("\n", ""), run.get("textStyle", {})))
        elif "person" in element:
            props = element["person"].get("personProperties", {})
            pieces.append((props.get("name") or props.get("email", ""), {}))
        elif "richLink" in element:
            props = element["richLink"].get("richLinkProperties", {})
            pieces.append((props.get("title", ""), {"link": {"url": props.get("uri", "")}}))
        elif "dateElement" in element:  # a date chip: what it shows
            pieces.append((element["dateElement"].get("dateElementProperties", {}).get("displayText", ""), {}))
        elif "footnoteReference" in element:
            pieces.append((None, {"footnote": element["footnoteReference"].get("footnoteNumber", "")}))
    out, group, group_url = [], [], None
    for text, style in pieces + [("", {"link": {"url": object()}})]:  # the sentinel flushes the last group
        url = style.get("link", {}).get("url")
        if url != group_url and group:
            joined = "".join(group)
            out.append(f"[{joined}]({group_url})" if group_url and joined.strip() else joined)
            group = []
        group_url = url
        group.append(f"[^{style['footnote']}]" if text is None else _emphasis(SPECIAL.sub(r"\\\1", text), style))
    text = "".join(out)
    # A line break inside a paragraph or cell (Docs' vertical tab) reads as the <br> that writes one:
    # a newline would end the list item or table row it is in.
    return text.replace("\v", "<br>") if text.strip() else text


def _emphasis(text: str, style: dict) -> str:
    core = text.strip()
    if not core:
        return text
    marks = ("**" if style.get("bold") else "") + ("*" if style.get("italic") else "")
    if style.get("strikethrough"):
        marks = "~~" + marks
    if not marks:
        return text
    # Markers must hug the words: "**bold **" is not bold in Markdown.
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{marks}{core}{marks[::-1]}{trail}"
