"""The tool_use blocks of one model turn: record, gate, run, and answer them.

Each call becomes an Action row before anything runs (the audit trail). Calls
that need no approval run concurrently on worker threads, because the Google
client is synchronous; all results go back to the model in one message, in
the order the model asked.
"""
import asyncio
import json
import logging
from dataclasses import dataclass, field

from django.utils import timezone

from app.agent.approvals import needs_approval
from app.agent.events import EventBus
from app.agent.prompt import untrusted
from app.google_api import THREADS
from app.models import Action, Run
from app.tools import get_tool, invoke, load_catalogue
from app.tools import review as review_call
from app.tools.registry import ReconnectRequired, ToolError

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted — check whether it happened"
# Card fields, as the approved call is checked again (ToolCalls._changed):
# The task's own steps change them: the places a wording is found, a label another of its calls made.
OWN_STEPS = {"occurrences", "new_labels"}
# What a folder holds goes with it (shared, moved, trashed): compared by its ids, "contents", where the call
# shows them to someone new or trashes them; the count and the names only show it on the card.
CONTENTS, HOLDS = "contents", {"items", "item_names"}
AUDIENCES = {"shared_with", "guests"}  # who sees, or is emailed: someone new matters, someone gone does not
UNORDERED = {"removing", "newly_seen_by", "no_longer_seen_by"}


@dataclass
class Since:
    """This task's steps since a card was made that put a file in a Drive folder (made, moved, copied or saved
    there): the ids of those the person approved, and of those that ran unasked."""

    approved: set[str] = field(default_factory=set)
    unasked: set[str] = field(default_factory=set)

    def contents_changed(self, before: list | None, after: list | None) -> bool:
        """Whether a folder's contents grew since its card in a way that holds back a call showing them to someone
        new (a share, a move where others see them, the trash). Only what the person approved meanwhile may be
        new, each approved step excusing just the file it put there: what ran unasked, or someone else added, is
        not on the card. What left the folder exposes nothing. None: too many to compare, so only the task's
        own unasked writes can tell."""
        if before is None or after is None:
            return bool(self.unasked) or (before is not None and after is None)
        return bool(set(after) - set(before) - self.approved)


