"""Tasks assigned to the person in a Google Doc or a Chat space are shared with the Doc's collaborators or
the space: changing one asks first and its card says where it was assigned; deleting one deletes it there too."""
import pytest

from app.sandbox.seeds import resolve
from app.tools import invoke
from app.tools.context import Context

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


def test_the_listing_says_which_tasks_were_assigned_in_a_doc_or_a_chat_space(assigned):
    tasks = {t["title"]: t for t in invoke("tasks_list", assigned, {"task_list": "My Tasks"})["lists"][0]["tasks"]}

    assert tasks["Review contract"]["assigned_in"] == "a Google Doc"
    assert tasks["Book the team dinner"]["assigned_in"] == "a Chat space"
    assert "assigned_in" not in tasks["Renew passport"]
