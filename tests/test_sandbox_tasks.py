"""The Tasks emulator answers the real client the way Google does."""
import pytest
from googleapiclient.errors import HttpError

from app.tools.context import Context


@pytest.fixture
def tasks(ctx):
    return ctx.service("tasks")


def titles(response):
    return [t["title"] for t in response.get("items", [])]


def in_order(response):
    """The titles in the person's order: Google lists tasks in an order of its own."""
    return [t["title"] for t in sorted(response.get("items", []), key=lambda t: t["position"])]


def test_task_lists_are_listed_and_created(tasks):
    created = tasks.tasklists().insert(body={"title": "Groceries"}).execute()

    assert [l["title"] for l in tasks.tasklists().list().execute()["items"]] == ["My Tasks", "Q3", "Groceries"]
    assert tasks.tasklists().get(tasklist=created["id"]).execute()["title"] == "Groceries"


def test_hidden_completed_tasks_need_show_hidden(tasks):
    visible = titles(tasks.tasks().list(tasklist="@default").execute())
    everything = titles(tasks.tasks().list(tasklist="@default", showHidden=True).execute())
    open_only = in_order(tasks.tasks().list(tasklist="@default", showCompleted=False).execute())

    assert "Expense report for October" in visible and "Order new badge" not in visible
    assert "Order new badge" in everything
    assert "Expense report for October" not in open_only and open_only[0] == "Send Q3 report to the board"


def test_new_task_goes_on_top_with_a_date_only_due(tasks):
    task = tasks.tasks().insert(tasklist="@default", body={"title": "Pay invoice", "due": "2030-03-08T15:30:00.000Z"}).execute()

    assert task["due"] == "2030-03-08T00:00:00.000Z" and task["status"] == "needsAction"
    assert in_order(tasks.tasks().list(tasklist="@default").execute())[0] == "Pay invoice"


def test_due_range_filters_tasks(tasks):
    tasks.tasks().insert(tasklist="@default", body={"title": "Far away", "due": "2030-03-08T00:00:00.000Z"}).execute()

    found = tasks.tasks().list(tasklist="@default", dueMin="2030-03-01T00:00:00Z", dueMax="2030-03-31T00:00:00Z").execute()

    assert titles(found) == ["Far away"]


def test_completing_stamps_completed_and_reopening_clears_it(tasks):
    task = tasks.tasks().insert(tasklist="@default", body={"title": "Pay invoice"}).execute()

    done = tasks.tasks().patch(tasklist="@default", task=task["id"], body={"status": "completed"}).execute()
    reopened = tasks.tasks().update(tasklist="@default", task=task["id"], body={"id": task["id"], "title": "Pay invoice", "status": "needsAction"}).execute()

    assert done["completed"] and "completed" not in reopened


def status_of(call):
    with pytest.raises(HttpError) as caught:
        call.execute()
    return caught.value.status_code


def test_a_deleted_task_is_found_only_among_deleted_tasks(tasks):
    task = tasks.tasks().insert(tasklist="@default", body={"title": "Pay invoice"}).execute()

    tasks.tasks().delete(tasklist="@default", task=task["id"]).execute()

    assert "Pay invoice" not in titles(tasks.tasks().list(tasklist="@default", showHidden=True).execute())
    deleted = tasks.tasks().list(tasklist="@default", showDeleted=True, showHidden=True).execute()["items"]
    assert [t.get("deleted") for t in deleted if t["id"] == task["id"]] == [True]
    assert status_of(tasks.tasks().get(tasklist="@default", task=task["id"])) == 404
    assert status_of(tasks.tasks().patch(tasklist="@default", task=task["id"], body={"status": "completed"})) == 404
    assert status_of(tasks.tasks().delete(tasklist="@default", task=task["id"])) == 404


def test_a_tasks_parent_cannot_be_set_through_its_body(tasks):
    parent = tasks.tasks().insert(tasklist="@default", body={"title": "Plan offsite"}).execute()

    task = tasks.tasks().insert(tasklist="@default", body={"title": "Book venue", "parent": parent["id"]}).execute()
    patched = tasks.tasks().patch(tasklist="@default", task=task["id"], body={"parent": parent["id"]}).execute()

    assert "parent" not in task and "parent" not in patched
    assert "parent" not in tasks.tasks().get(tasklist="@default", task=task["id"]).execute()