class ToolCalls:
    def __init__(self, run: Run, ctx, bus: EventBus):
        self.run, self.ctx, self.bus = run, ctx, bus
        self.reconnect_required = False

    async def answer(self, uses: list[dict], fresh: bool = False) -> list[dict] | None:
        """tool_result blocks for these tool_use blocks, or None while some wait for approval.

        `fresh`: the model asked for them just now, so none is recorded yet (a turn
        carried on after an approval or a restart may have some).
        """
        recorded = {} if fresh else await self._recorded(uses)
        actions = [recorded.get(use["id"]) or await self._record(use) for use in uses]
        while runnable := [a for a in actions if a.status == Action.Status.APPROVED and a.started is None]:
            await asyncio.gather(*(self._execute(action) for action in runnable))
            if any(a.status == Action.Status.PENDING for a in actions):
                # The person may have decided on the pending ones meanwhile (another card, another
                # tab): go by what is recorded now. Nothing else can change an action's status.
                recorded = await self._recorded(uses)
                actions = [recorded[use["id"]] for use in uses]
        if any(a.status == Action.Status.PENDING for a in actions):
            return None
        return [tool_result(action) for action in actions]

    async def _recorded(self, uses: list[dict]) -> dict[str, Action]:
        ids = [use["id"] for use in uses]
        return {action.tool_use_id: action async for action in Action.objects.filter(run=self.run, tool_use_id__in=ids)}

    async def _record(self, use: dict) -> Action:
        fields = {"run": self.run, "tool_use_id": use["id"], "tool": use["name"], "input": use.get("input")}
        try:
            # Reviewing may call Google: on the tool threads, not the default executor's handful of threads.
            review = await asyncio.get_running_loop().run_in_executor(
                THREADS, review_call, use["name"], self.ctx, use.get("input")
            )
        except Exception as exc:
            if not isinstance(exc, ToolError):  # a bug met by some workspace data: this call fails, not the run
                log.exception("Reviewing a %s call crashed", use["name"])
                exc = ToolError(f"{use['name']} could not be prepared; the error was logged.")
            # Unknown tool or malformed input: the model reads why and can correct itself.
            self.reconnect_required |= isinstance(exc, ReconnectRequired)
            return await Action.objects.acreate(**fields, effect="", status=Action.Status.FAILED, error=str(exc),
                                                result=_found(exc), finished=timezone.now())
        status = Action.Status.PENDING if needs_approval(review.effect) else Action.Status.APPROVED
        fields["input"] = review.args  # the validated call: what the card shows is what runs
        action = Action(**fields, preview=review.preview, effect=review.effect, status=status)
        if status == Action.Status.PENDING:
            action.summary = describe(action)  # what the person is asked to approve, in one line
        await action.asave()
        return action

    async def _execute(self, action: Action) -> None:
        if needs_approval(action.effect) and not await self._as_approved(action):
            return
        # Claim the execution itself, so nothing can run an action twice.
        started = timezone.now()
        claimed = await Action.objects.filter(id=action.id, status=Action.Status.APPROVED, started=None).aupdate(
            started=started
        )
        if not claimed:
            await action.arefresh_from_db()
            return
        action.started = started
        self.bus.publish("step_started", action_id=action.id, tool=action.tool, line=describe(action))
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(THREADS, invoke, action.tool, self.ctx, action.input)
            self._succeeded(action, result)
        except ReconnectRequired as exc:
            self.reconnect_required = True
            self._failed(action, exc)
        except ToolError as exc:
            self._failed(action, exc)
        except Exception:
            log.exception("Tool %s crashed", action.tool)
            self._failed(action, ToolError(f"{action.tool} failed unexpectedly; the error was logged."))
        action.finished = timezone.now()
        await action.asave(update_fields=["status", "summary", "link", "result", "error", "finished"])
        self.bus.publish("step_finished", **step(action))

    async def _as_approved(self, action: Action) -> bool:
        """What the person approved is what happens: the call is reviewed again just before it runs, and
        if what its card showed has changed meanwhile (a Gmail signature, whom a reply reaches, whose access
        an unshare ends, someone new who would see a folder or an event's change), it is not run.

        Checked before the action is claimed, so a process that stops meanwhile leaves it to run later
        rather than reported as perhaps done; it is failed only if no other driver took it up."""
        granted = {given async for given in self._granted()}
        since = await self._steps_since(action)
        try:
            changed = await asyncio.get_running_loop().run_in_executor(THREADS, self._changed, action, granted, since)
            error = ToolError(f"What this would do changed after it was approved ({', '.join(changed)}), so it was "
                              "not done. Ask for it again to see it as it is now.") if changed else None
        except ReconnectRequired as exc:
            self.reconnect_required, error = True, exc
        except ToolError as exc:
            error = exc
        except Exception:
            log.exception("Checking a %s call again crashed", action.tool)
            error = ToolError(f"{action.tool} could not be checked before it ran; the error was logged. It was not done.")
        if error is None:
            return True
        fields = {"status": Action.Status.FAILED, "error": str(error), "result": _found(error), "finished": timezone.now()}
        if await Action.objects.filter(id=action.id, status=Action.Status.APPROVED, started=None).aupdate(**fields):
            for name, value in fields.items():
                setattr(action, name, value)
            self.bus.publish("step_finished", **step(action))
        else:
            await action.arefresh_from_db()
        return False

    def _changed(self, action: Action, granted: set[tuple[str, str]], since: Since) -> list[str]:
        """What differs between the card as approved and as it would be now. What the task's own steps
        change is not compared (the places a wording is found, a label still to make); for who sees or is
        emailed, only someone new counts, besides those the task itself gave this file, folder or event to;
        a folder's contents, see Since.contents_changed."""
        now = json.loads(json.dumps(review_call(action.tool, self.ctx, action.input).preview))
        shown = action.preview or {}
        target = get_tool(action.tool).target_of(action.input)
        granted = {who for item, who in granted if item == target}
        changed = []
        for key in sorted(set(now) | set(shown)):
            before, after = shown.get(key), now.get(key)
            if key in OWN_STEPS or key in HOLDS:
                continue
            if key == CONTENTS:
                # Both or neither have it, unless whom the call shows the folder to changed too (newly_seen_by).
                if key in shown and key in now and since.contents_changed(before, after):
                    changed.append(key)
                continue
            if key in AUDIENCES:
                if {str(who).lower() for who in after or []} - {str(who).lower() for who in before or []} - granted:
                    changed.append(key)
            elif key in UNORDERED and isinstance(before, list) and isinstance(after, list):
                if sorted(map(str, before)) != sorted(map(str, after)):
                    changed.append(key)
            elif before != after:
                changed.append(key)
        return changed

    async def _steps_since(self, action: Action) -> Since:
        """What this task put in Drive folders after `action`'s card was made (all its calls are recorded before
        any runs): a write naming a folder that was done puts a file there, the one its result names."""
        since = Since()
        steps = Action.objects.filter(run=self.run, started__gte=action.created, status=Action.Status.DONE)
        async for step in steps.exclude(id=action.id).exclude(effect="read"):
            if isinstance(step.input, dict) and step.input.get("folder"):
                placed = since.approved if needs_approval(step.effect) else since.unasked
                placed.add(_placed(step))
        return since

    async def _granted(self):
        """(target, person) for each access this task has given already, by calls that ran (a share, an
        invitation): on that file, folder or event, they are no strangers."""
        givers = [name for name, tool in load_catalogue().items() if tool.gives]
        async for action in Action.objects.filter(run=self.run, tool__in=givers, status=Action.Status.DONE):
            for given in get_tool(action.tool).given_by(action.input):
                yield given

    @staticmethod
    def _succeeded(action: Action, result: dict) -> None:
        result = result if isinstance(result, dict) else {"result": result}
        action.status = Action.Status.DONE
        action.summary = str(result.get("summary") or "")
        link = result.get("link")
        action.link = link if isinstance(link, str) and link.startswith(("https://", "http://")) else ""
        # Workspace text is data, never instructions: wrap it so the model can tell.
        action.result = untrusted(result)

    @staticmethod
    def _failed(action: Action, error: ToolError) -> None:
        action.status = Action.Status.FAILED
        action.error = str(error)
        action.result = _found(error)


