"""Reading, adding and completing tasks, checked in the sandbox's task lists."""
import json
import random

import pytest

from app.tools import get_tool, invoke, review
from app.tools.context import Context
from app.tools.registry import ToolError
from app.tools.tasks import LISTING_LIMIT
from tests.fake_claude import text, tool_use


def sandbox_tasks(sandbox, title):
    lists = sandbox.state()["tasks"]["lists"]
    return {t["title"]: t for t in next(l for l in lists if l["title"] == title)["tasks"]}


def test_lists_show_open_tasks_with_due_dates(ctx):
    lists = invoke("tasks_list", ctx, {})["lists"]

    assert [l["title"] for l in lists] == ["My Tasks", "Q3"]
    mine = {t["title"]: t for t in lists[0]["tasks"]}
    assert "Expense report for October" not in mine
    assert len(mine["Review Bob's budget draft"]["due"]) == 10
    assert all(t["link"] for t in mine.values())


def test_tasks_assigned_from_a_doc_are_listed_too(sandbox):
    sandbox.reset({"tasks": {"lists": [{"title": "My Tasks", "tasks": [
        {"title": "Water the plants"},
        {"title": "Fix the intro of the Q3 notes", "assignmentInfo": {"surfaceType": "DOCUMENT"}},
    ]}]}})

    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)  # a reset forgets earlier grants
    titles = [t["title"] for t in invoke("tasks_list", ctx, {})["lists"][0]["tasks"]]

    assert sorted(titles) == ["Fix the intro of the Q3 notes", "Water the plants"]


def test_completed_tasks_are_shown_when_asked_even_hidden_ones(ctx):
    lists = invoke("tasks_list", ctx, {"task_list": "my tasks", "include_completed": True})["lists"]

    done = {t["title"] for t in lists[0]["tasks"] if t.get("done")}
    assert done == {"Expense report for October", "Order new badge"}


def test_a_reopened_task_that_google_had_hidden_is_listed_among_open_tasks(ctx):
    badge = next(t for t in invoke("tasks_list", ctx, {"include_completed": True})["lists"][0]["tasks"]
                 if t["title"] == "Order new badge")  # completed in Google's own app, so hidden

    invoke("tasks_update", ctx, {"task_id": badge["id"], "done": False})

    open_tasks = invoke("tasks_list", ctx, {"task_list": "My Tasks"})["lists"][0]["tasks"]
    assert "Order new badge" in [t["title"] for t in open_tasks]
    assert not any(t.get("done") for t in open_tasks)


def test_added_task_lands_in_the_named_list_with_its_due_date(ctx, sandbox):
    added = invoke("tasks_add", ctx, {"title": "Send slides to Bob", "notes": "v2 deck", "due": "2030-03-08", "task_list": "Q3"})

    stored = sandbox_tasks(sandbox, "Q3")["Send slides to Bob"]
    assert stored["due"] == "2030-03-08T00:00:00.000Z" and stored["notes"] == "v2 deck"
    assert added["task"]["due"] == "2030-03-08" and added["link"] == stored["webViewLink"]


def test_task_without_list_goes_to_the_default_list(ctx, sandbox):
    invoke("tasks_add", ctx, {"title": "Call the bank"})

    assert "Call the bank" in sandbox_tasks(sandbox, "My Tasks")


def test_completing_a_task_stamps_it_done(ctx, sandbox):
    task = next(t for t in invoke("tasks_list", ctx, {"task_list": "Q3"})["lists"][0]["tasks"] if t["title"] == "Draft Q3 report narrative")

    invoke("tasks_complete", ctx, {"task_id": task["id"]})

    stored = sandbox_tasks(sandbox, "Q3")["Draft Q3 report narrative"]
    assert stored["status"] == "completed" and stored["completed"]


