"""The sandbox's Docs v1, exercised through google-api-python-client."""
import io
import json

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from app.tools.context import Context


@pytest.fixture
def documents(ctx):
    return ctx.service("docs").documents()


def paragraphs(document: dict) -> list[dict]:
    return [item["paragraph"] for item in document["body"]["content"] if "paragraph" in item]


def text_of(paragraph: dict) -> str:
    return "".join(e["textRun"]["content"] for e in paragraph["elements"])


def edit(documents, document_id, *requests):
    return documents.batchUpdate(documentId=document_id, body={"requests": list(requests)}).execute()


def test_a_doc_has_headings_bold_links_and_lists_that_tell_ordered_from_unordered(documents):
    doc = documents.get(documentId="1Q3PlanningNotesDoc").execute()
    heading, owner, *_ = paragraphs(doc)
    assert heading["paragraphStyle"]["namedStyleType"] == "HEADING_1" and text_of(heading) == "Q3 planning notes\n"
    bold = [e["textRun"] for e in owner["elements"] if e["textRun"]["textStyle"].get("bold")]
    assert [run["content"] for run in bold] == ["Alice Chen"]
    linked = [e["textRun"]["textStyle"]["link"]["url"] for e in owner["elements"] if "link" in e["textRun"]["textStyle"]]
    assert linked == ["https://docs.google.com/spreadsheets/d/1Q3BudgetSheet"]
    bullets = [p for p in paragraphs(doc) if "bullet" in p]
    glyphs = [doc["lists"][p["bullet"]["listId"]]["listProperties"]["nestingLevels"][0] for p in bullets]
    assert ["glyphType" in g for g in glyphs] == [False, False, False, False, True, True]
    assert [p["bullet"].get("nestingLevel", 0) for p in bullets] == [0, 0, 1, 0, 0, 0]


def test_indices_count_an_emoji_as_two_utf16_units(documents):
    doc = documents.get(documentId="1RapportEteDoc").execute()
    last = doc["body"]["content"][-1]
    text = text_of(last["paragraph"])
    assert text.endswith("🎉\n")
    assert last["endIndex"] - last["startIndex"] == len(text) + 1


def test_create_makes_an_empty_google_doc_in_drive(documents, sandbox):
    doc = documents.create(body={"title": "Retro notes"}).execute()
    assert [text_of(p) for p in paragraphs(doc)] == ["\n"]
    stored = sandbox.state()["drive"]["files"][doc["documentId"]]
    assert stored["name"] == "Retro notes" and stored["mimeType"] == "application/vnd.google-apps.document"


def test_inserted_text_takes_styles_and_bullets_with_tabs_as_nesting(documents):
    doc_id = documents.create(body={"title": "Plan"}).execute()["documentId"]
    edit(
        documents,
        doc_id,
        {"insertText": {"location": {"index": 1}, "text": "Plan 🚀\nfirst\n\tsecond"}},
        {"updateParagraphStyle": {"range": {"startIndex": 1, "endIndex": 8}, "paragraphStyle": {"namedStyleType": "HEADING_2"}, "fields": "namedStyleType"}},
        {"updateTextStyle": {"range": {"startIndex": 9, "endIndex": 14}, "textStyle": {"bold": True}, "fields": "bold"}},
        {"createParagraphBullets": {"range": {"startIndex": 9, "endIndex": 22}, "bulletPreset": "NUMBERED_DECIMAL_ALPHA_ROMAN"}},
    )
    doc = documents.get(documentId=doc_id).execute()
    heading, first, second = paragraphs(doc)
    assert heading["paragraphStyle"]["namedStyleType"] == "HEADING_2"
    assert first["elements"][0]["textRun"] == {"content": "first", "textStyle": {"bold": True}}
    assert text_of(second) == "second\n" and second["bullet"]["nestingLevel"] == 1


def test_insert_at_end_of_segment_and_delete_a_range(documents, ctx):
    edit(documents, "1RapportEteDoc", {"insertText": {"endOfSegmentLocation": {}, "text": "\nFin."}})
    doc = documents.get(documentId="1RapportEteDoc").execute()
    assert text_of(paragraphs(doc)[-1]) == "Fin.\n"
    edit(documents, "1RapportEteDoc", {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 11}}})
    exported = ctx.service("drive").files().export(fileId="1RapportEteDoc", mimeType="text/plain").execute().decode()
    assert exported.startswith("activité — été 2026\n") and exported.endswith("Fin.\n")


