"""What the API and the CLI call: start a task, decide on actions, resume a run.

Each function returns once the run has finished or paused for approval. Every
lookup is scoped to the caller's session, so another session's conversation
or action is indistinguishable from one that does not exist.
"""
import asyncio
import contextlib
import functools
import logging
import time
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction
from django.utils import timezone
from google.auth.exceptions import RefreshError

from app import google_api
from app.agent import approvals, leases, prompt
from app.agent.runs import mark_interrupted, registry
from app.models import Action, Conversation, Run, new_id
from app.tools.timezone import known_timezone

log = logging.getLogger(__name__)
TITLE_CHARS = 80
TAKEN_UP_WITHIN = timedelta(seconds=10)  # from another request's claim of a run to its task starting
_next_recovery = [0.0]  # time.monotonic() after which a request looks for cut-off runs again


class InvalidRequest(Exception):
    """A request the caller must fix; `field` names what is wrong, `details` go into the JSON answer."""

    def __init__(self, field: str, message: str, status: int = 400, **details):
        super().__init__(f"{field}: {message}")
        self.field, self.status, self.details = field, status, details


async def start_task(*, session_key: str, ctx, task: str, conversation_id: str | None = None,
                     extra: dict | None = None, email: str | None = None, run_id: str | None = None) -> Run:
    """Start a task; `run_id` lets the caller follow the run's events before this returns."""
    await recover()
    if run_id:
        await _unused(run_id, session_key)
    conversation, is_new = await _conversation(session_key, conversation_id, task, email or "")
    first_message = await _task_prompt(conversation, is_new, ctx, task, extra or {}, email)
    new_run = Run(id=run_id or new_id(), conversation=conversation, task=task,
                  messages=[{"role": "user", "content": first_message}])
    return await _outcome(await asyncio.shield(_record_and_start(new_run, is_new, ctx, session_key)))


async def decide(*, session_key: str, ctx, approve: list[str], reject: list[str], reason: str = "",
                 email: str | None = None, connected_at: datetime | None = None) -> Run:
    """Apply the person's decisions, then carry the run on: approved actions run exactly once.

    `email` and `connected_at` are connection.account's: the account connected now."""
    await recover()
    run_id = await _run_of_actions(session_key, approve, reject)
    field = "approve" if approve else "reject"
    await _same_account(run_id, email, connected_at, field)
    decided = functools.partial(_decide_and_claim, run_id, approve, reject, reason, field)
    run = await asyncio.shield(_claim_and_start(decided, ctx, session_key))
    # Another tab may have decided otherwise in the same instant; the run is carried on either way.
    conflict = await _overruled(approve, reject)
    run = await (_outcome(run) if run else _their_outcome(run_id))
    if conflict:
        raise conflict
    return run


async def resume(*, session_key: str, ctx, run_id: str, email: str | None = None,
                 connected_at: datetime | None = None) -> Run:
    """Carry on a run that a restart or an unreachable Claude cut off."""
    await recover(at_once=run_id in registry.unrecorded)
    status = await Run.objects.filter(id=run_id, conversation__session_key=session_key).values_list(
        "status", flat=True).afirst()
    if status is None:
        raise InvalidRequest("resume", "no such run in this session", 404)
    if status in NOT_CUT_OFF:  # running: another request resumed it just now, and its outcome is awaited
        raise InvalidRequest("resume", f"{NOT_CUT_OFF[status]}; only a task that was cut off can be resumed",
                             409, run={"id": run_id, "status": status})
    await _same_account(run_id, email, connected_at, "resume")
    return await _continue(session_key, ctx, run_id, from_status=(Run.Status.INTERRUPTED,), field="resume")


NOT_CUT_OFF = {
    Run.Status.DONE: "this task has finished",
    Run.Status.FAILED: "this task has failed",
    Run.Status.NEEDS_APPROVAL: "this task waits for your decision: approve or reject its actions",
}


async def recover(at_once: bool = False) -> None:
    """Runs a restart cut off are marked interrupted: on a process's first request, then now and
    then, as a driver on another machine is known to be gone only once its lease has run out."""
    now = time.monotonic()
    if at_once or now >= _next_recovery[0]:
        _next_recovery[0] = now + leases.RENEW_EVERY.total_seconds()
        await sync_to_async(mark_interrupted)()


async def _continue(session_key: str, ctx, run_id: str, *, from_status: tuple[str, ...], field: str) -> Run:
    claim = functools.partial(_claim, run_id, from_status, field)
    run = await asyncio.shield(_claim_and_start(claim, ctx, session_key))
    return await (_outcome(run) if run else _their_outcome(run_id))


async def _outcome(run: Run) -> Run:
    """The run once it has ended or paused: the very object its task drove, so it is up to date,
    unless another request took the run up from that task (an approval landing as it paused)."""
    await registry.wait(run.id)
    return run if run.status != Run.Status.RUNNING else await _their_outcome(run.id)


