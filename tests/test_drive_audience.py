"""Writing where other people can read hands them the text: it waits for the person's approval.

An instruction planted in an email must not copy private data into a doc or
folder that an outsider can open without the person seeing and approving it.
"""
from app.tools import get_tool
from app.tools.drive import file_preview


def review(ctx, tool_name, **args):
    tool = get_tool(tool_name)
    return tool.review(ctx, tool.validate(args))


def share(ctx, file_id, email=None):
    permissions = ctx.service("drive").permissions()
    if email:
        body = {"type": "user", "role": "reader", "emailAddress": email}
        permissions.create(fileId=file_id, body=body, sendNotificationEmail=False).execute()
    else:
        permissions.create(fileId=file_id, body={"type": "anyone", "role": "reader"}).execute()


def test_appending_to_a_private_doc_is_a_plain_write_naming_the_doc(ctx):
    checked = review(ctx, "docs_append", document="1Q3PlanningNotesDoc", markdown="Salaries: ...")
    assert checked.effect == "write"
    assert checked.preview == {"name": "Q3 planning notes", "type": "doc", "shared_with": []}


def test_appending_to_a_doc_someone_else_owns_needs_approval(ctx):
    checked = review(ctx, "docs_append", document="https://docs.google.com/document/d/1VendorShortlistDoc/edit", markdown="x")
    assert checked.effect == "outbound" and checked.preview["shared_with"] == ["alice@acme.example"]


def test_appending_to_a_doc_shared_with_an_outsider_needs_approval(ctx):
    share(ctx, "1Q3PlanningNotesDoc", "eve@outside.example")
    checked = review(ctx, "docs_append", document="1Q3PlanningNotesDoc", markdown="x")
    assert checked.effect == "outbound" and checked.preview["shared_with"] == ["eve@outside.example"]


def test_appending_to_a_doc_in_a_shared_drive_needs_approval(ctx):
    checked = review(ctx, "docs_append", document="1BrandGuidelinesDoc", markdown="x")
    assert checked.effect == "outbound" and checked.preview["shared_with"] == ["shared drive Acme Marketing"]


def test_appending_to_a_doc_inside_a_folder_shared_by_link_needs_approval(ctx):
    share(ctx, "1ProjectsFolder")
    checked = review(ctx, "docs_append", document="1Q3PlanningNotesDoc", markdown="x")
    assert checked.effect == "outbound" and checked.preview["shared_with"] == ["anyone with the link"]


def test_creating_a_file_in_a_shared_folder_needs_approval_and_goes_where_the_card_says(ctx):
    share(ctx, "1FinanceFolder", "eve@outside.example")
    checked = review(ctx, "drive_create_file", name="Payroll", content="a,b", kind="sheet", folder="Finance")
    assert checked.effect == "outbound"
    assert checked.args["folder"] == "1FinanceFolder"
    assert checked.preview == {"folder": "Finance", "shared_with": ["eve@outside.example"]}


def test_reviewing_a_file_for_a_folder_reads_each_thing_once(ctx, sandbox):
    share(ctx, "1FinanceFolder", "eve@outside.example")
    sandbox.clear_log()

    review(ctx, "drive_create_file", name="Payroll", folder="Finance")

    reads = [r["path"] for r in sandbox.http_requests() if r["method"] == "GET"]
    assert reads and len(reads) == len(set(reads))


def q3_report_attachment(ctx) -> dict:
    messages = ctx.service("gmail").users().messages()
    q3 = messages.list(userId="me", q="subject:q3 filename:final").execute()["messages"][0]["id"]
    return {"message_id": q3, "attachment_id": "1"}


def test_saving_an_attachment_into_a_folder_an_outsider_can_read_needs_approval_naming_file_and_folder(ctx):
    share(ctx, "1FinanceFolder", "eve@outside.example")
    checked = review(ctx, "gmail_save_attachment", **q3_report_attachment(ctx), folder="Finance")
    assert checked.effect == "outbound"
    assert checked.preview == {"folder": "Finance", "shared_with": ["eve@outside.example"],
                               "attachment": {"name": "Q3-report-final.pdf", "type": "application/pdf", "size": 592}}
    assert checked.args["folder"] == "1FinanceFolder"


def test_saving_an_attachment_into_a_private_folder_is_a_plain_write(ctx):
    assert review(ctx, "gmail_save_attachment", **q3_report_attachment(ctx), folder="Finance").effect == "write"


def test_creating_a_file_in_a_private_folder_or_my_drive_is_a_plain_write(ctx):
    assert review(ctx, "drive_create_file", name="Notes", folder="Projects").effect == "write"
    assert review(ctx, "drive_create_file", name="Notes").effect == "write"


def test_creating_a_file_in_a_shared_drive_folder_needs_approval(ctx):
    body = {"name": "Campaign assets", "mimeType": "application/vnd.google-apps.folder", "parents": ["0AMarketingDrive"]}
    ctx.service("drive").files().create(body=body, supportsAllDrives=True).execute()
    checked = review(ctx, "drive_create_file", name="Draft", folder="Campaign assets")
    assert checked.effect == "outbound" and checked.preview["shared_with"] == ["shared drive Acme Marketing"]


def test_the_card_lists_who_else_can_see_a_file(ctx):
    assert file_preview(ctx, "1Q3BudgetSheet")["shared_with"] == []
    share(ctx, "1Q3BudgetSheet", "bob@acme.example")
    share(ctx, "1Q3BudgetSheet")
    assert file_preview(ctx, "1Q3BudgetSheet")["shared_with"] == ["bob@acme.example", "anyone with the link"]


def test_appending_to_a_shared_drive_doc_in_a_folder_shared_with_an_outsider_names_them(ctx):
    # Drive leaves a shared-drive item's permissions out of files.get: they are read with permissions.list.
    body = {"name": "Agency handoff", "mimeType": "application/vnd.google-apps.folder", "parents": ["0AMarketingDrive"]}
    folder = ctx.service("drive").files().create(body=body, supportsAllDrives=True).execute()["id"]
    ctx.service("drive").files().update(fileId="1BrandGuidelinesDoc", addParents=folder, removeParents="0AMarketingDrive",
                                        supportsAllDrives=True).execute()
    permissions = ctx.service("drive").permissions()
    permissions.create(fileId=folder, body={"type": "user", "role": "reader", "emailAddress": "eve@outside.example"},
                       sendNotificationEmail=False, supportsAllDrives=True).execute()

    checked = review(ctx, "docs_append", document="1BrandGuidelinesDoc", markdown="x")

    assert checked.preview["shared_with"] == ["eve@outside.example", "shared drive Acme Marketing"]
