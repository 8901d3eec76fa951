"""Sandbox emulation of Google Tasks v1: task lists and tasks.

Seed section "tasks":
    {"lists": [{"title": "My Tasks", "id": "...",                  # the first list is @default
                "tasks": [{"title": "...", "notes": "...",
                           "due": 2,                               # days from today, or "YYYY-MM-DD"
                           "status": "completed", "hidden": true,  # optional
                           "assignmentInfo": {...},                # optional: assigned to the person, below
                           "parent": "...",                        # optional: a subtask of the task of that id
                           "id": "..."}]}]}
A task assigned to the person in a Google Doc or a Chat space carries
`assignmentInfo` as Google answers it, e.g.
    {"surfaceType": "DOCUMENT", "linkToTask": "https://docs.google.com/...",
     "driveResourceInfo": {"driveFileId": "1Abc"}}
    {"surfaceType": "SPACE", "linkToTask": "https://chat.google.com/...",
     "spaceInfo": {"space": "spaces/AAAA"}}
(Google names neither the Doc nor the space). Only a seed gives it: it is
read-only through the API, which keeps it whatever a request body says.
Like Google, a due date is a date stored as midnight UTC, and completing a
task stamps `completed`; tasks completed in Google's own apps come back
hidden, which is why listing them needs showHidden=true, and tasks assigned
from a Doc or a Chat space are listed only with showAssigned=true. A list's
tasks come in the order they were last changed, not in the person's order:
Google does not say in what order it lists them, and `position` is what
orders a task among its siblings. `parent` and `position` are read-only (only
tasks.move changes them), and a deleted task is found only by listing with
showDeleted=true.
"""
import uuid
from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote

from app.sandbox.clock import utc_stamp
from app.sandbox.routing import ApiError, Router
from app.scopes import G, TASKS

router = Router("tasks")

READ = (TASKS, G + "tasks.readonly")
WRITE = (TASKS,)
LISTS = r"/tasks/v1/users/@me/lists"
TASK_LIST = r"/tasks/v1/lists/(?P<list_id>[^/]+)/tasks"
TASK = TASK_LIST + r"/(?P<task_id>[^/]+)"
WRITABLE = ("title", "notes", "due", "status")  # what a request body may set; the rest is Google's
STATUSES = ("needsAction", "completed")


def due_stamp(value) -> str:
    """Tasks keep only the date of `due`; the time part is always midnight UTC."""
    if isinstance(value, int):
        day = datetime.now(timezone.utc).date() + timedelta(days=value)
    else:
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            raise ApiError(400, f"Invalid value for due: {value}", "invalid") from None
    return day.isoformat() + "T00:00:00.000Z"


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox
        self.lists: dict[str, dict] = {}
        self.tasks: dict[str, dict[str, dict]] = {}
        for spec in seed.get("lists", [{"title": "My Tasks"}]):
            tasklist = self.add_list({"title": spec["title"], "id": spec.get("id")})
            for task in reversed(spec.get("tasks", [])):  # each insert goes on top
                added = self.add_task(tasklist["id"], task)
                if task.get("assignmentInfo"):  # assigned from a Doc or Chat space; read-only in the API
                    self.tasks[tasklist["id"]][added["id"]]["assignmentInfo"] = task["assignmentInfo"]

    def dump(self) -> dict:
        return {"lists": [{**tasklist, "tasks": list(self.tasks[tid].values())} for tid, tasklist in self.lists.items()]}

    def view(self, kind: str, item_id: str) -> dict | None:
        if kind == "task":
            return next((tasks[item_id] for tasks in self.tasks.values() if item_id in tasks), None)
        return self.lists.get(item_id) if kind == "tasklist" else None

    def add_list(self, body: dict) -> dict:
        if not body.get("title"):
            raise ApiError(400, "Missing title.", "required")
        list_id = body.get("id") or uuid.uuid4().hex[:22]
        self.lists[list_id] = {"kind": "tasks#taskList", "id": list_id, "etag": f'"{uuid.uuid4().hex[:8]}"', "title": body["title"],
                               "updated": utc_stamp(), "selfLink": f"{self.sandbox.base_url}/tasks/v1/users/@me/lists/{list_id}"}
        self.tasks[list_id] = {}
        return self.lists[list_id]

    def tasklist(self, list_id: str) -> dict:
        list_id = unquote(list_id)  # clients send "@default" as %40default
        if list_id == "@default" and self.lists:
            return next(iter(self.lists.values()))
        if list_id not in self.lists:
            raise ApiError(404, "Task list not found.", "notFound")
        return self.lists[list_id]

    def add_task(self, list_id: str, body: dict) -> dict:
        if not body.get("title") and not body.get("notes"):
            raise ApiError(400, "A task needs a title.", "required")
        task_id = body.get("id") or uuid.uuid4().hex[:22]
        tasks = self.tasks[list_id]
        # New tasks go to the top of the list, as in Google Tasks.
        first = min((int(t["position"]) for t in tasks.values()), default=10**19)
        task = {"kind": "tasks#task", "id": task_id, "title": "", "status": "needsAction", "position": f"{first - 1:020d}",
                "parent": body.get("parent"),  # a seed's subtask; requests cannot set it
                "selfLink": f"{self.sandbox.base_url}/tasks/v1/lists/{list_id}/tasks/{task_id}",
                "webViewLink": self.sandbox.link("task", task_id), "links": []}
        edited = self.edited(task, {**body, "hidden": body.get("hidden", False)})
        tasks[task_id] = edited
        return _shown(edited)

    def task(self, list_id: str, task_id: str) -> dict:
        tasks = self.tasks[self.tasklist(list_id)["id"]]
        if task_id not in tasks or tasks[task_id].get("deleted"):
            raise ApiError(404, "Task not found.", "notFound")
        return tasks[task_id]

    def edit(self, list_id: str, task_id: str, body: dict) -> dict:
        """The task changed as `body` says, stored only if the change is valid; it moves to the end
        of its list's order, which is the order of the last change."""
        edited = self.edited(self.task(list_id, task_id), body)
        tasks = self.tasks[self.tasklist(list_id)["id"]]
        del tasks[task_id]
        tasks[task_id] = edited
        return _shown(edited)

    @staticmethod
    def edited(task: dict, body: dict) -> dict:
        out = {**task, **{k: v for k, v in body.items() if k in WRITABLE + ("hidden", "deleted")}}
        if body.get("due") is not None:
            out["due"] = due_stamp(body["due"])
        if out["status"] not in STATUSES:
            raise ApiError(400, f"Invalid value for status: {out['status']}", "invalid")
        if out["status"] == "completed":
            out["completed"] = body.get("completed") or task.get("completed") or utc_stamp()
        else:
            out.pop("completed", None)
        return {**out, "updated": utc_stamp(), "etag": f'"{uuid.uuid4().hex[:8]}"'}

    def listing(self, list_id: str, request) -> list[dict]:
        show_completed = request.bool_arg("showCompleted", True)
        show_hidden, show_deleted = request.bool_arg("showHidden"), request.bool_arg("showDeleted")
        due_min, due_max = request.arg("dueMin"), request.arg("dueMax")
        updated_min = request.arg("updatedMin")
        out = []
        for task in self.tasks[list_id].values():
            if (task.get("deleted") and not show_deleted) or (task.get("hidden") and not show_hidden):
                continue
            if task.get("assignmentInfo") and not request.bool_arg("showAssigned"):
                continue
            if task["status"] == "completed" and not show_completed:
                continue
            if (due_min or due_max) and not task.get("due"):
                continue
            if (due_min and task["due"] < _utc(due_min)) or (due_max and task["due"] > _utc(due_max)):
                continue
            if updated_min and task["updated"] < _utc(updated_min):
                continue
            out.append(_shown(task))
        return out