async def _their_outcome(run_id: str) -> Run:
    """The outcome of a run another request claimed. If a request of this process claimed it, its task
    may not have started yet: wait for that. If another process drives it: what it is now."""
    with registry.watching(run_id) as started:
        if not registry.driving(run_id):
            run = await Run.objects.aget(id=run_id)
            if run.status == Run.Status.RUNNING and leases.claimed_here(run.owner):
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(started, TAKEN_UP_WITHIN.total_seconds())
    await registry.wait(run_id)
    return await Run.objects.aget(id=run_id)


# Recording or claiming a run and starting its task happen in a task of their own (shielded):
# a client that disconnects in between must not leave a run that nothing drives. Each makes one
# database call, begun while the request is alive: a call begun after the request has ended
# would find the request's thread gone (app.sync_threads).
async def _record_and_start(run: Run, new_conversation: bool, ctx, session_key: str) -> Run:
    await sync_to_async(_record)(run, new_conversation)
    registry.start(run, ctx, session_key)
    return run


def _record(run: Run, new_conversation: bool) -> None:
    """Record the run, and its conversation when new: both or neither, so a failure leaves no empty one."""
    for field, value in leases.claim_fields().items():
        setattr(run, field, value)
    try:
        with transaction.atomic():
            if new_conversation:
                run.conversation.save(force_insert=True)
            else:
                Conversation.objects.filter(id=run.conversation_id).update(updated=timezone.now())
            run.save(force_insert=True)
    except IntegrityError:  # the same id sent twice at once, or another task started in the conversation
        if taken := _run_id_taken(run.id, run.conversation.session_key):
            raise taken from None
        raise _busy("conversation_id") from None
    # The lease is set by the database's clock, so this object holds only the expression that set
    # it. Deferred, the lease is left out of any save of this object: only leases.renew writes it.
    del run.lease_until


async def _claim_and_start(claim, ctx, session_key: str) -> Run | None:
    """Start the run `claim` (run on the database thread) hands over; None when it is someone else's."""
    run = await sync_to_async(claim)()
    if run is not None:
        registry.start(run, ctx, session_key)
    return run


def _decide_and_claim(run_id: str, approve: list[str], reject: list[str], reason: str, field: str) -> Run | None:
    # All or nothing: a decision that no run could act on (another task of the conversation is
    # running) must not be kept, or the card would be spent and the run left waiting for ever.
    with transaction.atomic():
        approvals.reject(reject, reason)
        approvals.approve(approve)
        # A run cut off while it waited (a restart, Claude unreachable) is carried on by the decision, as a
        # resume would: its approved actions still run once, as each is claimed before it runs.
        return _claim(run_id, (Run.Status.NEEDS_APPROVAL, Run.Status.INTERRUPTED), field)


def _claim(run_id: str, from_status: tuple[str, ...], field: str) -> Run | None:
    """The run, claimed for this process; None when another request claimed it first (or it is busy
    with itself), as two must not drive it at once."""
    try:
        claimed = Run.objects.filter(id=run_id, status__in=from_status).update(
            status=Run.Status.RUNNING, error="", **leases.claim_fields()
        )
    except IntegrityError:  # another task of the conversation is running: this one carries on after it
        raise _busy(field) from None
    return Run.objects.get(id=run_id) if claimed else None


async def _conversation(session_key: str, conversation_id: str | None, task: str,
                        account: str) -> tuple[Conversation, bool]:
    """The conversation this task belongs to, and whether it is new (then not saved yet: see _record)."""
    if conversation_id is None:
        return Conversation(session_key=session_key, account=account, title=task[:TITLE_CHARS]), True
    conversation = await Conversation.objects.filter(id=conversation_id, session_key=session_key).afirst()
    if conversation is None:
        raise InvalidRequest("conversation_id", "no such conversation in this session", 404)
    _check_account(conversation.account, account, "conversation_id")
    # Two tasks running at once in one conversation would each miss what the other does.
    if await conversation.runs.filter(status=Run.Status.RUNNING).aexists():
        raise _busy("conversation_id")
    return conversation, False


async def _unused(run_id: str, session_key: str) -> None:
    if taken := await sync_to_async(_run_id_taken)(run_id, session_key):
        raise taken


def _run_id_taken(run_id: str, session_key: str) -> InvalidRequest | None:
    """A run id starts one run. The same task sent again (its first answer was lost) is told which
    run it started, so the page shows that one instead of doing the task twice."""
    used = Run.objects.filter(id=run_id).values_list("conversation_id", "conversation__session_key").first()
    if not used:
        return None
    conversation_id, owner = used
    # Another session's run is not named: to it, the id is merely taken.
    return _run_id_used(**({"run": {"id": run_id, "conversation_id": conversation_id}} if owner == session_key else {}))


def _run_id_used(**details) -> InvalidRequest:
    return InvalidRequest("run_id", "already used; send a new id for each task", 409, **details)