@pytest.mark.parametrize("change", [{"status": "done"}, {"due": "next week"}])
def test_a_refused_change_leaves_the_task_as_it_was(tasks, change):
    task = tasks.tasks().insert(tasklist="@default", body={"title": "Pay invoice", "due": "2030-03-08"}).execute()

    assert status_of(tasks.tasks().patch(tasklist="@default", task=task["id"], body={"title": "Paid", **change})) == 400

    stored = tasks.tasks().get(tasklist="@default", task=task["id"]).execute()
    assert (stored["title"], stored["status"], stored["due"]) == ("Pay invoice", "needsAction", "2030-03-08T00:00:00.000Z")


def reseeded(sandbox, tasks_seed):
    sandbox.reset({"tasks": tasks_seed})
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url).service("tasks")  # a reset forgets grants


def test_tasks_are_listed_in_the_order_they_were_last_changed_not_in_the_persons_order(sandbox):
    tasks = reseeded(sandbox, {"lists": [{"title": "My Tasks", "tasks": [{"title": "A"}, {"title": "B"}, {"title": "C"}]}]})
    first = tasks.tasks().list(tasklist="@default").execute()

    a = next(t for t in first["items"] if t["title"] == "A")
    tasks.tasks().patch(tasklist="@default", task=a["id"], body={"notes": "call first"}).execute()
    after = tasks.tasks().list(tasklist="@default").execute()

    assert in_order(first) == in_order(after) == ["A", "B", "C"]
    assert titles(first) == ["C", "B", "A"] and titles(after)[-1] == "A"


def test_pages_are_googles_default_size_when_none_is_asked(sandbox):
    tasks = reseeded(sandbox, {"lists": [{"title": f"List {n}", "tasks": [{"title": f"Task {i}"} for i in range(25)]}
                                         for n in range(25)]})

    lists = tasks.tasklists().list().execute()
    page = tasks.tasks().list(tasklist="@default").execute()

    assert len(lists["items"]) == 25 and "nextPageToken" not in lists
    assert len(page["items"]) == 20 and page["nextPageToken"]


IN_A_DOC = {"surfaceType": "DOCUMENT", "linkToTask": "https://docs.google.com/document/d/1ContractDoc/edit?disco=AAAABc1",
            "driveResourceInfo": {"driveFileId": "1ContractDoc"}}


def test_a_task_assigned_in_a_doc_keeps_its_assignment_whatever_a_request_says(sandbox):
    tasks = reseeded(sandbox, {"lists": [{"title": "My Tasks", "tasks": [
        {"id": "kDocTask", "title": "Review contract", "assignmentInfo": IN_A_DOC}]}]})
    elsewhere = {"assignmentInfo": {"surfaceType": "SPACE", "spaceInfo": {"space": "spaces/AAAAtEaM"}}}

    patched = tasks.tasks().patch(tasklist="@default", task="kDocTask", body={"title": "Review the contract", **elsewhere}).execute()
    replaced = tasks.tasks().update(tasklist="@default", task="kDocTask", body={"id": "kDocTask", "title": "Review it"}).execute()
    tasks.tasks().insert(tasklist="@default", body={"title": "Fake assignment", **elsewhere}).execute()

    assert patched["assignmentInfo"] == replaced["assignmentInfo"] == IN_A_DOC
    listed = tasks.tasks().list(tasklist="@default", showAssigned=True).execute()["items"]
    assert {t["title"]: t.get("assignmentInfo") for t in listed} == {"Review it": IN_A_DOC, "Fake assignment": None}
    assert tasks.tasks().get(tasklist="@default", task="kDocTask").execute()["assignmentInfo"] == IN_A_DOC


def test_unknown_list_is_404(tasks):
    with pytest.raises(HttpError) as caught:
        tasks.tasks().list(tasklist="nope").execute()
    assert caught.value.status_code == 404