def _shown(task: dict) -> dict:
    """A task as Google answers it: fields that are unset or false are left out."""
    return {k: v for k, v in task.items() if v is not None and v is not False}


def _utc(stamp: str) -> str:
    """An RFC 3339 bound in the same form as stored `due` values, so they compare as strings."""
    try:
        value = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"Invalid value: {stamp}", "invalid") from None
    return utc_stamp(value)


def _page(request, items: list, key: str, kind: str) -> dict:
    # Google's page sizes: tasks 20 unless asked (at most 100), task lists 1000 (at most 1000).
    size, cap = (20, 100) if kind == "tasks#tasks" else (1000, 1000)
    page, next_token = request.page(items, "maxResults", size, cap)
    out = {"kind": kind, "etag": '"1"', key: page}
    if next_token:
        out["nextPageToken"] = next_token
    return out


@router.get(LISTS, scopes=READ)
def tasklists_list(state, request):
    return _page(request, list(state.lists.values()), "items", "tasks#taskLists")


@router.post(LISTS, scopes=WRITE)
def tasklists_insert(state, request):
    return state.add_list({"title": request.json().get("title")})


@router.get(LISTS + r"/(?P<list_id>[^/]+)", scopes=READ)
def tasklists_get(state, request, list_id):
    return state.tasklist(list_id)


@router.get(TASK_LIST, scopes=READ)
def tasks_list(state, request, list_id):
    return _page(request, state.listing(state.tasklist(list_id)["id"], request), "items", "tasks#tasks")


@router.post(TASK_LIST, scopes=WRITE)
def tasks_insert(state, request, list_id):
    body = {k: v for k, v in request.json().items() if k in WRITABLE}
    return state.add_task(state.tasklist(list_id)["id"], body)


@router.get(TASK, scopes=READ)
def tasks_get(state, request, list_id, task_id):
    return _shown(state.task(list_id, task_id))


@router.patch(TASK, scopes=WRITE)
def tasks_patch(state, request, list_id, task_id):
    return state.edit(list_id, task_id, {k: v for k, v in request.json().items() if k in WRITABLE + ("completed",)})


@router.put(TASK, scopes=WRITE)
def tasks_update(state, request, list_id, task_id):
    body = {"notes": None, "due": None, **request.json()}  # a full update clears what it leaves out
    return state.edit(list_id, task_id, {k: v for k, v in body.items() if k in WRITABLE + ("completed",)})


@router.delete(TASK, scopes=WRITE)
def tasks_delete(state, request, list_id, task_id):
    state.edit(list_id, task_id, {"deleted": True, "hidden": True})