def test_a_task_added_to_the_default_list_names_that_list_so_the_other_tools_find_it(ctx, sandbox):
    added = invoke("tasks_add", ctx, {"title": "Call the bank"})
    default = next(l for l in sandbox.state()["tasks"]["lists"] if l["title"] == "My Tasks")

    assert added["task"]["list"] == default["id"] and added["summary"] == "Added task 'Call the bank' to 'My Tasks'."
    listed = invoke("tasks_list", ctx, {"task_list": added["task"]["list"]})["lists"]
    assert [l["title"] for l in listed] == ["My Tasks"] and "Call the bank" in [t["title"] for t in listed[0]["tasks"]]
    invoke("tasks_complete", ctx, {"task_id": added["task"]["id"], "task_list": added["task"]["list"]})


def test_the_default_list_is_known_by_googles_name_for_it_too(ctx):
    added = invoke("tasks_add", ctx, {"title": "Call the bank", "task_list": "@default"})

    card = review("tasks_delete", ctx, {"task_id": added["task"]["id"], "task_list": "@default"})
    updated = invoke("tasks_update", ctx, {"task_id": added["task"]["id"], "task_list": "@default", "title": "Call the bank again"})
    listed = invoke("tasks_list", ctx, {"task_list": "@default"})["lists"]

    assert card.preview == {"title": "Call the bank", "list": "My Tasks"} and updated["task"]["list"] == added["task"]["list"]
    assert [l["title"] for l in listed] == ["My Tasks"] and "Call the bank again" in [t["title"] for t in listed[0]["tasks"]]


@pytest.mark.parametrize("tool", ["tasks_add", "tasks_list"])
def test_unknown_list_names_the_lists_there_are(ctx, tool):
    with pytest.raises(ToolError, match="No task list 'Groceries'") as missing:
        invoke(tool, ctx, {"title": "x", "task_list": "Groceries"} if tool == "tasks_add" else {"task_list": "Groceries"})
    assert missing.value.found == {"task_lists": ["My Tasks", "Q3"]}


def long_list(sandbox, count):
    sandbox.reset({"tasks": {"lists": [{"title": "Backlog", "tasks": [{"title": f"Task {i}"} for i in range(count)]}]}})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


def test_list_longer_than_a_page_shows_every_task(sandbox):
    backlog = invoke("tasks_list", long_list(sandbox, 150), {})["lists"][0]

    assert len(backlog["tasks"]) == 150 and len({t["id"] for t in backlog["tasks"]}) == 150
    assert "more" not in backlog


def test_very_long_list_says_how_many_of_its_tasks_are_shown(sandbox):
    backlog = invoke("tasks_list", long_list(sandbox, 350), {})["lists"][0]

    assert backlog["more"] == f"{len(backlog['tasks'])} of 300+ tasks shown"


