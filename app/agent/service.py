"""What the API and the CLI call: start a task, decide on actions, resume a run.

Each function returns once the run has finished or paused for approval. Every
lookup is scoped to the caller's session, so another session's conversation
or action is indistinguishable from one that does not exist.
"""
import logging
import threading

from asgiref.sync import sync_to_async
from django.utils import timezone

from app.agent import approvals, prompt
from app.agent.runs import mark_interrupted, registry
from app.agent.tool_calls import TOOL_THREADS
from app.models import Action, Conversation, Run
from app.tools.timezone import user_timezone

log = logging.getLogger(__name__)
TITLE_CHARS = 80
_recovered = threading.Event()


class InvalidRequest(Exception):
    """A request the caller must fix; `field` names what is wrong."""

    def __init__(self, field: str, message: str, status: int = 400):
        super().__init__(f"{field}: {message}")
        self.field, self.status = field, status


async def start_task(*, session_key: str, ctx, task: str, conversation_id: str | None = None,
                     extra: dict | None = None, email: str | None = None) -> Run:
    await recover_once()
    conversation, is_new = await _conversation(session_key, conversation_id, task)
    first_message = await _task_prompt(conversation, is_new, ctx, task, extra or {}, email)
    run = await Run.objects.acreate(conversation=conversation, task=task,
                                    messages=[{"role": "user", "content": first_message}])
    if not is_new:  # a new conversation's "updated" is already now
        await Conversation.objects.filter(id=conversation.id).aupdate(updated=timezone.now())
    return await _run_to_pause(run, ctx, session_key)


async def decide(*, session_key: str, ctx, approve: list[str], reject: list[str], reason: str = "") -> Run:
    """Apply the person's decisions, then carry the run on: approved actions run exactly once."""
    await recover_once()
    run_id = await _run_of_actions(session_key, approve, reject)
    await sync_to_async(approvals.reject)(reject, reason)
    await sync_to_async(approvals.approve)(approve)
    return await _continue(session_key, ctx, run_id, from_status=Run.Status.NEEDS_APPROVAL)


async def resume(*, session_key: str, ctx, run_id: str) -> Run:
    """Carry on a run that a restart or an unreachable Claude cut off."""
    await recover_once()
    if not await Run.objects.filter(id=run_id, conversation__session_key=session_key).aexists():
        raise InvalidRequest("resume", "no such run in this session", 404)
    return await _continue(session_key, ctx, run_id, from_status=Run.Status.INTERRUPTED)


async def recover_once() -> None:
    """On the first request of a process, runs a restart cut off are marked interrupted."""
    if not _recovered.is_set():
        _recovered.set()
        await sync_to_async(mark_interrupted)()


async def _continue(session_key: str, ctx, run_id: str, *, from_status: str) -> Run:
    # Claim the run so that two concurrent requests do not drive it twice.
    claimed = await Run.objects.filter(id=run_id, status=from_status).aupdate(status=Run.Status.RUNNING, error="")
    if claimed:
        return await _run_to_pause(await Run.objects.aget(id=run_id), ctx, session_key)
    await registry.wait(run_id)  # someone else is driving it: share their outcome
    return await Run.objects.aget(id=run_id)


async def _run_to_pause(run: Run, ctx, session_key: str) -> Run:
    registry.start(run, ctx, session_key)
    await registry.wait(run.id)
    await run.arefresh_from_db()
    return run


async def _conversation(session_key: str, conversation_id: str | None, task: str) -> tuple[Conversation, bool]:
    """The conversation this task belongs to, and whether it was just started."""
    if conversation_id is None:
        return await Conversation.objects.acreate(session_key=session_key, title=task[:TITLE_CHARS]), True
    conversation = await Conversation.objects.filter(id=conversation_id, session_key=session_key).afirst()
    if conversation is None:
        raise InvalidRequest("conversation_id", "no such conversation in this session", 404)
    return conversation, False


async def _run_of_actions(session_key: str, approve: list[str], reject: list[str]) -> str:
    ids = set(approve) | set(reject)
    if set(approve) & set(reject):
        raise InvalidRequest("approve", "an action cannot be both approved and rejected")
    found = {
        action_id: run_id
        async for action_id, run_id in Action.objects.filter(id__in=ids, run__conversation__session_key=session_key)
        .values_list("id", "run_id")
    }
    for field, wanted in (("approve", approve), ("reject", reject)):
        unknown = [action_id for action_id in wanted if action_id not in found]
        if unknown:
            raise InvalidRequest(field, f"unknown action id {unknown[0]!r}")
    if len(set(found.values())) != 1:
        raise InvalidRequest("approve", "all actions decided in one request must belong to the same task")
    return next(iter(found.values()))


async def _task_prompt(conversation: Conversation, is_new: bool, ctx, task: str, extra: dict, email: str | None) -> str:
    if not conversation.title:
        conversation.title = task[:TITLE_CHARS]
        await conversation.asave(update_fields=["title"])
    history = [] if is_new else await _history(conversation)
    return prompt.task_prompt(task=task, timezone=await _timezone(ctx), granted=list(ctx.credentials.scopes or []),
                              email=email, history=history, extra=extra)


@sync_to_async
def _history(conversation: Conversation) -> list[dict]:
    return [prompt.past_task(run, list(run.actions.all())) for run in conversation.runs.prefetch_related("actions")]


@sync_to_async(thread_sensitive=False, executor=TOOL_THREADS)  # a Google call, like a tool's
def _timezone(ctx) -> str:
    try:
        return user_timezone(ctx)
    except Exception:  # the zone is a nicety; a task must not fail for it
        log.warning("Could not read the time zone", exc_info=True)
        return "UTC"
