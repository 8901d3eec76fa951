"""Tasks tools: read task lists, add a task, mark one done.

Google Tasks keeps only the date of a due time, so due values are dates.
"""
import json
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate
from typing import Annotated

from googleapiclient.errors import HttpError
from pydantic import Field

from app import google_api
from app.tools.registry import TEXT_LIMIT, ToolError, clip_into, tool

PAGE = 100  # the most Google returns per request
LISTS_PAGE = 1000  # task lists: the most Google returns per request, so one request for nearly everyone
MAX_LISTS = 2000  # the most lists Google lets a person have
MAX_PAGES = 3  # per list: 300 tasks is more than anyone reads in one answer
DEFAULT = "@default"  # Google's alias for the person's default list
LISTING_LIMIT = 4 * TEXT_LIMIT  # characters of one listing, shared by its lists (~9,000 tokens)


def compact(task: dict, list_id: str | None = None) -> dict:
    """A task for the model; in a listing, its list is said once for all its tasks, not on each."""
    out = {"id": task["id"], **({"list": list_id} if list_id else {}), "title": task.get("title", "")}
    if task.get("parent"):
        out["parent"] = task["parent"]  # the id of the task it is a subtask of
    if task.get("notes"):
        clip_into(out, "notes", task["notes"], 500)
    if task.get("due"):
        out["due"] = task["due"][:10]
    if task.get("status") == "completed":
        out["done"] = task.get("completed", True)
    if task.get("webViewLink"):  # Google's link, in a form of its own: passed on, not made from the id
        out["link"] = task["webViewLink"]
    if task.get("assignmentInfo"):  # shared with the Doc's collaborators or the space: changing it asks first
        out["assigned_in"] = assigned_in(task)
    return out


SURFACES = {"DOCUMENT": "a Google Doc", "SPACE": "a Chat space"}


def assigned_in(task: dict) -> str | None:
    """Where a task was assigned to the person, for the model and the card: "a Google Doc" or "a Chat
    space"; None for their own task. Google names neither the Doc nor the space, only gives their ids."""
    info = task.get("assignmentInfo")
    if not info:
        return None
    return SURFACES.get(info.get("surfaceType"), "another Google app")


def task_lists(service) -> list[dict]:
    """All the person's lists; the pages after the first are asked for only if Google says there are more."""
    found, _ = google_api.listing(
        lambda token, size: service.tasklists().list(maxResults=min(size, LISTS_PAGE), pageToken=token), "items", MAX_LISTS)
    return found


def known_lists(ctx, service) -> list[dict]:
    """task_lists, read once per run: a call is reviewed for its card and then run, and both name its list."""
    if "task_lists" not in ctx.cache:
        ctx.cache["task_lists"] = task_lists(service)
    return ctx.cache["task_lists"]


def list_id(ctx, service, name_or_id: str | None) -> str:
    """A list's id from its id or its title; none or "@default" means the default list."""
    return list_entry(ctx, service, name_or_id)["id"]


def list_entry(ctx, service, name_or_id: str | None) -> dict:
    """A list (id, title) from its id or its title. The default list is asked for by Google's alias and
    answers with its own id, the one the other tools and the listing know it by."""
    if not name_or_id or name_or_id == DEFAULT:
        return google_api.execute(service.tasklists().get(tasklist=DEFAULT))
    lists = known_lists(ctx, service)
    for entry in lists:
        if _matches(entry, name_or_id):
            return entry
    raise _no_list(name_or_id, lists)


def _no_list(name: str, lists: list[dict]) -> ToolError:
    return ToolError(f"No task list {name!r}; the person's lists follow.", found={"task_lists": [e["title"] for e in lists]})


def _matches(entry: dict, name: str) -> bool:
    """A list answers to its id or its title, in any case."""
    return name in (entry["id"], entry["title"]) or entry["title"].casefold() == name.casefold()


