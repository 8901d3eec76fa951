"""The sandbox's Drive v3, exercised through google-api-python-client."""
import io
import urllib.request

import openpyxl
import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from app.tools.context import Context

ALL_DRIVES = {"corpora": "allDrives", "includeItemsFromAllDrives": True, "supportsAllDrives": True}


@pytest.fixture
def files(ctx):
    return ctx.service("drive").files()


def names(files, q, **params):
    found = files.list(q=q, fields="files(name)", orderBy="name", **params).execute()["files"]
    return [f["name"] for f in found]


def reason(error: HttpError) -> str:
    return error.error_details[0]["reason"]


def test_query_combines_and_or_not_with_parentheses(files):
    q = "(name contains 'Q3' or name contains 'meeting') and not mimeType = 'application/vnd.google-apps.spreadsheet'"
    assert names(files, q) == ["meeting-notes.txt", "Q3 planning notes"]


def test_not_applies_to_a_parenthesised_group_and_binds_tighter_than_and(files):
    q = "'1FinanceFolder' in parents and not (mimeType = 'application/pdf' or name = 'Archives 2025')"
    assert names(files, q) == ["Q3 budget"]
    assert names(files, "'alice@acme.example' in owners") == ["Vendor shortlist"]


def test_name_contains_matches_the_start_of_words_like_drive(files):
    assert names(files, "name contains 'plan'") == ["Q3 planning notes"]
    assert names(files, "name contains 'anning'") == []


def test_full_text_search_finds_words_inside_documents(files):
    assert names(files, "fullText contains 'dashboard' and trashed = false") == ["meeting-notes.txt", "Q3 planning notes"]


def test_a_malformed_query_is_rejected_with_invalid_value(files):
    with pytest.raises(HttpError) as caught:
        files.list(q="name contains 'Q3' and (trashed = false").execute()
    assert caught.value.status_code == 400
    assert "Invalid Value" in str(caught.value)


def test_trashed_files_are_listed_unless_the_query_excludes_them(files):
    assert "Old Q2 draft" in names(files, "name contains 'Old'")
    assert names(files, "name contains 'Old' and trashed = false") == []


def test_folder_contents_and_my_drive_root_by_parent(files):
    assert names(files, "'1FinanceFolder' in parents") == ["Archives 2025", "Invoice 2026-031.pdf", "Q3 budget"]
    assert "Finance" in names(files, "'root' in parents")


def test_modified_time_and_shared_with_me_terms(files):
    assert names(files, "modifiedTime > '2026-09-13T00:00:00' and trashed = false") == ["Q3 planning notes", "Vendor shortlist"]
    assert names(files, "sharedWithMe") == ["Vendor shortlist"]


def test_shared_drive_files_are_listed_only_with_both_all_drives_flags(files):
    assert names(files, "name contains 'Brand'") == []
    assert names(files, "name contains 'Brand'", corpora="allDrives", includeItemsFromAllDrives=True) == []
    assert names(files, "name contains 'Brand'", **ALL_DRIVES) == ["Brand guidelines 2026"]
    in_drive = names(files, "", corpora="drive", driveId="0AMarketingDrive", includeItemsFromAllDrives=True, supportsAllDrives=True)
    assert in_drive == ["Brand guidelines 2026", "Q3 campaign plan"]


def test_a_shared_drive_file_is_not_found_without_supports_all_drives(files):
    with pytest.raises(HttpError) as caught:
        files.get(fileId="1BrandGuidelinesDoc").execute()
    assert caught.value.status_code == 404
    assert files.get(fileId="1BrandGuidelinesDoc", supportsAllDrives=True).execute()["name"] == "Brand guidelines 2026"


def test_pages_follow_order_by_and_next_page_token(files):
    first = files.list(q="trashed = false", orderBy="modifiedTime desc", pageSize=2, fields="nextPageToken,files(name)").execute()
    assert [f["name"] for f in first["files"]] == ["Q3 planning notes", "Vendor shortlist"]
    second = files.list(q="trashed = false", orderBy="modifiedTime desc", pageSize=2, pageToken=first["nextPageToken"]).execute()
    assert [f["name"] for f in second["files"]] == ["meeting-notes.txt", "Q3 budget"]


