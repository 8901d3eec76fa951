"""docs_create, docs_read and docs_append: Markdown in, formatting kept as Docs structure, Markdown out."""
import pytest

from app.tools import invoke, review
from app.tools.drive import file_preview
from app.tools.context import Context
from app.tools.markdown_docs import document_to_markdown, markdown_requests
from app.tools.registry import ToolError

MARKDOWN = """# Launch plan 🚀

Owner: **Alice** and *Bob*, see [the brief](https://example.com/brief).

## Steps

1. Draft the **announcement**
2. Review with legal
    1. Check trademarks
3. Publish 🎉 on [the blog](https://example.com/blog)

- Budget: 4 200 €
- Risks

Questions to snake_case_channel.
"""


def docs(ctx, document_id):
    return ctx.service("docs").documents().get(documentId=document_id).execute()


def test_a_seeded_doc_reads_as_markdown_with_headings_lists_bold_and_links(ctx):
    doc = invoke("docs_read", ctx, {"document": "1Q3PlanningNotesDoc"})
    assert doc["text"] == (
        "# Q3 planning notes\n\n"
        "Owner: **Alice Chen**. Budget figures are in [the Q3 budget sheet](https://docs.google.com/spreadsheets/d/1Q3BudgetSheet).\n\n"
        "## Goals\n\n"
        "- Ship the **reporting dashboard** by 30 September\n"
        "- Hire two backend engineers\n"
        "    - Interviews led by *Bob*\n"
        "- Cut cloud costs by 15%\n\n"
        "## Next steps\n\n"
        "1. Confirm the budget with Finance\n"
        "2. Book the kickoff with the team\n\n"
        "Questions go to #q3-planning.\n"
    )
    assert doc["name"] == "Q3 planning notes" and doc["link"].endswith("/open/file/1Q3PlanningNotesDoc")
    assert "note" not in doc  # no pending suggestions


def test_markdown_survives_a_round_trip_through_a_new_doc(ctx):
    made = invoke("docs_create", ctx, {"name": "Launch plan", "markdown": MARKDOWN})
    assert invoke("docs_read", ctx, {"document": made["id"]})["text"] == MARKDOWN


def test_a_new_doc_s_card_says_it_goes_to_my_drive_where_only_the_person_sees_it(ctx, sandbox):
    sandbox.clear_log()

    card = review("docs_create", ctx, {"name": "Launch plan", "markdown": MARKDOWN})
    assert card.preview == {"folder": "My Drive"} and sandbox.log() == []  # nothing to read: it is always there

    made = invoke("docs_create", ctx, card.args)
    assert file_preview(ctx, made["id"])["shared_with"] == []


def test_formatting_is_docs_structure_not_literal_markers(ctx, sandbox):
    made = invoke("docs_create", ctx, {"name": "Launch plan", "markdown": MARKDOWN})
    stored = sandbox.state()["drive"]["files"][made["id"]]
    assert stored["name"] == "Launch plan" and stored["mimeType"] == "application/vnd.google-apps.document"
    plain = ctx.service("drive").files().export(fileId=made["id"], mimeType="text/plain").execute().decode()
    assert "**" not in plain and "[" not in plain
    paragraphs = [c["paragraph"] for c in docs(ctx, made["id"])["body"]["content"] if "paragraph" in c]
    assert paragraphs[0]["paragraphStyle"]["namedStyleType"] == "HEADING_1"
    runs = [e["textRun"] for e in paragraphs[1]["elements"]]
    assert [r["content"] for r in runs if r["textStyle"].get("bold")] == ["Alice"]


def test_appending_adds_formatted_blocks_after_the_last_paragraph(ctx, sandbox):
    result = invoke("docs_append", ctx, {"document": "1Q3PlanningNotesDoc", "markdown": "## Decisions\n\n- Go with **Globex**"})
    text = sandbox.state()["drive"]["files"]["1Q3PlanningNotesDoc"]["text"]
    assert text.endswith("Questions go to #q3-planning.\n\n## Decisions\n\n- Go with **Globex**\n")
    assert "Q3 planning notes" in result["summary"] and result["link"].endswith("/open/file/1Q3PlanningNotesDoc")