def test_a_failing_request_leaves_the_document_unchanged(documents):
    before = documents.get(documentId="1Q3PlanningNotesDoc").execute()
    end = before["body"]["content"][-1]["endIndex"]
    with pytest.raises(HttpError) as caught:
        edit(
            documents,
            "1Q3PlanningNotesDoc",
            {"insertText": {"location": {"index": 1}, "text": "Lost "}},
            {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": end + 5}}},
        )
    assert caught.value.status_code == 400 and "requests[1]" in str(caught.value)
    assert documents.get(documentId="1Q3PlanningNotesDoc").execute()["body"] == before["body"]


def test_the_final_newline_cannot_be_deleted(documents):
    end = documents.get(documentId="1RapportEteDoc").execute()["body"]["content"][-1]["endIndex"]
    with pytest.raises(HttpError) as caught:
        edit(documents, "1RapportEteDoc", {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": end}}})
    assert caught.value.status_code == 400


def test_a_sheet_is_not_a_document(documents):
    with pytest.raises(HttpError) as caught:
        documents.get(documentId="1Q3BudgetSheet").execute()
    assert caught.value.status_code == 400


def test_inserting_empty_text_is_rejected_like_google_docs(documents):
    with pytest.raises(HttpError) as caught:
        edit(documents, "1RapportEteDoc", {"insertText": {"location": {"index": 1}, "text": ""}})
    assert caught.value.status_code == 400 and "must specify text" in str(caught.value)


def test_styling_an_empty_range_is_rejected_like_google_docs(documents):
    empty = {"startIndex": 2, "endIndex": 2}
    for request in (
        {"updateTextStyle": {"range": empty, "textStyle": {"bold": True}, "fields": "bold"}},
        {"updateParagraphStyle": {"range": empty, "paragraphStyle": {"namedStyleType": "HEADING_1"}, "fields": "namedStyleType"}},
    ):
        with pytest.raises(HttpError) as caught:
            edit(documents, "1RapportEteDoc", request)
        assert caught.value.status_code == 400 and "should not be empty" in str(caught.value)


def test_without_include_tabs_content_only_the_first_tab_shows_as_in_google_docs(sandbox):
    sandbox.reset({"drive": {"files": [{"id": "1TabbedDoc", "name": "Offsite", "mimeType": "doc",
                                        "content": [{"text": "First tab"}],
                                        "tabs": [{"title": "Budget", "content": [{"text": "Second tab"}]}]}]}})
    documents = Context(credentials=sandbox.credentials(), api_root=sandbox.url).service("docs").documents()

    plain = documents.get(documentId="1TabbedDoc").execute()
    tabbed = documents.get(documentId="1TabbedDoc", includeTabsContent=True).execute()

    assert "Second tab" not in json.dumps(plain) and "tabs" not in plain
    assert "body" not in tabbed
    assert [t["tabProperties"]["title"] for t in tabbed["tabs"]] == ["Tab 1", "Budget"]
    assert "Second tab" in json.dumps(tabbed["tabs"][1]["documentTab"]["body"])


def test_a_table_is_indexed_as_google_documents_it_and_deleted_only_whole(documents):
    doc = documents.create(body={"title": "Grid"}).execute()["documentId"]
    edit(documents, doc, {"insertTable": {"rows": 2, "columns": 2, "location": {"index": 1}}})

    [table] = [c for c in documents.get(documentId=doc).execute()["body"]["content"] if "table" in c]

    s = table["startIndex"]  # after the paragraph break Docs puts before a table
    assert s == 2 and table["endIndex"] == s + 12
    cells = [(c["startIndex"], c["content"][0]["startIndex"]) for row in table["table"]["tableRows"] for c in row["tableCells"]]
    assert cells == [(s + 2, s + 3), (s + 4, s + 5), (s + 7, s + 8), (s + 9, s + 10)]
    with pytest.raises(HttpError) as refused:
        edit(documents, doc, {"deleteContentRange": {"range": {"startIndex": s + 3, "endIndex": s + 8}}})
    assert refused.value.status_code == 400
    edit(documents, doc, {"deleteContentRange": {"range": {"startIndex": s, "endIndex": s + 12}}})
    assert not any("table" in c for c in documents.get(documentId=doc).execute()["body"]["content"])


def test_styling_a_whole_table_leaves_the_paragraph_after_it_alone(documents):
    doc = documents.create(body={"title": "Grid"}).execute()["documentId"]
    edit(documents, doc, {"insertText": {"text": "After", "location": {"index": 1}}},
         {"insertTable": {"rows": 1, "columns": 1, "location": {"index": 1}}})
    [table] = [c for c in documents.get(documentId=doc).execute()["body"]["content"] if "table" in c]

    edit(documents, doc, {"updateParagraphStyle": {"range": {"startIndex": table["startIndex"], "endIndex": table["endIndex"]},
                                                   "paragraphStyle": {"namedStyleType": "HEADING_2"}, "fields": "namedStyleType"}})

    after = paragraphs(documents.get(documentId=doc).execute())[-1]
    assert text_of(after) == "After\n" and after["paragraphStyle"]["namedStyleType"] == "NORMAL_TEXT"


def test_an_upload_holding_private_use_characters_is_imported_without_them(ctx, documents):
    upload = MediaIoBaseUpload(io.BytesIO("a\ue000b\ue003c\n".encode()), mimetype="text/plain")
    made = ctx.service("drive").files().create(body={"name": "Odd", "mimeType": "application/vnd.google-apps.document"},
                                               media_body=upload, fields="id").execute()

    assert [text_of(p) for p in paragraphs(documents.get(documentId=made["id"]).execute())] == ["abc\n"]


def test_bullets_right_after_a_list_with_the_same_preset_join_that_list(documents):
    doc = documents.create(body={"title": "Lists"}).execute()["documentId"]
    edit(documents, doc, {"insertText": {"location": {"index": 1}, "text": "one\ntwo\nthree\nfour"}},
         {"createParagraphBullets": {"range": {"startIndex": 1, "endIndex": 2}, "bulletPreset": "NUMBERED_DECIMAL_ALPHA_ROMAN"}},
         {"createParagraphBullets": {"range": {"startIndex": 5, "endIndex": 6}, "bulletPreset": "NUMBERED_DECIMAL_ALPHA_ROMAN"}},
         {"createParagraphBullets": {"range": {"startIndex": 9, "endIndex": 10}, "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}},
         {"createParagraphBullets": {"range": {"startIndex": 15, "endIndex": 16}, "bulletPreset": "NUMBERED_DECIMAL_ALPHA_ROMAN"}})

    one, two, three, four = [p["bullet"]["listId"] for p in paragraphs(documents.get(documentId=doc).execute())]

    assert one == two and len({one, three, four}) == 3


def test_suggestions_show_inline_or_as_a_preview_with_them_accepted_or_rejected(sandbox):
    sandbox.reset({"drive": {"files": [{"id": "1SuggestedDoc", "name": "Budget", "mimeType": "doc", "content": [
        {"text": [["Budget: "], ["5k", {"suggestedDeletionIds": ["suggest.1"]}], ["10k 🚀", {"suggestedInsertionIds": ["suggest.1"]}], ["."]]}]}]}})
    documents = Context(credentials=sandbox.credentials(), api_root=sandbox.url).service("docs").documents()

    def read(mode=None):
        doc = documents.get(documentId="1SuggestedDoc", **({"suggestionsViewMode": mode} if mode else {})).execute()
        [paragraph] = paragraphs(doc)
        return doc["suggestionsViewMode"], text_of(paragraph), paragraph["elements"][-1]["endIndex"], paragraph["elements"]

    mode, inline, end, elements = read()
    assert (mode, inline, end) == ("SUGGESTIONS_INLINE", "Budget: 5k10k 🚀.\n", 19)
    assert elements[1]["textRun"]["suggestedDeletionIds"] == ["suggest.1"] and elements[2]["textRun"]["suggestedInsertionIds"] == ["suggest.1"]
    assert read("PREVIEW_WITHOUT_SUGGESTIONS")[1:3] == ("Budget: 5k.\n", 13)
    mode, accepted, end, elements = read("PREVIEW_SUGGESTIONS_ACCEPTED")
    assert (mode, accepted, end) == ("PREVIEW_SUGGESTIONS_ACCEPTED", "Budget: 10k 🚀.\n", 17)
    assert not any(key.startswith("suggested") for element in elements for key in element["textRun"])


def test_a_date_chip_and_a_footnote_take_one_index_each_and_the_footnote_has_its_text(sandbox):
    sandbox.reset({"drive": {"files": [{"id": "1ChipsDoc", "name": "Launch", "mimeType": "doc", "content": [
        {"text": [["Launch "], {"date": "Oct 3, 2025"}, {"footnote": "Pending legal."}, ["."]]}]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    doc = ctx.service("docs").documents().get(documentId="1ChipsDoc").execute()

    text, date, note, end = paragraphs(doc)[0]["elements"]
    assert date["dateElement"]["dateElementProperties"]["displayText"] == "Oct 3, 2025" and date["endIndex"] - date["startIndex"] == 1
    reference = note["footnoteReference"]
    assert reference["footnoteNumber"] == "1" and note["startIndex"] == 9 and end["textRun"]["content"] == ".\n"
    [footnote] = doc["footnotes"][reference["footnoteId"]]["content"]
    assert text_of(footnote["paragraph"]) == "Pending legal.\n"
    exported = ctx.service("drive").files().export(fileId="1ChipsDoc", mimeType="text/plain").execute().decode()
    assert exported == "Launch Oct 3, 2025[1].\n"