def test_many_long_lists_share_the_listings_size_limit_and_each_says_what_it_leaves_out(sandbox):
    long = [{"title": f"Project {n}", "tasks": [{"title": f"Follow up item {i}", "notes": "Details " * 20, "due": i % 30}
                                                for i in range(120)]} for n in range(6)]
    sandbox.reset({"tasks": {"lists": [{"title": "Errands", "tasks": [{"title": "Buy stamps"}, {"title": "Post the forms"}]}, *long]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    listing = invoke("tasks_list", ctx, {})

    assert 0.9 * LISTING_LIMIT < len(json.dumps(listing, ensure_ascii=False)) <= LISTING_LIMIT  # what the short list leaves is used
    errands, *projects = listing["lists"]
    assert [t["title"] for t in errands["tasks"]] == ["Buy stamps", "Post the forms"] and "more" not in errands
    for project in projects:
        shown = len(project["tasks"])
        assert shown > 10 and project["more"] == f"{shown} of 120 tasks shown; ask for this list alone to see more"
        assert [t["title"] for t in project["tasks"]] == [f"Follow up item {i}" for i in range(shown)]
    assert not any("list" in t for listed in listing["lists"] for t in listed["tasks"])


def many_lists(sandbox, count):
    sandbox.reset({"tasks": {"lists": [{"title": f"List {n}", "tasks": [{"title": f"Task {n}"}]} for n in range(count)]}})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


def test_task_lists_google_gives_in_several_pages_are_all_found(sandbox):
    ctx = many_lists(sandbox, 105)
    sandbox.fault("/tasks/v1/users/@me/lists", short_page=100, count=10, method="GET")

    assert len(invoke("tasks_list", ctx, {})["lists"]) == 105
    invoke("tasks_add", ctx, {"title": "Book the room", "task_list": "List 104"})
    assert "Book the room" in sandbox_tasks(sandbox, "List 104")


def test_a_person_with_many_task_lists_has_them_read_in_one_request(sandbox):
    ctx = many_lists(sandbox, 105)
    sandbox.clear_log()

    invoke("tasks_add", ctx, {"title": "Book the room", "task_list": "List 104"})

    assert [r["path"] for r in sandbox.http_requests()].count("/tasks/v1/users/@me/lists") == 1


def test_a_subtask_names_its_parent_and_is_listed_under_it(sandbox):
    sandbox.reset({"tasks": {"lists": [{"title": "My Tasks", "tasks": [
        {"id": "p1", "title": "Plan offsite"}, {"title": "Water the plants"}, {"title": "Book venue", "parent": "p1"}]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    tasks = invoke("tasks_list", ctx, {})["lists"][0]["tasks"]

    assert [(t["title"], t.get("parent")) for t in tasks] == [
        ("Plan offsite", None), ("Book venue", "p1"), ("Water the plants", None)]


def test_long_notes_are_cut_with_a_marker(ctx):
    added = invoke("tasks_add", ctx, {"title": "Read the brief", "notes": "details " * 100})

    assert len(added["task"]["notes"]) == 500 and added["task"]["notes_truncated"] is True


def test_a_task_is_renamed_given_a_new_date_and_reopened(ctx, sandbox):
    task = next(t for t in invoke("tasks_list", ctx, {"task_list": "Q3"})["lists"][0]["tasks"] if t["title"] == "Draft Q3 report narrative")
    invoke("tasks_complete", ctx, {"task_id": task["id"]})

    updated = invoke("tasks_update", ctx, {"task_id": task["id"], "title": "Finish Q3 narrative", "due": "2030-03-08", "done": False})

    stored = sandbox_tasks(sandbox, "Q3")["Finish Q3 narrative"]
    assert stored["status"] == "needsAction" and not stored.get("completed") and stored["due"].startswith("2030-03-08")
    assert updated["summary"] == "Updated 'Finish Q3 narrative' (due, status, title)."


def test_a_tasks_due_date_is_removed_when_asked(ctx, sandbox):
    task = next(t for t in invoke("tasks_list", ctx, {})["lists"][0]["tasks"] if t["title"] == "Review Bob's budget draft")

    updated = invoke("tasks_update", ctx, {"task_id": task["id"], "clear_due": True})

    assert task["due"] and "due" not in updated["task"] and updated["summary"] == "Updated \"Review Bob's budget draft\" (due)."
    assert not sandbox_tasks(sandbox, "My Tasks")["Review Bob's budget draft"].get("due")


def test_a_new_due_date_and_its_removal_together_are_refused(ctx):
    with pytest.raises(ToolError, match="not both"):
        invoke("tasks_update", ctx, {"task_id": "anything", "due": "2030-03-08", "clear_due": True})


def test_deleting_a_task_names_it_on_the_card_and_removes_it(ctx, sandbox):
    task = next(t for t in invoke("tasks_list", ctx, {"task_list": "Q3"})["lists"][0]["tasks"] if t["title"] == "Draft Q3 report narrative")

    card = review("tasks_delete", ctx, {"task_id": task["id"]})
    invoke("tasks_delete", ctx, {"task_id": task["id"]})

    assert card.effect == "destructive" and card.preview == {"title": "Draft Q3 report narrative", "list": "Q3"}
    assert "Draft Q3 report narrative" not in [t["title"] for t in invoke("tasks_list", ctx, {"task_list": "Q3"})["lists"][0]["tasks"]]


@pytest.mark.parametrize("tool", ["tasks_complete", "tasks_update", "tasks_delete"])
@pytest.mark.parametrize("in_list", [None, "Q3"])
def test_a_deleted_task_is_not_marked_done_changed_or_deleted_again(ctx, tool, in_list):
    task = next(t for t in invoke("tasks_list", ctx, {"task_list": "Q3"})["lists"][0]["tasks"] if t["title"] == "Draft Q3 report narrative")
    invoke("tasks_delete", ctx, {"task_id": task["id"]})

    with pytest.raises(ToolError, match="No task with id|found nothing with that id"):
        invoke(tool, ctx, {"task_id": task["id"], "task_list": in_list, **({"title": "Redo"} if tool == "tasks_update" else {})})


def test_an_update_that_changes_nothing_says_so(ctx):
    with pytest.raises(ToolError, match="Nothing to change"):
        invoke("tasks_update", ctx, {"task_id": "anything"})


def test_a_task_google_added_before_its_answer_was_lost_is_added_once(ctx, sandbox):
    sandbox.fault("/tasks/v1/lists/", status=503, method="POST", after=True)  # added, but the answer was lost

    result = invoke("tasks_add", ctx, {"title": "File the VAT return", "notes": "Before the 5th", "due": "2030-03-05"})

    titles = [t["title"] for listed in invoke("tasks_list", ctx, {})["lists"] for t in listed["tasks"]]
    assert titles.count("File the VAT return") == 1
    assert result["task"]["due"] == "2030-03-05" and result["summary"] == "Added task 'File the VAT return' to 'My Tasks', due 2030-03-05."


def test_a_task_google_refused_with_a_5xx_is_reported_not_added(ctx, sandbox):
    sandbox.fault("/tasks/v1/lists/", status=503, method="POST")

    with pytest.raises(ToolError, match="Tasks is having trouble right now"):
        invoke("tasks_add", ctx, {"title": "File the VAT return"})

    assert [r["status"] for r in sandbox.http_requests() if r["method"] == "POST"] == [503]
    assert "File the VAT return" not in [t["title"] for listed in invoke("tasks_list", ctx, {})["lists"] for t in listed["tasks"]]


def test_a_task_google_rate_limited_is_added_after_a_pause_once(ctx, sandbox, monkeypatch):
    monkeypatch.setattr(random, "random", lambda: 0.0)  # no real pause before sending again
    sandbox.fault("/tasks/v1/lists/", status=429, method="POST")  # declined before anything was done

    invoke("tasks_add", ctx, {"title": "File the VAT return"})

    assert [r["status"] for r in sandbox.http_requests() if r["method"] == "POST"] == [429, 200]
    titles = [t["title"] for listed in invoke("tasks_list", ctx, {})["lists"] for t in listed["tasks"]]
    assert titles.count("File the VAT return") == 1


def test_a_task_google_refused_is_not_taken_for_one_of_that_name_just_completed(ctx, sandbox):
    earlier = invoke("tasks_add", ctx, {"title": "Call Bob"})
    invoke("tasks_complete", ctx, {"task_id": earlier["task"]["id"]})
    sandbox.fault("/tasks/v1/lists/", status=503, method="POST")

    with pytest.raises(ToolError, match="Tasks is having trouble right now"):
        invoke("tasks_add", ctx, {"title": "Call Bob"})


def test_tasks_and_subtasks_read_in_their_own_order_whatever_order_google_lists_them_in():
    from app.tools.tasks import under_parents

    listed = [{"id": "q", "position": "2"}, {"id": "b", "parent": "p", "position": "2"}, {"id": "x", "parent": "done", "position": "1"},
              {"id": "a", "parent": "p", "position": "1"}, {"id": "p", "position": "1"}]

    assert [t["id"] for t in under_parents(listed)] == ["p", "a", "b", "q", "x"]


def test_a_list_reads_in_the_persons_order_after_tasks_are_changed(sandbox):
    sandbox.reset({"tasks": {"lists": [{"title": "My Tasks", "tasks": [
        {"title": "Plan offsite"}, {"title": "Water the plants"}, {"title": "Call the bank"}]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    first = invoke("tasks_list", ctx, {})["lists"][0]["tasks"]

    invoke("tasks_update", ctx, {"task_id": first[0]["id"], "notes": "book the venue"})

    titles = [t["title"] for t in invoke("tasks_list", ctx, {})["lists"][0]["tasks"]]
    assert [t["title"] for t in first] == titles == ["Plan offsite", "Water the plants", "Call the bank"]


def test_the_agent_adds_a_task_with_the_due_date_it_was_asked_for(alice, fake_claude, sandbox):
    fake_claude.reply(tool_use("tasks_add", {"title": "File the VAT return", "due": "2030-03-05"}))
    fake_claude.reply(text("Added."))

    body = alice.ask("Remind me to file the VAT return on March 5th 2030")

    assert body["status"] == "done" and body["actions"][0]["input"]["due"] == "2030-03-05"
    assert sandbox_tasks(sandbox, "My Tasks")["File the VAT return"]["due"] == "2030-03-05T00:00:00.000Z"


def test_a_new_task_s_card_names_the_list_it_goes_into_and_the_task_lands_there(ctx, sandbox):
    card = review("tasks_add", ctx, {"title": "Send slides to Bob", "due": "2030-03-08", "task_list": "q3"})
    invoke("tasks_add", ctx, card.args)

    assert card.preview == {"list": "Q3"}
    assert get_tool("tasks_add").describe(card.args, card.preview) == "Adding the task 'Send slides to Bob' to 'Q3'"
    assert "Send slides to Bob" in sandbox_tasks(sandbox, "Q3")


def test_a_task_with_no_list_named_says_on_its_card_it_goes_to_the_default_list(ctx):
    assert review("tasks_add", ctx, {"title": "Call the bank"}).preview == {"list": "My Tasks"}


def subtask_world(sandbox) -> Context:
    sandbox.reset({"tasks": {"lists": [{"title": "My Tasks", "tasks": [{"title": "Water the plants"}]}, {"title": "Offsite", "tasks": [
        {"id": "p1", "title": "Plan offsite"}, {"id": "c1", "title": "Book venue", "parent": "p1"}]}]}})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


@pytest.mark.parametrize("tool, args, line", [
    ("tasks_complete", {}, "Completing the task 'Book venue'"),
    ("tasks_update", {"due": "2030-05-02"}, "Updating the task 'Book venue'"),
    ("tasks_delete", {}, "Deleting the task 'Book venue'"),
])
def test_a_subtask_s_card_names_it_its_list_and_the_task_it_is_part_of_never_their_ids(sandbox, tool, args, line):
    ctx = subtask_world(sandbox)

    card = review(tool, ctx, {"task_id": "c1", **args})

    assert card.preview == {"title": "Book venue", "list": "Offsite", "parent": "Plan offsite"}
    assert get_tool(tool).describe(card.args, card.preview) == line


def test_completing_a_subtask_after_its_card_reads_the_lists_and_finds_the_task_once(sandbox):
    ctx = subtask_world(sandbox)
    sandbox.clear_log()

    invoke("tasks_complete", ctx, review("tasks_complete", ctx, {"task_id": "c1"}).args)

    # The lists, the task looked for in all of them (one batch), its parent's title, the change itself.
    sent = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in sandbox.http_requests()]
    assert sent == [("GET", "lists"), ("POST", "batch"), ("GET", "p1"), ("PATCH", "c1")]
    assert sandbox_tasks(sandbox, "Offsite")["Book venue"]["status"] == "completed"


def test_an_update_that_changes_nothing_is_refused_before_its_card_reads_anything(ctx, sandbox):
    sandbox.clear_log()

    with pytest.raises(ToolError, match="Nothing to change"):
        review("tasks_update", ctx, {"task_id": "anything"})

    assert sandbox.log() == []
