"""docs_replace: changing a wording everywhere in a Doc, keeping its formatting."""
import pytest

from app.tools import invoke
from app.tools import review as review_call
from app.tools.context import Context
from app.tools.registry import ToolError


def review(ctx, **args):
    return review_call("docs_replace", ctx, args)


def read(ctx, document):
    return invoke("docs_read", ctx, {"document": document})["text"]


def test_a_replacement_keeps_the_formatting_of_the_text_it_replaces(ctx):
    result = invoke("docs_replace", ctx, {"document": "1Q3PlanningNotesDoc", "find": "Alice Chen", "replace": "Alice Chen-Martin"})

    assert "Owner: **Alice Chen-Martin**." in read(ctx, "1Q3PlanningNotesDoc")
    assert result["summary"] == "Replaced 'Alice Chen' with 'Alice Chen-Martin' in 'Q3 planning notes' (1 place)."


def test_case_is_ignored_unless_asked_and_the_card_counts_the_places(ctx):
    assert review(ctx, document="1Q3PlanningNotesDoc", find="budget", replace="plan").preview["occurrences"] == 3
    exact = review(ctx, document="1Q3PlanningNotesDoc", find="budget", replace="plan", match_case=True)
    assert exact.preview["occurrences"] == 2

    invoke("docs_replace", ctx, {"document": "1Q3PlanningNotesDoc", "find": "budget", "replace": "plan", "match_case": True})

    text = read(ctx, "1Q3PlanningNotesDoc")
    assert "Confirm the plan with Finance" in text and "[the Q3 plan sheet]" in text and "Budget figures" in text


def test_text_in_every_tab_and_in_table_cells_is_replaced(sandbox):
    sandbox.reset({"account": {"email": "alex@acme.example", "name": "Alex Martin", "timezone": "Europe/Paris"},
                   "drive": {"files": [{"id": "1TabbedDoc", "name": "Offsite", "mimeType": "doc",
                                        "content": [{"text": "Venue: Lyon"}],
                                        "tabs": [{"title": "Budget", "content": [{"text": "Lyon hotel: 4 000 €"}]}]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    invoke("docs_append", ctx, {"document": "1TabbedDoc", "markdown": "| City | Nights |\n|---|---|\n| Lyon | 2 |"})

    checked = review(ctx, document="1TabbedDoc", find="Lyon", replace="Annecy")
    result = invoke("docs_replace", ctx, {"document": "1TabbedDoc", "find": "Lyon", "replace": "Annecy"})

    assert checked.preview["occurrences"] == 3
    assert result["summary"].endswith("(3 places).")
    assert "Lyon" not in read(ctx, "1TabbedDoc") and read(ctx, "1TabbedDoc").count("Annecy") == 3


def test_text_that_is_not_in_the_doc_is_said_before_approval(ctx):
    with pytest.raises(ToolError, match="does not contain 'Q4 goals'"):
        review(ctx, document="1Q3PlanningNotesDoc", find="Q4 goals", replace="Q1 goals")


def test_text_across_two_paragraphs_is_refused(ctx):
    with pytest.raises(ToolError, match="one paragraph at a time"):
        invoke("docs_replace", ctx, {"document": "1Q3PlanningNotesDoc", "find": "Goals\nShip", "replace": "x"})


def test_editing_a_doc_others_read_asks_first_and_the_card_names_them(ctx):
    checked = review(ctx, document="1VendorShortlistDoc", find="Globex", replace="Globex Corp")
    assert checked.effect == "outbound"
    assert checked.preview == {"name": "Vendor shortlist", "type": "doc", "shared_with": ["alice@acme.example"], "occurrences": 1}


def test_editing_ones_private_doc_is_a_plain_write(ctx):
    assert review(ctx, document="1Q3PlanningNotesDoc", find="Bob", replace="Robert").effect == "write"


def test_the_count_takes_in_headers_footers_and_footnotes_but_not_text_split_by_a_chip():
    from app.tools.docs import occurrences_in

    def paragraph(*runs):
        return {"paragraph": {"elements": [{"textRun": {"content": r}} if isinstance(r, str) else r for r in runs]}}

    chip = {"person": {"personProperties": {"email": "alice@acme.example"}}}
    tab = {
        "body": {"content": [paragraph("Project Lyon\n"), paragraph("Project Ly", chip, "on\n")]},
        "headers": {"h.1": {"content": [paragraph("Lyon office\n")]}},
        "footers": {"f.1": {"content": [paragraph("lyon\n")]}},
        "footnotes": {"n.1": {"content": [paragraph("See Lyon notes\n")]}},
    }

    assert occurrences_in(tab, "Lyon", match_case=False) == 4
    assert occurrences_in(tab, "Lyon", match_case=True) == 3