def test_characters_docs_drops_do_not_shift_the_formatting(ctx):
    # A form feed (text pasted from a PDF) and a private-use glyph: Docs strips both on insert.
    made = invoke("docs_create", ctx, {"name": "Pasted", "markdown": "Page\fone \ue000and **bold** here"})

    paragraph = next(c["paragraph"] for c in docs(ctx, made["id"])["body"]["content"] if "paragraph" in c)
    runs = [e["textRun"] for e in paragraph["elements"]]
    assert [r["content"] for r in runs if r["textStyle"].get("bold")] == ["bold"]
    assert invoke("docs_read", ctx, {"document": made["id"]})["text"] == "Pageone and **bold** here\n"


def test_appending_after_an_emoji_and_after_a_list_keeps_indices_right(ctx):
    invoke("docs_append", ctx, {"document": "1RapportEteDoc", "markdown": "Suite : **très bien** 👍"})
    invoke("docs_append", ctx, {"document": "1VendorShortlistDoc", "markdown": "Decision by *Friday*."})
    rapport = invoke("docs_read", ctx, {"document": "1RapportEteDoc"})["text"]
    assert rapport.endswith("8 % sur le trimestre. 🎉\n\nSuite : **très bien** 👍\n")
    vendors = invoke("docs_read", ctx, {"document": "1VendorShortlistDoc"})["text"]
    assert vendors.endswith("2. Initech (David Okafor)\n\nDecision by *Friday*.\n")


def test_appending_to_an_empty_doc_leaves_no_blank_first_line(ctx):
    made = invoke("docs_create", ctx, {"name": "Empty"})
    invoke("docs_append", ctx, {"document": made["link"], "markdown": "First line"})
    assert invoke("docs_read", ctx, {"document": made["id"]})["text"] == "First line\n"


def test_a_bare_heading_mark_or_an_empty_list_item_is_left_out_of_the_doc(ctx):
    only_marks = invoke("docs_create", ctx, {"name": "Marks", "markdown": "#"})
    assert invoke("docs_read", ctx, {"document": only_marks["id"]})["text"] == ""
    made = invoke("docs_create", ctx, {"name": "List", "markdown": "## Plan\n\n##\n\n- one\n- [](https://example.com)\n- two"})
    assert invoke("docs_read", ctx, {"document": made["id"]})["text"] == "## Plan\n\n- one\n- two\n"


