"""With AGENT_APPROVAL=all even private writes ask first, and their cards name what they touch, never ids."""
import pytest
from playwright.sync_api import expect

from app.sandbox.seeds import resolve
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


def row(card, label: str):
    return card.locator(f"dt:text-is('{label}') + dd")


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
    expect(add).to_contain_text("Add this task?")
    expect(row(add, "Task")).to_have_text("Send slides to Bob")
    expect(row(add, "Due")).to_have_text("Friday, March 8, 2030")
    expect(row(add, "List")).to_have_text("Q3")
    expect(complete).to_contain_text("Mark this task done?")
    expect(row(complete, "Task")).to_have_text("Book venue")
    expect(row(complete, "Subtask of")).to_have_text("Draft Q3 report narrative")
    expect(row(complete, "List")).to_have_text("Q3")
    expect(row(update, "Task")).to_have_text("Draft Q3 report narrative")
    expect(row(update, "New due date")).to_have_text("Friday, March 15, 2030")
    expect(row(update, "Mark it")).to_have_text("not done (reopen it)")
    for card in (add, complete, update):
        for some_id in q3_subtask.values():
            expect(card).not_to_contain_text(some_id)


def test_a_new_doc_s_card_shows_its_title_where_it_goes_and_its_text(page, claude):
    text = "# Launch plan\n\n- Book the venue\n- Invite the press"

    card = cards_for(page, claude, tool_use("docs_create", {"name": "Launch plan", "markdown": text})).first

    expect(card).to_contain_text("Create this Google Doc?")
    expect(row(card, "Title")).to_have_text("Launch plan")
    expect(row(card, "In folder")).to_have_text("My Drive")
    expect(row(card, "Seen by")).to_have_text("only you")
    expect(card.locator("pre[aria-label='Text of the Doc']")).to_have_text(text)
