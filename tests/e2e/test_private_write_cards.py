"""With AGENT_APPROVAL=all even private writes ask first, and their cards name what they touch, never ids."""
import pytest
from playwright.sync_api import expect

from app.sandbox.seeds import resolve
from app.tools import invoke
from tests.e2e.test_approval_cards import cards_for
from tests.fake_claude import tool_use
from tests.live_app import LiveApp


@pytest.fixture(scope="module")
def asking_app(sandbox_server, fake_claude_server, tmp_path_factory):
    app = LiveApp(tmp_path_factory.mktemp("all") / "db.sqlite3", sandbox_server.url, fake_claude_server.url,
                  AGENT_APPROVAL="all").start()
    yield app
    app.stop()


@pytest.fixture
def app_url(asking_app, sandbox, claude):
    """The pages of these tests talk to the app that asks before every write."""
    return asking_app.url


def expect_card(card, title: str, rows: dict) -> None:
    """The card asks `title` and shows each of `rows` (label: text) as a field."""
    expect(card.locator("h3")).to_have_text(title)
    for label, text in rows.items():
        expect(card.locator(f"dt:text-is('{label}') + dd")).to_have_text(text)


@pytest.fixture
def q3_subtask(sandbox) -> dict:
    """The demo workspace where "Book venue" is a subtask of the Q3 task "Draft Q3 report narrative" (only
    a seed makes one: requests cannot set a task's parent); the ids of the list and of both tasks."""
    seed = resolve("demo")
    q3 = next(entry for entry in seed["tasks"]["lists"] if entry["title"] == "Q3")
    narrative = next(task for task in q3["tasks"] if task["title"] == "Draft Q3 report narrative")
    narrative["id"] = "kQ3NarrativeTask"
    q3["tasks"].append({"id": "kQ3VenueTask", "title": "Book venue", "parent": narrative["id"]})
    sandbox.reset(seed)
    return {"list": q3["id"], "narrative": narrative["id"], "venue": "kQ3VenueTask"}


def test_task_cards_name_the_task_the_task_it_is_part_of_and_the_list(q3_subtask, page, claude):
    cards = cards_for(page, claude,
                      tool_use("tasks_add", {"title": "Send slides to Bob", "due": "2030-03-08", "task_list": "q3"}),
                      tool_use("tasks_complete", {"task_id": q3_subtask["venue"]}),
                      tool_use("tasks_update", {"task_id": q3_subtask["narrative"], "due": "2030-03-15", "done": False}))

    add, complete, update = cards.nth(0), cards.nth(1), cards.nth(2)
    expect_card(add, "Add this task?", {"Task": "Send slides to Bob", "Due": "Friday, March 8, 2030", "List": "Q3"})
    expect_card(complete, "Mark this task done?", {"Task": "Book venue", "Subtask of": "Draft Q3 report narrative", "List": "Q3"})
    expect_card(update, "Change this task?", {"Task": "Draft Q3 report narrative", "New due date": "Friday, March 15, 2030",
                                              "Mark it": "not done (reopen it)"})
    for card in (add, complete, update):
        for some_id in q3_subtask.values():
            expect(card).not_to_contain_text(some_id)


def test_a_task_change_that_removes_its_due_date_says_so_on_its_card(page, claude, ctx):
    task = next(t for t in invoke("tasks_list", ctx, {})["lists"][0]["tasks"] if t["title"] == "Review Bob's budget draft")

    card = cards_for(page, claude, tool_use("tasks_update", {"task_id": task["id"], "clear_due": True})).first

    expect_card(card, "Change this task?", {"Task": "Review Bob's budget draft", "New due date": "none: the due date is removed"})


def test_a_new_doc_s_card_shows_its_title_where_it_goes_and_its_text(page, claude):
    text = "# Launch plan\n\n- Book the venue\n- Invite the press"

    card = cards_for(page, claude, tool_use("docs_create", {"name": "Launch plan", "markdown": text})).first

    expect_card(card, "Create this Google Doc?", {"Title": "Launch plan", "In folder": "My Drive", "Seen by": "only you"})
    expect(card.locator("pre[aria-label='Text of the Doc']")).to_have_text(text)


def test_a_label_change_s_card_names_the_email_and_the_labels_it_adds_and_removes(page, claude, ctx):
    invoice = invoke("gmail_search", ctx, {"query": "subject:INV-2031"})["messages"][0]
    change = {"message_ids": [invoice["id"]], "read": True, "archive": True, "add_labels": ["To pay", "starred"],
              "remove_labels": ["finance"]}

    card = cards_for(page, claude, tool_use("gmail_modify", change)).first

    expect_card(card, "Change these emails?", {
        "Emails": "“Invoice INV-2031 for May” from CloudHost Billing <billing@cloudhost.example>",
        "Mark as": "read",
        "Archive": "yes, out of the Inbox",
        "Add labels": "To pay (a new label), Starred",
        "Remove labels": "Finance",
        "Applies to": "each email's whole conversation, as in Gmail (the star marks the email alone)",
    })
    expect(card).not_to_contain_text(invoice["id"])