def test_every_tab_of_a_doc_is_read_not_just_the_first(sandbox):
    sandbox.reset({"drive": {"files": [{"id": "1TabbedDoc", "name": "Offsite", "mimeType": "doc",
                                        "content": [{"heading": 1, "text": "Agenda"}, {"text": "Day one: planning"}],
                                        "tabs": [{"title": "Budget", "content": [{"text": "Venue: 4 000 €"}]}]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)  # a reset forgets earlier grants

    text = invoke("docs_read", ctx, {"document": "1TabbedDoc"})["text"]

    assert text == "[Tab: Tab 1]\n\n# Agenda\n\nDay one: planning\n\n[Tab: Budget]\n\nVenue: 4 000 €\n"


def test_text_is_appended_to_the_tab_named_and_only_there(sandbox):
    sandbox.reset({"drive": {"files": [{"id": "1TabbedDoc", "name": "Offsite", "mimeType": "doc",
                                        "content": [{"heading": 1, "text": "Agenda"}, {"text": "Day one: planning"}],
                                        "tabs": [{"title": "Budget", "content": [{"text": "Venue: 4 000 €"}]}]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    added = invoke("docs_append", ctx, {"document": "1TabbedDoc", "tab": "budget", "markdown": "- **Catering**: 900 €"})

    text = invoke("docs_read", ctx, {"document": "1TabbedDoc"})["text"]
    assert text == "[Tab: Tab 1]\n\n# Agenda\n\nDay one: planning\n\n[Tab: Budget]\n\nVenue: 4 000 €\n\n- **Catering**: 900 €\n"
    assert "'Budget'" in added["summary"]
    with pytest.raises(ToolError, match="has no tab 'Costs'") as missing:
        invoke("docs_append", ctx, {"document": "1TabbedDoc", "tab": "Costs", "markdown": "x"})
    assert missing.value.found == {"tabs": ["Tab 1", "Budget"]}


TABLE_MARKDOWN = """Figures for **Q3**:

| Item | Owner | EUR |
|------|-------|----:|
| Cloud 🚀 | *Bob* | 12 600 |
| Hiring | [Alice](https://people.example/alice) | 48 000 |

Totals follow."""


def table_runs(document: dict) -> list[list[list[dict]]]:
    """The text runs of each cell of the document's one table."""
    [table] = [c["table"] for c in document["body"]["content"] if "table" in c]
    return [[[e["textRun"] for e in cell["content"][0]["paragraph"]["elements"]] for cell in row["tableCells"]]
            for row in table["tableRows"]]


def test_a_markdown_table_becomes_a_docs_table_with_its_header_in_bold(ctx):
    made = invoke("docs_create", ctx, {"name": "Q3 figures", "markdown": TABLE_MARKDOWN})

    rows = table_runs(docs(ctx, made["id"]))

    assert [["".join(r["content"] for r in cell).rstrip("\n") for cell in row] for row in rows] == [
        ["Item", "Owner", "EUR"], ["Cloud 🚀", "Bob", "12 600"], ["Hiring", "Alice", "48 000"]]
    assert all(cell[0]["textStyle"].get("bold") for cell in rows[0]) and not rows[1][0][0]["textStyle"].get("bold")
    assert rows[1][1][0]["textStyle"].get("italic") and rows[2][1][0]["textStyle"]["link"]["url"] == "https://people.example/alice"
    assert invoke("docs_read", ctx, {"document": made["id"]})["text"] == (
        "Figures for **Q3**:\n\n| **Item** | **Owner** | **EUR** |\n| --- | --- | --- |\n"
        "| Cloud 🚀 | *Bob* | 12 600 |\n| Hiring | [Alice](https://people.example/alice) | 48 000 |\n\nTotals follow.\n")


def test_a_table_appended_after_a_list_item_leaves_plain_text_after_it(ctx):
    invoke("docs_append", ctx, {"document": "1Q3PlanningNotesDoc", "markdown": "- Decided\n\n| Owner | Due |\n|---|---|\n| Bob | Friday |"})

    content = docs(ctx, "1Q3PlanningNotesDoc")["body"]["content"]

    at = next(i for i, element in enumerate(content) if "table" in element)
    before, after = content[at - 1]["paragraph"], content[at + 1]["paragraph"]
    assert before["elements"][0]["textRun"]["content"] == "Decided\n" and "bullet" in before
    assert "bullet" not in after and after["paragraphStyle"]["namedStyleType"] == "NORMAL_TEXT"
    assert invoke("docs_read", ctx, {"document": "1Q3PlanningNotesDoc"})["text"].endswith(
        "- Decided\n\n| **Owner** | **Due** |\n| --- | --- |\n| Bob | Friday |\n")


def test_a_tabbed_code_line_inside_a_list_does_not_shift_a_table_after_it(ctx):
    markdown = "- item\n\n  ```\n  \tindented\n  ```\n- next\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter."

    made = invoke("docs_create", ctx, {"name": "Notes", "markdown": markdown})

    text = invoke("docs_read", ctx, {"document": made["id"]})["text"]
    assert text.endswith("| **a** | **b** |\n| --- | --- |\n| 1 | 2 |\n\nAfter.\n")


def test_a_table_wider_than_docs_allows_is_written_as_lines_of_cells(ctx):
    header, values = [f"c{n}" for n in range(21)], [str(n) for n in range(21)]
    markdown = "| " + " | ".join(header) + " |\n|" + "---|" * 21 + "\n| " + " | ".join(values) + " |"

    made = invoke("docs_create", ctx, {"name": "Wide", "markdown": markdown})

    text = invoke("docs_read", ctx, {"document": made["id"]})["text"]
    assert text == "**" + " | ".join(header) + "**\n\n" + " | ".join(values) + "\n"


def test_escapes_for_characters_docs_drops_do_not_shift_what_follows(ctx):
    made = invoke("docs_create", ctx, {"name": "Odd", "markdown": "x &#xE000; **y** &#12; z\n\n| a |\n|---|\n| 1 |"})

    text = invoke("docs_read", ctx, {"document": made["id"]})["text"]
    assert text == "x  **y**  z\n\n| **a** |\n| --- |\n| 1 |\n"


def test_taking_bullets_off_also_resets_the_indent_docs_leaves_in_their_place():
    requests = markdown_requests("| a |\n|---|\n| 1 |\n\nAfter.", 10, new_paragraph=True)
    taken_off = [number for number, request in enumerate(requests) if "deleteParagraphBullets" in request]
    assert len(taken_off) == 2  # the paragraph after the table, and the text after it
    for number in taken_off:
        reset = requests[number + 1]["updateParagraphStyle"]
        assert reset["range"] == requests[number]["deleteParagraphBullets"]["range"] and "indentStart" in reset["fields"]


def test_a_table_whose_first_row_is_short_still_reads_as_a_markdown_table():
    cell = lambda text: {"content": [{"paragraph": {"elements": [{"textRun": {"content": text + "\n"}}]}}]}  # noqa: E731
    table = {"columns": 3, "tableRows": [{"tableCells": [cell("a"), cell("b")]}, {"tableCells": [cell("1"), cell("2"), cell("3")]}]}

    text = document_to_markdown({"body": {"content": [{"table": table}]}})

    assert text == "| a | b |  |\n| --- | --- | --- |\n| 1 | 2 | 3 |\n"


def written_and_read(ctx, markdown: str) -> str:
    made = invoke("docs_create", ctx, {"name": "Notes", "markdown": markdown})
    return invoke("docs_read", ctx, {"document": made["id"]})["text"]


def appended_and_read(ctx, *markdowns: str) -> str:
    """The vendor shortlist (it ends in a numbered list) after each append in turn."""
    for markdown in markdowns:
        invoke("docs_append", ctx, {"document": "1VendorShortlistDoc", "markdown": markdown})
    return invoke("docs_read", ctx, {"document": "1VendorShortlistDoc"})["text"]


def test_a_code_block_inside_a_numbered_item_is_not_an_item_of_its_own(ctx):
    text = written_and_read(ctx, "1. Install 📦\n\n   ```\n   pip install x\n   ```\n2. Run it\n")

    assert text == "1. Install 📦\n\npip install x\n\n2. Run it\n"


def test_the_second_paragraph_of_an_item_gets_no_bullet_of_its_own(ctx):
    text = written_and_read(ctx, "- Budget\n    - Cloud\n\n      Needs sign-off from Finance.\n    - Travel\n- Hiring\n")

    assert text == "- Budget\n    - Cloud\n\nNeeds sign-off from Finance.\n\n    - Travel\n- Hiring\n"


def test_a_numbered_list_broken_by_a_paragraph_or_code_keeps_counting(ctx):
    text = written_and_read(ctx, "1. Draft\n\nSome detail.\n\n2. Review\n\n```\nmake check\n```\n\n3. Publish\n\nLater:\n\n1. Start again\n")

    assert text == "1. Draft\n\nSome detail.\n\n2. Review\n\nmake check\n\n3. Publish\n\nLater:\n\n1. Start again\n"


def test_a_numbered_list_appended_after_one_counts_from_one_unless_it_carries_on(ctx):
    text = appended_and_read(ctx, "1. Ask for quotes\n2. Compare", "3. Sign the contract")

    assert text.endswith("2. Initech (David Okafor)\n\n1. Ask for quotes\n2. Compare\n3. Sign the contract\n")


def test_a_link_to_nowhere_is_written_as_its_plain_text(ctx):
    assert written_and_read(ctx, "See [the agenda]() and [**the notes**]() for details.") == "See the agenda and **the notes** for details.\n"


def test_an_html_line_break_is_a_line_break_in_the_doc_and_other_tags_are_dropped(ctx):
    made = invoke("docs_create", ctx, {"name": "Steps", "markdown": "First<br>then <b>this</b> 🚀\n\n| Step | Notes |\n|---|---|\n| 1 | first<br/>second |"})

    content = docs(ctx, made["id"])["body"]["content"]
    assert content[1]["paragraph"]["elements"][0]["textRun"]["content"] == "First\vthen this 🚀\n"
    assert table_runs(docs(ctx, made["id"]))[1][1][0]["content"] == "first\vsecond\n"


def test_a_line_break_reads_back_as_the_br_that_wrote_it_in_paragraphs_items_and_cells(ctx):
    markdown = "First<br>then **this<br>bold**\n\n- item<br>more\n\n| Step | Notes |\n|---|---|\n| 1 | first<br>second |"

    assert written_and_read(ctx, markdown) == (
        "First<br>then **this**<br>**bold**\n\n- item<br>more\n\n| **Step** | **Notes** |\n| --- | --- |\n| 1 | first<br>second |\n")


def test_hebrew_and_arabic_paragraphs_are_laid_out_right_to_left(ctx):
    markdown = "שלום, זה **מסמך** חדש.\n\n- פריט 🚀\n- Item\n\n| עמודה | Column |\n|---|---|\n| مرحبا | 1 |\n\n«مرحبا» بالعالم"
    made = invoke("docs_create", ctx, {"name": "RTL", "markdown": markdown})
    content = docs(ctx, made["id"])["body"]["content"]

    def directions(elements):
        for element in elements:
            if "paragraph" in element and element["paragraph"]["elements"][0]["textRun"]["content"].strip():
                yield element["paragraph"]["paragraphStyle"]["direction"][0]
            for row in element.get("table", {}).get("tableRows", []):
                for cell in row["tableCells"]:
                    yield from directions(cell["content"])

    assert "".join(directions(content)) == "RRLRLRLR"
    assert invoke("docs_read", ctx, {"document": made["id"]})["text"].startswith("שלום, זה **מסמך** חדש.\n\n- פריט 🚀\n- Item\n")


def test_english_appended_after_a_hebrew_paragraph_is_left_to_right_again(ctx):
    made = invoke("docs_create", ctx, {"name": "RTL", "markdown": "שלום"})

    invoke("docs_append", ctx, {"document": made["id"], "markdown": "Hello"})

    hebrew, english = [c["paragraph"] for c in docs(ctx, made["id"])["body"]["content"] if "paragraph" in c]
    assert hebrew["paragraphStyle"]["direction"] == "RIGHT_TO_LEFT" and english["paragraphStyle"]["direction"] == "LEFT_TO_RIGHT"


def seeded_doc(sandbox, content: list) -> Context:
    sandbox.reset({"drive": {"files": [{"id": "1SeededDoc", "name": "Budget", "mimeType": "doc", "content": content}]}})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)  # a reset forgets earlier grants


def test_a_doc_with_pending_suggestions_reads_as_it_stands_and_says_so(sandbox):
    ctx = seeded_doc(sandbox, [{"text": [["Budget: "], ["5k", {"suggestedDeletionIds": ["suggest.1"]}],
                                         ["10k", {"suggestedInsertionIds": ["suggest.1"]}], [" 🚀 in Q3"]]},
                               {"text": [["A whole new paragraph", {"suggestedInsertionIds": ["suggest.2"]}]]}])

    read = invoke("docs_read", ctx, {"document": "1SeededDoc"})

    assert read["text"] == "Budget: 5k 🚀 in Q3\n" and "pending suggestions" in read["note"]


def test_date_chips_and_footnotes_are_read_with_the_text(sandbox):
    ctx = seeded_doc(sandbox, [{"text": [["Launch on "], {"date": "Oct 3, 2025"}, {"footnote": "Pending legal."}, [" 🎉, review"],
                                         {"footnote": "With *Finance*."}, ["."]]}])

    read = invoke("docs_read", ctx, {"document": "1SeededDoc"})

    assert read["text"] == "Launch on Oct 3, 2025[^1] 🎉, review[^2].\n\n[^1]: Pending legal.\n[^2]: With \\*Finance\\*.\n"


def test_a_doc_whose_suggestions_only_restyle_text_is_read_once():
    from app.tools.docs import _has_suggestions

    restyled = {"body": {"content": [{"paragraph": {"elements": [{"textRun": {
        "content": "Budget", "suggestedTextStyleChanges": {"suggest.3": {"textStyle": {"bold": True}}}}}]}}]}}
    inserted = {"body": {"content": [{"paragraph": {"elements": [{"textRun": {
        "content": "10k", "suggestedInsertionIds": ["suggest.1"]}}]}}]}}

    assert not _has_suggestions(restyled)  # the text reads the same: no second read of the Doc
    assert _has_suggestions(inserted)


def test_a_numbered_list_appended_after_a_paragraph_carries_on_the_docs_list(ctx):
    text = appended_and_read(ctx, "Then 👉:\n\n3. Sign the contract ✍️")

    assert text.endswith("2. Initech (David Okafor)\n\nThen 👉:\n\n3. Sign the contract ✍️\n")


def test_a_bullet_between_numbered_items_keeps_the_numbering_going(ctx):
    text = written_and_read(ctx, "1. Install 📦\n- note\n    - detail\n2. Configure\n\n## Later\n\n1. Start again\n")

    assert text == "1. Install 📦\n\n- note\n    - detail\n\n2. Configure\n\n## Later\n\n1. Start again\n"


def test_a_bullet_before_a_numbered_item_that_carries_on_the_docs_list_is_written(ctx):
    text = appended_and_read(ctx, "1. Ask\n2. Compare", "- note\n\n3. Sign\n")

    assert text.endswith("1. Ask\n2. Compare\n\n- note\n\n3. Sign\n")
