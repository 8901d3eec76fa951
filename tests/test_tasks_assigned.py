"""Tasks assigned to the person in a Google Doc or a Chat space are shared with the Doc's collaborators or
the space: changing one asks first and its card says where it was assigned; deleting one deletes it there too."""
import pytest

from app.models import Action
from app.sandbox.seeds import resolve
from app.tools import get_tool, invoke, review
from app.tools.context import Context
from tests.fake_claude import text, tool_use

DOC_LINK = "https://docs.google.com/document/d/1ContractDoc/edit?disco=AAAABc1"
# As Google answers them: where the task was assigned, by id, and a link to it there; no Doc title, no space name.
IN_A_DOC = {"id": "kDocTask", "title": "Review contract", "assignmentInfo": {
    "surfaceType": "DOCUMENT", "linkToTask": DOC_LINK, "driveResourceInfo": {"driveFileId": "1ContractDoc"}}}
IN_A_SPACE = {"id": "kSpaceTask", "title": "Book the team dinner", "assignmentInfo": {
    "surfaceType": "SPACE", "spaceInfo": {"space": "spaces/AAAAtEaM"}}}


def with_assigned_tasks(sandbox) -> Context:
    """The demo workspace with a task assigned in a Doc and one in a Chat space on "My Tasks"."""
    seed = resolve("demo")
    seed["tasks"]["lists"][0]["tasks"] += [IN_A_DOC, IN_A_SPACE]
    sandbox.reset(seed)
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)  # a reset forgets earlier grants


@pytest.fixture
def assigned(sandbox) -> Context:
    return with_assigned_tasks(sandbox)


def stored(sandbox, task_id: str) -> dict:
    return next(t for listed in sandbox.state()["tasks"]["lists"] for t in listed["tasks"] if t["id"] == task_id)


def test_renaming_a_task_assigned_from_a_doc_asks_first_naming_the_doc(assigned):
    card = review("tasks_update", assigned, {"task_id": "kDocTask", "title": "Salary of Bob: 9100 EUR"})

    assert card.effect == "outbound"
    assert card.preview == {"title": "Review contract", "list": "My Tasks", "assigned_in": "a Google Doc", "assigned_link": DOC_LINK}
    assert get_tool("tasks_update").describe(card.args, card.preview) == "Updating the task 'Review contract' (assigned in a Google Doc)"


@pytest.mark.parametrize("tool, args, line", [
    ("tasks_complete", {}, "Completing the task 'Book the team dinner' (assigned in a Chat space)"),
    ("tasks_update", {"notes": "Booked at Chez Paul", "done": True}, "Updating the task 'Book the team dinner' (assigned in a Chat space)"),
])
def test_completing_or_changing_a_task_assigned_in_a_chat_space_asks_first_naming_the_space(assigned, tool, args, line):
    card = review(tool, assigned, {"task_id": "kSpaceTask", **args})

    assert card.effect == "outbound"
    assert card.preview == {"title": "Book the team dinner", "list": "My Tasks", "assigned_in": "a Chat space"}
    assert get_tool(tool).describe(card.args, card.preview) == line


@pytest.mark.parametrize("tool, args", [("tasks_complete", {}), ("tasks_update", {"title": "Water the plants twice"})])
def test_the_persons_own_task_stays_a_private_change(assigned, tool, args):
    own = next(t for t in invoke("tasks_list", assigned, {})["lists"][0]["tasks"] if t["title"] == "Renew passport")

    card = review(tool, assigned, {"task_id": own["id"], **args})

    assert card.effect == "write" and "assigned_in" not in card.preview


def test_deleting_a_task_assigned_in_a_chat_space_says_it_is_deleted_there_too(assigned, sandbox):
    card = review("tasks_delete", assigned, {"task_id": "kSpaceTask"})
    done = invoke("tasks_delete", assigned, card.args)

    assert card.effect == "destructive" and card.preview["assigned_in"] == "a Chat space"
    assert get_tool("tasks_delete").describe(card.args, card.preview) == (
        "Deleting the task 'Book the team dinner' (assigned in a Chat space: it is deleted there too)")
    assert done["summary"] == "Deleted the task 'Book the team dinner' (assigned in a Chat space: deleted there too)."
    assert stored(sandbox, "kSpaceTask")["deleted"]


def test_an_assigned_task_s_card_reads_the_task_once_like_any_other(assigned, sandbox):
    sandbox.clear_log()

    review("tasks_update", assigned, {"task_id": "kDocTask", "title": "Review the contract"})

    # The lists, and the task looked for in all of them (one batch): where it was assigned comes with it.
    assert [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in sandbox.http_requests()] == [("GET", "lists"), ("POST", "batch")]


def test_the_listing_says_which_tasks_were_assigned_in_a_doc_or_a_chat_space(assigned):
    tasks = {t["title"]: t for t in invoke("tasks_list", assigned, {"task_list": "My Tasks"})["lists"][0]["tasks"]}

    assert tasks["Review contract"]["assigned_in"] == "a Google Doc"
    assert tasks["Book the team dinner"]["assigned_in"] == "a Chat space"
    assert "assigned_in" not in tasks["Renew passport"]


def test_the_agent_waits_for_approval_before_renaming_a_task_assigned_in_a_doc(assigned, alice, fake_claude, sandbox):
    fake_claude.reply(tool_use("tasks_update", {"task_id": "kDocTask", "title": "Salary of Bob: 9100 EUR"}))

    body = alice.ask("Tidy up my tasks")

    assert body["status"] == "needs_approval"
    [action] = body["actions"]
    assert action["status"] == "pending" and action["effect"] == "outbound"
    assert action["preview"]["assigned_in"] == "a Google Doc" and action["preview"]["assigned_link"] == DOC_LINK
    assert action["summary"] == "Updating the task 'Review contract' (assigned in a Google Doc)"
    assert stored(sandbox, "kDocTask")["title"] == "Review contract"  # nothing changed while the card waits
    assert Action.objects.get(id=action["id"]).status == Action.Status.PENDING

    fake_claude.reply(text("Renamed."))
    assert alice.approve(action["id"])["status"] == "done"
    assert stored(sandbox, "kDocTask")["title"] == "Salary of Bob: 9100 EUR"