@tool("read", progress="Reading your tasks")
def tasks_list(
    ctx,
    task_list: Annotated[str | None, Field(description="name or id; default all")] = None,
    include_completed: bool = False,
) -> dict:
    """Your task lists with their open tasks (and completed ones if asked)."""
    service = ctx.service("tasks")
    every = task_lists(service)
    if task_list == DEFAULT:
        task_list = list_id(ctx, service, DEFAULT)
    lists = [e for e in every if not task_list or _matches(e, task_list)]
    if not lists:
        raise _no_list(task_list, every)
    pages = _all_pages(service, [e["id"] for e in lists], include_completed)
    out = [{"id": entry["id"], "title": entry["title"]} for entry in lists]
    outlines = [[compact(t) for t in under_parents(tasks)] for tasks, _ in pages]
    for found, outline, (_, more_in_google), shown in zip(out, outlines, pages, _fitting(out, outlines)):
        found["tasks"] = outline[:shown]
        if shown < len(outline) or more_in_google:
            found["more"] = f"{shown} of {len(outline)}{'+' if more_in_google else ''} tasks shown"
            if shown < len(outline) and len(lists) > 1:
                found["more"] += "; ask for this list alone to see more"
    return {"lists": out}


def _fitting(lists: list[dict], outlines: list[list[dict]]) -> list[int]:
    """How many of each list's tasks (from the top) fit in the listing's limit. Each list has an
    equal share of it, and what a short list leaves over goes to the longer ones."""
    sizes = [[len(json.dumps(t, ensure_ascii=False)) for t in outline] for outline in outlines]
    left = LISTING_LIMIT - len(json.dumps(lists, ensure_ascii=False))
    shares = [0] * len(sizes)
    by_size = sorted(range(len(sizes)), key=lambda i: sum(sizes[i]))
    for rank, i in enumerate(by_size):
        shares[i] = max(0, min(sum(sizes[i]), left // (len(sizes) - rank)))
        left -= shares[i]
    return [bisect_right(list(accumulate(size)), share) for size, share in zip(sizes, shares)]


def under_parents(tasks: list[dict]) -> list[dict]:
    """The tasks in the person's order, read as an outline: each among its siblings by `position` (in what
    order Google lists them is not said), each subtask right after its parent. Subtasks whose parent is
    not listed (a completed one, say) come after the rest."""
    listed = {t["id"] for t in tasks}
    children = defaultdict(list)  # by parent id, "" for the top level; each in order
    for task in sorted(tasks, key=lambda t: t.get("position", "")):
        children[task.get("parent") or ""].append(task)
    orphans = [task for parent, kids in children.items() if parent and parent not in listed for task in kids]
    out = []

    def place(task):
        out.append(task)
        for child in children.get(task["id"], []):
            place(child)

    for task in children[""] + orphans:
        place(task)
    return out


def _all_pages(service, list_ids: list[str], include_completed: bool) -> list[tuple[list[dict], bool]]:
    """Each list's tasks, page after page (one batch per round for all lists), and whether more remain."""
    tasks = {list_id: [] for list_id in list_ids}
    tokens = {list_id: None for list_id in list_ids}
    resource = service.tasks()
    for _ in range(MAX_PAGES):
        # Tasks completed in Google's own apps are "hidden", and one reopened since may stay so:
        # showHidden brings them back (showCompleted still leaves completed ones out). Tasks
        # assigned from Docs or Chat are left out unless showAssigned asks for them.
        requests = [
            resource.list(tasklist=list_id, showCompleted=include_completed, showHidden=True,
                          showAssigned=True, maxResults=PAGE, pageToken=token)
            for list_id, token in tokens.items()
        ]
        results = google_api.execute_batch(service, requests)
        pending = {}
        for list_id, result in zip(tokens, results):
            if isinstance(result, HttpError):
                raise result
            tasks[list_id] += result.get("items", [])
            if result.get("nextPageToken"):
                pending[list_id] = result["nextPageToken"]
        tokens = pending
        if not tokens:
            break
    return [(tasks[list_id], list_id in tokens) for list_id in list_ids]


def _show_new_task(ctx, args: dict) -> tuple[dict, dict]:
    """The card names the list the task goes into; the approved call adds it to exactly that list."""
    target = list_entry(ctx, ctx.service("tasks"), args["task_list"])
    return {**args, "task_list": target["id"]}, {"list": target["title"]}


def _list_title(ctx, service, target: str) -> str:
    return next((entry["title"] for entry in known_lists(ctx, service) if entry["id"] == target), "")


def _adding(args: dict, preview: dict) -> str:
    into = f" to {preview['list']!r}" if preview.get("list") else ""
    return f"Adding the task {args['title']!r}{into}"


@tool("write", prepare=_show_new_task, progress=_adding)
def tasks_add(
    ctx,
    title: str,
    notes: str | None = None,
    due: date | None = None,  # the schema's "format": "date" already says YYYY-MM-DD
    task_list: Annotated[str | None, Field(description="name or id; default list if none")] = None,
) -> dict:
    """Add a task."""
    service = ctx.service("tasks")
    target = list_entry(ctx, service, task_list)
    body = {"title": title}
    if notes:
        body["notes"] = notes
    if due:
        body["due"] = f"{due.isoformat()}T00:00:00.000Z"
    task = compact(_insert_once(service, target["id"], body), target["id"])
    when = f", due {task['due']}" if due else ""
    return {"task": task, "link": task.get("link"), "summary": f"Added task {title!r} to {target['title']!r}{when}."}


def _insert_once(service, target: str, body: dict) -> dict:
    """Tasks has no id a client can choose, so a retry after Google added the task but its answer was
    lost would add it twice. It is sent once; when it may have been added, the list is searched for
    it among the tasks changed since just before (a minute's margin for the clocks)."""
    since = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()

    def added():
        recent = google_api.execute(service.tasks().list(tasklist=target, updatedMin=since, showHidden=True, maxResults=100))
        # Open: a task of that title the person just completed or hid is not the one being added.
        same = [t for t in recent.get("items", []) if t.get("status") == "needsAction" and not t.get("hidden")
                and all(t.get(k) == body.get(k) for k in ("title", "notes")) and (t.get("due") or "")[:10] == body.get("due", "")[:10]]
        return same[-1] if same else None

    return google_api.execute_once_or_find(service.tasks().insert(tasklist=target, body=body), added)


def _show_task(ctx, args: dict) -> tuple[dict, dict]:
    """The card names the task by its title, its list and, for a subtask, the task it is part of, and
    where it was assigned to the person if it was (the task as read says so); the approved call changes
    it in exactly that list."""
    service = ctx.service("tasks")
    target, task = find_task(ctx, service, args["task_id"], args["task_list"])
    preview = {"title": task.get("title", ""), "list": _list_title(ctx, service, target)}
    if where := assigned_in(task):
        preview["assigned_in"] = where
        if task["assignmentInfo"].get("linkToTask"):  # the task where it was assigned: opens that Doc or space
            preview["assigned_link"] = task["assignmentInfo"]["linkToTask"]
    if task.get("parent"):
        parent = google_api.execute(service.tasks().get(tasklist=target, task=task["parent"], fields="title"))
        preview["parent"] = parent.get("title", "")
    return {**args, "task_list": target}, preview


def _changing(doing: str, assigned: str = " (assigned in {})"):
    """A progress line naming the task its card named, e.g. "Completing the task 'Renew passport'", and
    where it was assigned, if it was: that line is also what a card's one-line summary says."""
    def line(args: dict, preview: dict) -> str:
        task = f"the task {preview['title']!r}" if preview.get("title") else "a task"
        return f"{doing} {task}" + (assigned.format(preview["assigned_in"]) if preview.get("assigned_in") else "")
    return line


def _outbound_if_assigned(ctx, args: dict, preview: dict):
    # A task assigned in a Doc or a Chat space is also theirs: whoever sees the Doc or is in the space
    # sees its new title, notes or that it is done (a planted instruction could write private text there).
    return "outbound" if preview.get("assigned_in") else None


@tool("write", escalate=_outbound_if_assigned, prepare=_show_task, progress=_changing("Completing"))
def tasks_complete(ctx, task_id: str, task_list: Annotated[str | None, Field(description="default: search all")] = None) -> dict:
    """Mark a task done."""
    service = ctx.service("tasks")
    target = list_id(ctx, service, task_list) if task_list else find_list(ctx, service, task_id)
    done = google_api.execute(service.tasks().patch(tasklist=target, task=task_id, body={"status": "completed"}))
    task = compact(done, target)
    return {"task": task, "link": task.get("link"), "summary": f"Marked {task['title']!r} done."}


def _show_update(ctx, args: dict) -> tuple[dict, dict]:
    """_show_task, once the call is known to change something."""
    _patch(args["title"], args["notes"], args["due"], args["clear_due"], args["done"])
    return _show_task(ctx, args)


@tool("write", escalate=_outbound_if_assigned, prepare=_show_update, progress=_changing("Updating"))
def tasks_update(
    ctx,
    task_id: str,
    title: str | None = None,
    notes: str | None = None,
    due: date | None = None,
    clear_due: bool = False,
    done: Annotated[bool | None, Field(description="false reopens it")] = None,
    task_list: Annotated[str | None, Field(description="default: search all")] = None,
) -> dict:
    """Change a task: its title, notes or due date; mark it done or reopen it."""
    body = _patch(title, notes, due, clear_due, done)
    service = ctx.service("tasks")
    target = list_id(ctx, service, task_list) if task_list else find_list(ctx, service, task_id)
    task = compact(google_api.execute(service.tasks().patch(tasklist=target, task=task_id, body=body)), target)
    changed = sorted(key for key in body if key != "completed")
    return {"task": task, "link": task.get("link"), "summary": f"Updated {task['title']!r} ({', '.join(changed)})."}


def _patch(title, notes, due, clear_due, done) -> dict:
    """The patch for tasks_update; ToolError when it would change nothing."""
    body = {key: value for key, value in (("title", title), ("notes", notes)) if value is not None}
    if due is not None and clear_due:
        raise ToolError("Give a new due date or clear_due, not both.")
    if due is not None:
        body["due"] = f"{due.isoformat()}T00:00:00.000Z"
    if clear_due:
        body["due"] = None  # a patch removes a field sent as null; one left out is kept
    if done is not None:
        body["status"] = "completed" if done else "needsAction"
        if not done:
            body["completed"] = None  # Google keeps a completion date until it is cleared
    if not body:
        raise ToolError("Nothing to change: give at least one field (clear_due removes the due date).")
    return body


# Google deletes an assigned task where it was assigned too, for everyone there: the card says so.
@tool("destructive", prepare=_show_task, progress=_changing("Deleting", " (assigned in {}: it is deleted there too)"))
def tasks_delete(ctx, task_id: str, task_list: Annotated[str | None, Field(description="default: search all")] = None) -> dict:
    """Delete a task."""
    service = ctx.service("tasks")
    target, task = find_task(ctx, service, task_id, task_list)
    google_api.execute(service.tasks().delete(tasklist=target, task=task_id))
    where = assigned_in(task)
    there = f" (assigned in {where}: deleted there too)" if where else ""
    return {"summary": f"Deleted the task {task.get('title', '')!r}{there}."}


def find_task(ctx, service, task_id: str, task_list: str | None) -> tuple[str, dict]:
    """The id of the list holding a task, and the task: from the list named, or else one batched
    lookup across all lists."""
    if task_list:
        target = list_id(ctx, service, task_list)
        found = [(target, google_api.execute(service.tasks().get(tasklist=target, task=task_id)))]
    else:
        lists = [entry["id"] for entry in known_lists(ctx, service)]
        found = zip(lists, google_api.execute_batch(service, [service.tasks().get(tasklist=i, task=task_id) for i in lists]))
    for target, result in found:
        if not isinstance(result, HttpError) and not result.get("deleted"):  # should Google still answer for a deleted one
            return target, result
    raise ToolError(f"No task with id {task_id!r} (it may have been deleted); list tasks to find its id.")


def find_list(ctx, service, task_id: str) -> str:
    """The list holding a task."""
    return find_task(ctx, service, task_id, None)[0]