def _placed(step: Action) -> str:
    """The id of the file a done write put in a folder, from its result ({"id": ...} or {"file": {"id": ...}});
    "" when it names none, which excuses nothing."""
    try:
        result = json.loads(step.result)["untrusted_data"]
    except (TypeError, ValueError, KeyError):
        return ""
    file = result.get("file") if isinstance(result.get("file"), dict) else result
    return str(file.get("id") or "")


def _found(error: ToolError) -> str:
    """The workspace text a failure comes with, wrapped like any tool result's."""
    return untrusted(error.found) if error.found else ""


def tool_result(action: Action) -> dict:
    if action.status == Action.Status.DONE:
        return {"type": "tool_result", "tool_use_id": action.tool_use_id, "content": action.result}
    content = "\n".join(part for part in (action.error or "Failed.", action.result) if part)
    return {"type": "tool_result", "tool_use_id": action.tool_use_id, "content": content, "is_error": True}


def describe(action: Action) -> str:
    try:
        preview = action.preview if isinstance(action.preview, dict) else {}
        return get_tool(action.tool).describe(action.input if isinstance(action.input, dict) else {}, preview)
    except ToolError:
        return action.tool


def waiting(pending: list[Action]) -> dict:
    """The waiting_for_approval event's fields, the same live and replayed."""
    return {"actions": [{"action_id": a.id, "tool": a.tool, "summary": a.summary} for a in pending]}


def step(action: Action) -> dict:
    return {"action_id": action.id, "tool": action.tool, "status": action.status, "summary": action.summary,
            "link": action.link, "error": action.error}