def _busy(field: str) -> InvalidRequest:
    return InvalidRequest(field, "a task is still running in this conversation; wait for it or start a new "
                                 "conversation", 409)


async def _same_account(run_id: str, email: str | None, connected_at: datetime | None, field: str) -> None:
    planned_for, planned_at = await Run.objects.filter(id=run_id).values_list("conversation__account", "created").aget()
    _check_account(planned_for, email or "", field)
    # An address not known on either side cannot tell the accounts apart; a task begun under the
    # connection there is now was planned with this very account, but one begun earlier may not have been.
    if not (planned_for and email) and not (connected_at and planned_at >= connected_at):
        raise InvalidRequest(field, "the Google account this task was planned with is not known (Gmail was not "
                                    "granted), so it cannot be shown to be the one connected now; ask for it "
                                    "again in a new task", 409)


def _check_account(planned_for: str, connected: str, field: str) -> None:
    """What was planned with one Google account never runs with another account's grant."""
    if planned_for and planned_for.lower() != connected.lower():
        raise InvalidRequest(field, "this conversation belongs to another Google account; "
                                    "connect that account to carry it on, or start a new conversation", 409)


# Decisions that can no longer be made: e.g. approving a sent mail, or rejecting one that is being sent.
SETTLED = {
    "approve": {Action.Status.DONE, Action.Status.FAILED, Action.Status.REJECTED},
    "reject": {Action.Status.APPROVED, Action.Status.DONE, Action.Status.FAILED, Action.Status.REJECTED},
}


async def _run_of_actions(session_key: str, approve: list[str], reject: list[str]) -> str:
    ids = set(approve) | set(reject)
    if set(approve) & set(reject):
        raise InvalidRequest("approve", "an action cannot be both approved and rejected")
    found, run_statuses = {}, {}
    async for action_id, run_id, status, run_status in Action.objects.filter(
        id__in=ids, run__conversation__session_key=session_key
    ).values_list("id", "run_id", "status", "run__status"):
        found[action_id], run_statuses[run_id] = (run_id, status), run_status
    for field, wanted in (("approve", approve), ("reject", reject)):
        unknown = [action_id for action_id in wanted if action_id not in found]
        if unknown:
            raise InvalidRequest(field, f"unknown action id {unknown[0]!r}")
        settled = [action_id for action_id in wanted if found[action_id][1] in SETTLED[field]]
        if settled:
            raise _already_decided(field, settled[0], found[settled[0]][1])
    if len({run_id for run_id, _ in found.values()}) != 1:
        raise InvalidRequest("approve", "all actions decided in one request must belong to the same task")
    run_id = next(iter(found.values()))[0]
    if run_statuses[run_id] in (Run.Status.DONE, Run.Status.FAILED):
        # Nothing would carry its actions out: approving must not look as if it did.
        raise InvalidRequest("approve" if approve else "reject", "this task has ended, so its actions can no "
                             "longer run; ask for them again in a new task", 409)
    return run_id


async def _overruled(approve: list[str], reject: list[str]) -> InvalidRequest | None:
    """The first decision that did not take because a concurrent one settled the action first."""
    statuses = dict([row async for row in Action.objects.filter(id__in=approve + reject).values_list("id", "status")])
    for action_id in approve:
        if statuses[action_id] == Action.Status.REJECTED:
            return _already_decided("approve", action_id, statuses[action_id])
    for action_id in reject:
        if statuses[action_id] != Action.Status.REJECTED:
            return _already_decided("reject", action_id, statuses[action_id])
    return None


def _already_decided(field: str, action_id: str, status: str) -> InvalidRequest:
    return InvalidRequest(field, f"action {action_id} is already {status}", 409,
                          action={"id": action_id, "status": status})


async def _task_prompt(conversation: Conversation, is_new: bool, ctx, task: str, extra: dict, email: str | None) -> str:
    history = [] if is_new else await _history(conversation)
    return prompt.task_prompt(task=task, timezone=await _timezone(ctx), granted=list(ctx.credentials.scopes or []),
                              email=email, history=history, extra=extra)


@sync_to_async
def _history(conversation: Conversation) -> list[dict]:
    latest = list(conversation.runs.order_by("-created")[: prompt.PAST_TASKS].prefetch_related("actions"))[::-1]
    return [prompt.past_task(run, list(run.actions.all())) for run in latest]


@google_api.off_loop
def _timezone(ctx) -> str | None:
    """The person's zone; None tells the model it is unknown rather than letting it assume UTC."""
    try:
        return known_timezone(ctx)
    except RefreshError:  # Google refused the grant: the task's first tool says so and asks to reconnect
        log.info("Could not read the time zone: Google no longer accepts this connection.")
        return None
    except Exception:  # a task must not fail for it
        log.warning("Could not read the time zone", exc_info=True)
        return None
