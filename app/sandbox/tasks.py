"""Sandbox emulation of Google Tasks v1: task lists and tasks.

Seed section "tasks":
    {"lists": [{"title": "My Tasks", "id": "...",                  # the first list is @default
                "tasks": [{"title": "...", "notes": "...",
                           "due": 2,                               # days from today, or "YYYY-MM-DD"
                           "status": "completed", "hidden": true,  # optional
                           "assignmentInfo": {"surfaceType": "DOCUMENT"},  # optional: assigned in a Doc
                           "parent": "...",                        # optional: a subtask of the task of that id
                           "id": "..."}]}]}
Like Google, a due date is a date stored as midnight UTC, and completing a
task stamps `completed`; tasks completed in Google's own apps come back
hidden, which is why listing them needs showHidden=true, and tasks assigned
from a Doc or a Chat space are listed only with showAssigned=true. A list's
tasks come in the order they were last changed, not in the person's order:
Google does not say in what order it lists them, and `position` is what
orders a task among its siblings.
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
FIELDS = ("title", "notes", "due", "status", "parent", "links")


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
                "selfLink": f"{self.sandbox.base_url}/tasks/v1/lists/{list_id}/tasks/{task_id}",
                "webViewLink": self.sandbox.link("task", task_id), "links": []}
        tasks[task_id] = task
        return self.edit(list_id, task_id, {**body, "hidden": body.get("hidden", False)})

    def task(self, list_id: str, task_id: str) -> dict:
        tasks = self.tasks[self.tasklist(list_id)["id"]]
        if task_id not in tasks:
            raise ApiError(404, "Task not found.", "notFound")
        return tasks[task_id]

    def edit(self, list_id: str, task_id: str, body: dict) -> dict:
        """The task changed as `body` says; it moves to the end of its list's order, the order of the last change."""
        task = self.task(list_id, task_id)
        tasks = self.tasks[self.tasklist(list_id)["id"]]
        tasks[task_id] = tasks.pop(task_id)
        for key in FIELDS + ("hidden", "deleted"):
            if key in body:
                task[key] = body[key]
        if body.get("due") is not None:
            task["due"] = due_stamp(body["due"])
        if task["status"] not in ("needsAction", "completed"):
            raise ApiError(400, f"Invalid value for status: {task['status']}", "invalid")
        if task["status"] == "completed":
            task.setdefault("completed", body.get("completed") or utc_stamp())
        else:
            task.pop("completed", None)
        task.update({"updated": utc_stamp(), "etag": f'"{uuid.uuid4().hex[:8]}"'})
        return {k: v for k, v in task.items() if v is not None and v is not False}

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
            out.append({k: v for k, v in task.items() if v is not None and v is not False})
        return out


def _utc(stamp: str) -> str:
    """An RFC 3339 bound in the same form as stored `due` values, so they compare as strings."""
    try:
        value = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"Invalid value: {stamp}", "invalid") from None
    return utc_stamp(value)


def _page(request, items: list, key: str, limit: int, kind: str) -> dict:
    page, next_token = request.page(items, "maxResults", limit, 100 if kind == "tasks#tasks" else 1000)
    out = {"kind": kind, "etag": '"1"', key: page}
    if next_token:
        out["nextPageToken"] = next_token
    return out


@router.get(LISTS, scopes=READ)
def tasklists_list(state, request):
    return _page(request, list(state.lists.values()), "items", 20, "tasks#taskLists")


@router.post(LISTS, scopes=WRITE)
def tasklists_insert(state, request):
    return state.add_list({"title": request.json().get("title")})


@router.get(LISTS + r"/(?P<list_id>[^/]+)", scopes=READ)
def tasklists_get(state, request, list_id):
    return state.tasklist(list_id)


@router.get(TASK_LIST, scopes=READ)
def tasks_list(state, request, list_id):
    return _page(request, state.listing(state.tasklist(list_id)["id"], request), "items", 20, "tasks#tasks")


@router.post(TASK_LIST, scopes=WRITE)
def tasks_insert(state, request, list_id):
    body = {k: v for k, v in request.json().items() if k in FIELDS}
    return state.add_task(state.tasklist(list_id)["id"], body)


@router.get(TASK, scopes=READ)
def tasks_get(state, request, list_id, task_id):
    return {k: v for k, v in state.task(list_id, task_id).items() if v is not None and v is not False}


@router.patch(TASK, scopes=WRITE)
def tasks_patch(state, request, list_id, task_id):
    return state.edit(list_id, task_id, {k: v for k, v in request.json().items() if k in FIELDS + ("completed",)})


@router.put(TASK, scopes=WRITE)
def tasks_update(state, request, list_id, task_id):
    body = {"notes": None, "due": None, **request.json()}  # a full update clears what it leaves out
    return state.edit(list_id, task_id, {k: v for k, v in body.items() if k in FIELDS + ("completed",)})


@router.delete(TASK, scopes=WRITE)
def tasks_delete(state, request, list_id, task_id):
    state.edit(list_id, task_id, {"deleted": True, "hidden": True})