def test_without_fields_only_the_basic_metadata_comes_back(files):
    assert set(files.get(fileId="1Q3BudgetSheet").execute()) == {"kind", "id", "name", "mimeType"}
    link = files.get(fileId="1Q3BudgetSheet", fields="webViewLink").execute()["webViewLink"]
    assert link.endswith("/_sandbox/open/file/1Q3BudgetSheet")


def test_docs_export_as_markdown_text_and_html_and_sheets_as_csv(files):
    markdown = files.export(fileId="1Q3PlanningNotesDoc", mimeType="text/markdown").execute().decode()
    assert markdown.startswith("# Q3 planning notes\n\nOwner: **Alice Chen**.")
    assert "- Hire two backend engineers\n    - Interviews led by *Bob*" in markdown
    plain = files.export(fileId="1Q3PlanningNotesDoc", mimeType="text/plain").execute().decode()
    assert "**" not in plain and "Owner: Alice Chen." in plain
    assert "<h2>Goals</h2>" in files.export(fileId="1Q3PlanningNotesDoc", mimeType="text/html").execute().decode()
    csv = files.export(fileId="1Q3BudgetSheet", mimeType="text/csv").execute().decode()
    assert csv.splitlines()[:2] == ["Item,Owner,Amount (EUR)", "Cloud hosting,Bob,12600"]
    assert files.export(fileId="1Q3BudgetSheet", mimeType="application/pdf").execute().startswith(b"%PDF-")
    xlsx = files.export(fileId="1Q3BudgetSheet", mimeType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").execute()
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Sheet1", "Forecast"] and book["Sheet1"]["C2"].value == 12600


def test_a_sheet_exported_as_excel_keeps_codes_names_and_long_ids_as_text(sandbox):
    sandbox.reset({"drive": {"files": [{"id": "1Staff", "name": "Staff", "mimeType": "sheet",
                                        "rows": [["Nan", "02134", "1234567890123456789", "inf", "42", "-3.5"]]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    xlsx = ctx.service("drive").files().export(fileId="1Staff", mimeType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").execute()
    row = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(xlsx))["Sheet1"][1]]
    assert row == ["Nan", "02134", "1234567890123456789", "inf", 42, -3.5]


def test_unsupported_exports_and_downloads_of_google_files_are_refused(files):
    with pytest.raises(HttpError) as caught:
        files.export(fileId="1Q3BudgetSheet", mimeType="text/markdown").execute()
    assert caught.value.status_code == 400
    with pytest.raises(HttpError) as caught:
        files.get_media(fileId="1Q3PlanningNotesDoc").execute()
    assert caught.value.status_code == 403 and reason(caught.value) == "fileNotDownloadable"


def test_multipart_upload_and_download_keep_binary_bytes(files, sandbox):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\r\n--not-a-boundary\r\n%%EOF\n"
    media = MediaIoBaseUpload(io.BytesIO(pdf), mimetype="application/pdf")
    created = files.create(body={"name": "Scan.pdf", "parents": ["1FinanceFolder"]}, media_body=media, fields="id,size,mimeType").execute()
    assert files.get_media(fileId=created["id"]).execute() == pdf
    assert created["size"] == str(len(pdf)) and created["mimeType"] == "application/pdf"
    assert [r["path"] for r in sandbox.http_requests()][0] == "/upload/drive/v3/files"


def test_a_media_only_upload_makes_an_untitled_file(files):
    created = files.create(media_body=MediaIoBaseUpload(io.BytesIO(b"hello"), mimetype="text/plain"), fields="id,name").execute()
    assert created["name"] == "Untitled"
    assert files.get_media(fileId=created["id"]).execute() == b"hello"


def test_text_uploaded_as_a_google_doc_is_converted(files):
    media = MediaIoBaseUpload(io.BytesIO("Line one\nLigne deux 🎉".encode()), mimetype="text/plain")
    body = {"name": "Imported", "mimeType": "application/vnd.google-apps.document"}
    created = files.create(body=body, media_body=media, fields="id").execute()
    assert files.export(fileId=created["id"], mimeType="text/plain").execute().decode() == "Line one\nLigne deux 🎉\n"


def test_update_moves_between_folders_and_trashes(files, sandbox):
    files.update(fileId="1MeetingNotesTxt", addParents="1FinanceFolder", removeParents="1ProjectsFolder", body={"trashed": True}).execute()
    stored = sandbox.state()["drive"]["files"]["1MeetingNotesTxt"]
    assert stored["parents"] == ["1FinanceFolder"] and stored["trashed"] is True


def test_copy_of_a_doc_is_independent_of_the_original(ctx, files):
    copied = files.copy(fileId="1Q3PlanningNotesDoc", body={"name": "Q3 copy"}).execute()
    request = {"insertText": {"location": {"index": 1}, "text": "DRAFT "}}
    ctx.service("docs").documents().batchUpdate(documentId=copied["id"], body={"requests": [request]}).execute()
    original = files.export(fileId="1Q3PlanningNotesDoc", mimeType="text/plain").execute().decode()
    assert files.export(fileId=copied["id"], mimeType="text/plain").execute().decode().startswith("DRAFT Q3")
    assert original.startswith("Q3 planning notes")


def test_sharing_records_the_permission_and_the_notification(ctx, sandbox):
    permissions = ctx.service("drive").permissions()
    made = permissions.create(
        fileId="1Q3BudgetSheet", body={"type": "user", "role": "writer", "emailAddress": "bob@acme.example"}, emailMessage="Please review"
    ).execute()
    state = sandbox.state()["drive"]
    assert {"emailAddress": "bob@acme.example", "role": "writer"}.items() <= state["files"]["1Q3BudgetSheet"]["permissions"][-1].items()
    assert state["notifications"] == [{"to": "bob@acme.example", "fileId": "1Q3BudgetSheet", "name": "Q3 budget", "role": "writer", "message": "Please review"}]
    permissions.delete(fileId="1Q3BudgetSheet", permissionId=made["id"]).execute()
    listed = permissions.list(fileId="1Q3BudgetSheet", fields="permissions(role,emailAddress)").execute()["permissions"]
    assert listed == [{"role": "owner", "emailAddress": "alex@acme.example"}]


def test_ownership_is_not_given_away_without_transfer_ownership(ctx):
    body = {"type": "user", "role": "owner", "emailAddress": "bob@acme.example"}
    with pytest.raises(HttpError) as caught:
        ctx.service("drive").permissions().create(fileId="1Q3BudgetSheet", body=body).execute()
    assert caught.value.status_code == 403


def test_shared_drives_and_about(ctx):
    drive = ctx.service("drive")
    assert drive.drives().list().execute()["drives"] == [{"kind": "drive#drive", "id": "0AMarketingDrive", "name": "Acme Marketing"}]
    assert drive.about().get(fields="user(emailAddress)").execute() == {"user": {"emailAddress": "alex@acme.example"}}


def test_a_grant_without_drive_scope_is_refused(sandbox):
    from app.tools.context import Context

    files = Context(sandbox.credentials(["https://www.googleapis.com/auth/gmail.modify"]), sandbox.url).service("drive").files()
    with pytest.raises(HttpError) as caught:
        files.list().execute()
    assert caught.value.status_code == 403 and reason(caught.value) == "insufficientPermissions"


def test_a_files_link_opens_the_sandbox_viewer_with_its_text(files):
    link = files.get(fileId="1Q3BudgetSheet", fields="webViewLink").execute()["webViewLink"]
    with urllib.request.urlopen(link) as page:
        shown = page.read().decode()
    assert "Q3 budget" in shown and "Cloud hosting,Bob,12600" in shown


def test_a_resumable_upload_in_chunks_keeps_every_byte(files, sandbox):
    data = bytes(range(256)) * 2048  # 512 KiB: two chunks of 256 KiB, the client's smallest chunk
    media = MediaIoBaseUpload(io.BytesIO(data), mimetype="application/zip", chunksize=256 * 1024, resumable=True)
    created = files.create(body={"name": "archive.zip", "parents": ["1ProjectsFolder"]}, media_body=media, fields="id,size,parents").execute()
    assert created["size"] == str(len(data)) and created["parents"] == ["1ProjectsFolder"]
    assert [r["method"] for r in sandbox.http_requests()] == ["POST", "PUT", "PUT"]
    assert files.get_media(fileId=created["id"]).execute() == data


def test_a_star_inside_parentheses_keeps_every_field_of_each_item(files):
    listing = files.list(q="name = 'Q3 budget'", fields="files(*)").execute()
    assert listing["files"] and {"id", "name", "mimeType", "permissions", "webViewLink"} <= set(listing["files"][0])


def test_a_file_in_a_shared_folder_lists_the_folders_people_among_its_permissions(ctx, files):
    body = {"type": "user", "role": "reader", "emailAddress": "eve@outside.example"}
    ctx.service("drive").permissions().create(fileId="1ProjectsFolder", body=body, sendNotificationEmail=False).execute()
    notes = files.get(fileId="1MeetingNotesTxt", fields="shared,permissions(emailAddress,role)").execute()
    assert notes["shared"] is True and {"emailAddress": "eve@outside.example", "role": "reader"} in notes["permissions"]
    assert files.get(fileId="1Q3BudgetSheet", fields="shared").execute()["shared"] is False


@pytest.mark.parametrize("wanted, part", [("bytes=0-3", b"0123"), ("bytes=6-", b"6789"), ("bytes=-3", b"789")])
def test_a_download_can_ask_for_part_of_a_file(files, wanted, part):
    upload = MediaIoBaseUpload(io.BytesIO(b"0123456789"), mimetype="text/plain")
    made = files.create(body={"name": "digits.txt"}, media_body=upload, fields="id").execute()
    request = files.get_media(fileId=made["id"])
    request.headers["Range"] = wanted

    assert request.execute() == part


def test_a_shared_drive_files_permissions_come_from_permissions_list_only(ctx, files):
    # As at Google: files.get and files.list say "not populated for items in shared drives".
    drive = ctx.service("drive")
    body = {"type": "user", "role": "reader", "emailAddress": "eve@outside.example"}
    drive.permissions().create(fileId="1BrandGuidelinesDoc", body=body, sendNotificationEmail=False, supportsAllDrives=True).execute()

    got = files.get(fileId="1BrandGuidelinesDoc", fields="id,driveId,shared,permissions", supportsAllDrives=True).execute()
    listed = files.list(q="name = 'Brand guidelines 2026'", fields="files(id,shared,permissions)", **ALL_DRIVES).execute()
    granted = drive.permissions().list(fileId="1BrandGuidelinesDoc", fields="permissions(emailAddress)", supportsAllDrives=True).execute()

    assert got == {"id": "1BrandGuidelinesDoc", "driveId": "0AMarketingDrive"}
    assert listed["files"] == [{"id": "1BrandGuidelinesDoc"}]
    assert granted["permissions"] == [{"emailAddress": "eve@outside.example"}]


def share_folder(ctx, folder_id, email, role="reader"):
    body = {"type": "user", "role": role, "emailAddress": email}
    ctx.service("drive").permissions().create(fileId=folder_id, body=body, sendNotificationEmail=False,
                                              supportsAllDrives=True).execute()


def test_a_copy_without_a_name_or_folder_is_copy_of_beside_the_original_and_mine(files):
    copied = files.copy(fileId="1Q3BudgetSheet", body={}, fields="name,parents,owners(emailAddress)").execute()

    assert copied == {"name": "Copy of Q3 budget", "parents": ["1FinanceFolder"], "owners": [{"emailAddress": "alex@acme.example"}]}


def test_a_copy_of_a_file_shared_with_me_is_mine_and_goes_to_my_drive(files):
    copied = files.copy(fileId="1VendorShortlistDoc", body={}, fields="id,parents,owners(emailAddress)").execute()

    assert copied["parents"] == [files.get(fileId="root", fields="id").execute()["id"]]
    assert copied["owners"] == [{"emailAddress": "alex@acme.example"}]
    assert files.export(fileId=copied["id"], mimeType="text/plain").execute().decode().startswith("Vendor shortlist")


def test_a_copy_is_seen_by_the_people_of_its_folder_not_by_those_the_original_was_shared_with(ctx, files):
    share_folder(ctx, "1ProjectsFolder", "eve@outside.example")
    share_folder(ctx, "1Q3BudgetSheet", "bob@acme.example")

    copied = files.copy(fileId="1Q3BudgetSheet", body={"parents": ["1ProjectsFolder"]}, fields="permissions(emailAddress)").execute()

    assert {p["emailAddress"] for p in copied["permissions"]} == {"alex@acme.example", "eve@outside.example"}


def test_a_copy_into_a_shared_drive_belongs_to_the_drive_and_needs_supports_all_drives(files):
    with pytest.raises(HttpError) as caught:
        files.copy(fileId="1Q3BudgetSheet", body={"parents": ["0AMarketingDrive"]}).execute()
    copied = files.copy(fileId="1Q3BudgetSheet", body={"parents": ["0AMarketingDrive"]}, supportsAllDrives=True,
                        fields="driveId,owners").execute()

    assert caught.value.status_code == 404
    assert copied == {"driveId": "0AMarketingDrive"}  # a shared drive's files have no owner


def test_a_copy_out_of_a_shared_drive_into_my_drive_is_mine(files):
    copied = files.copy(fileId="1Q3CampaignSheet", body={"parents": ["root"]}, supportsAllDrives=True,
                        fields="id,driveId,owners(emailAddress)").execute()

    assert "driveId" not in copied and copied["owners"] == [{"emailAddress": "alex@acme.example"}]
    assert files.export(fileId=copied["id"], mimeType="text/csv").execute().decode().startswith("Week,Channel,Budget")


def test_a_folder_cannot_be_copied(files, sandbox):
    before = len(sandbox.state()["drive"]["files"])
    with pytest.raises(HttpError) as caught:
        files.copy(fileId="1FinanceFolder", body={}).execute()

    assert caught.value.status_code == 403 and reason(caught.value) == "cannotCopyFile"
    assert files.get(fileId="1FinanceFolder", fields="capabilities(canCopy)").execute() == {"capabilities": {"canCopy": False}}
    assert len(sandbox.state()["drive"]["files"]) == before


def test_nothing_is_put_in_a_folder_the_account_may_only_view(sandbox):
    sandbox.reset({"drive": {"files": [
        {"id": "1AliceFolder", "name": "Alice's plans", "mimeType": "folder", "owner": {"email": "alice@acme.example"},
         "permissions": [{"emailAddress": "demo@example.com", "role": "reader"}]},
        {"id": "1Notes", "name": "Notes", "mimeType": "text/plain", "text": "x"}]}})
    files = Context(credentials=sandbox.credentials(), api_root=sandbox.url).service("drive").files()

    with pytest.raises(HttpError) as caught:
        files.copy(fileId="1Notes", body={"parents": ["1AliceFolder"]}).execute()

    assert caught.value.status_code == 403 and reason(caught.value) == "insufficientParentPermissions"
    assert files.get(fileId="1AliceFolder", fields="capabilities(canAddChildren)").execute() == {"capabilities": {"canAddChildren": False}}
    assert len(sandbox.state()["drive"]["files"]) == 2


def test_my_drive_s_top_folder_is_read_like_any_folder(files):
    root = files.get(fileId="root", fields="id,name,mimeType,owners(me)").execute()

    assert root == {"id": "0ARootFolder", "name": "My Drive", "mimeType": "application/vnd.google-apps.folder", "owners": [{"me": True}]}


def test_a_shared_drive_says_whether_the_account_may_add_files_to_it(sandbox):
    sandbox.reset({"drive": {"drives": [{"id": "0ATeam", "name": "Team"}, {"id": "0ATemplates", "name": "Templates", "role": "reader"}]}})
    drives = Context(credentials=sandbox.credentials(), api_root=sandbox.url).service("drive").drives()

    listed = drives.list(fields="drives(name,capabilities(canAddChildren))").execute()["drives"]

    assert listed == [{"name": "Team", "capabilities": {"canAddChildren": True}},
                      {"name": "Templates", "capabilities": {"canAddChildren": False}}]
    assert drives.get(driveId="0ATemplates", fields="capabilities").execute() == {"capabilities": {"canAddChildren": False}}
