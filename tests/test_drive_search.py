"""drive_search: what a person finds when they ask for a file."""
import pytest

from app.tools import invoke
from app.tools.registry import ToolError


def search(ctx, **args):
    return invoke("drive_search", ctx, args)["files"]


def test_a_file_in_a_shared_drive_is_found_with_its_drive_name(ctx):
    found = search(ctx, query="Brand guidelines")
    assert [(f["name"], f.get("shared_drive")) for f in found] == [("Brand guidelines 2026", "Acme Marketing")]
    assert found[0]["link"].endswith("/_sandbox/open/file/1BrandGuidelinesDoc")


def test_search_matches_words_inside_files_and_skips_the_trash(ctx):
    names = {f["name"] for f in search(ctx, query="Q3")}
    assert names == {"Q3 planning notes", "Q3 budget", "Q3 campaign plan"}
    assert search(ctx, query="Old Q2 draft") == []
    assert [f["name"] for f in search(ctx, query="vendor shortlist", type="doc")] == ["Vendor shortlist"]


def test_type_and_folder_by_name_narrow_the_search(ctx):
    assert [f["name"] for f in search(ctx, folder="Finance", type="sheet")] == ["Q3 budget"]
    assert [f["name"] for f in search(ctx, type="pdf")] == ["Invoice 2026-031.pdf"]


def test_names_with_quotes_and_other_scripts_are_found(ctx):
    assert [f["id"] for f in search(ctx, query="Rapport d'activité")] == ["1RapportEteDoc"]
    assert [f["id"] for f in search(ctx, query="東京")] == ["1TokyoOffsiteTxt"]


def test_a_file_shared_by_someone_else_names_its_owner(ctx):
    assert search(ctx, query="Vendor")[0]["owner"] == "Alice Chen"


def test_without_words_the_most_recent_files_come_first(ctx):
    assert [f["name"] for f in search(ctx, limit=2)] == ["Q3 planning notes", "Vendor shortlist"]


def test_a_folder_name_that_does_not_exist_is_an_error_not_an_empty_folder(ctx):
    with pytest.raises(ToolError, match="Drive has no folder named 'Finanse'"):
        search(ctx, folder="Finanse")
    assert [f["name"] for f in search(ctx, folder="1FinanceFolder", type="sheet")] == ["Q3 budget"]


def test_a_shared_drive_or_a_folder_link_can_name_the_folder(ctx):
    assert {f["name"] for f in search(ctx, folder="Acme Marketing")} == {"Brand guidelines 2026", "Q3 campaign plan"}
    found = search(ctx, folder="https://drive.google.com/drive/folders/1FinanceFolder", type="pdf")
    assert [f["name"] for f in found] == ["Invoice 2026-031.pdf"]


def test_short_pages_from_drive_are_followed_up_to_the_limit(ctx, sandbox):
    sandbox.fault("/drive/v3/files", short_page=1, count=10, method="GET")

    assert {f["name"] for f in search(ctx, query="Q3")} == {"Q3 planning notes", "Q3 budget", "Q3 campaign plan"}


def test_a_folder_is_found_even_when_drive_answers_its_first_page_empty(ctx, sandbox):
    sandbox.fault("/drive/v3/files", short_page=0, count=1, method="GET")

    assert [f["name"] for f in search(ctx, folder="Finance", type="sheet")] == ["Q3 budget"]


def test_a_search_drive_could_not_finish_says_the_file_may_still_exist(ctx, sandbox):
    # With many shared drives, Google may skip some and say incompleteSearch: that is not "no such file".
    sandbox.fault("/drive/v3/files", incomplete=True, method="GET")

    found = invoke("drive_search", ctx, {"query": "Brand guidelines"})

    assert found["files"] == []
    assert found["note"].startswith("Drive could not search every shared drive this time")


def test_a_folder_in_a_shared_drive_the_search_skipped_is_found_in_its_drive(ctx, sandbox):
    body = {"name": "Agency handoff", "mimeType": "application/vnd.google-apps.folder", "parents": ["0AMarketingDrive"]}
    folder = ctx.service("drive").files().create(body=body, supportsAllDrives=True).execute()["id"]
    ctx.service("drive").files().update(fileId="1BrandGuidelinesDoc", addParents=folder, removeParents="0AMarketingDrive",
                                        supportsAllDrives=True).execute()
    # With that many shared drives every search of all of them is incomplete, not only the first.
    sandbox.fault("/drive/v3/files", incomplete=True, method="GET", count=100)

    assert [f["name"] for f in search(ctx, folder="Agency handoff")] == ["Brand guidelines 2026"]
