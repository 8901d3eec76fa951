"""Runs in flight in this process, owned here rather than by a request.

A run is an asyncio task. The request that started it waits on a shield, so a
client that disconnects cancels only its own wait: the run carries on to its
end or its approval pause, and the result is in the database when the person
comes back.
"""
import asyncio
import contextlib
import logging
import threading

from asgiref.sync import sync_to_async
from django.db import Error as AnyDatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now
from django.utils import timezone

from app import connection, sync_threads
from app.agent import leases
from app.agent.claude import ClaudeRefused, ClaudeUnavailable
from app.agent.events import EventBus
from app.agent.loop import advance
from app.agent.tool_calls import INTERRUPTED, ToolCalls
from app.models import Action, Run
from app.tools import RECONNECT

log = logging.getLogger(__name__)
RESTARTED = "The server restarted while this task was running."
STOPPING = "The server stopped while this task was running; resume it once it is back."
DATABASE_TROUBLE = "The database could not be written just now; resume to carry on from here."


class RunRegistry:
    def __init__(self):
        self.tasks: dict[str, asyncio.Task] = {}
        self.renewing: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}  # a lease keeper per event loop
        self.buses: dict[str, EventBus] = {}
        self.observer = None  # called with every event of every run (the CLI prints them)
        # Run ids someone waits to see start: id -> {(loop, future)}. Requests of a test
        # client each run their own loop in their own thread, hence the lock.
        self.watchers: dict[str, set] = {}
        self.watchers_lock = threading.Lock()
        # Runs whose task ended but could not record how (the database stayed locked): id -> the claim
        # they ended under. Recovery marks them interrupted at once rather than when their lease runs out.
        self.unrecorded: dict[str, str] = {}

    def start(self, run: Run, ctx, session_key: str) -> asyncio.Task:
        bus = self.buses[run.id] = EventBus(on_publish=self.observer)
        # A page that sent a task in a new conversation learns its conversation here, long before the answer.
        bus.publish("run_started", run_id=run.id, conversation_id=run.conversation_id)
        task = asyncio.create_task(_drive(run, ctx, session_key, bus), name=f"run-{run.id}")
        self.tasks[run.id] = task
        task.add_done_callback(lambda _: self._drop(run.id, task))
        self._announce(run.id)
        loop = task.get_loop()
        if loop not in self.renewing:
            self.renewing[loop] = loop.create_task(self._keep_leases(loop), name="run-leases")
        return task

    async def _keep_leases(self, loop) -> None:
        """While runs are driven on this loop, renew their leases well before they run out."""
        try:
            async with sync_threads.for_task():
                while live := self._live_on(loop):
                    await asyncio.wait(live.values(), timeout=leases.RENEW_EVERY.total_seconds())
                    if driven := self._live_on(loop):
                        await leases.renew(list(driven))
        finally:
            self.renewing.pop(loop, None)

    def _live_on(self, loop) -> dict[str, asyncio.Task]:
        return {run_id: task for run_id, task in list(self.tasks.items()) if task.get_loop() is loop and not task.done()}

    @contextlib.contextmanager
    def watching(self, run_id: str):
        """A future that is resolved when `run_id` starts in this process.

        Watch before looking the run up: a start in between is then not missed.
        """
        loop = asyncio.get_running_loop()
        entry = (loop, loop.create_future())
        with self.watchers_lock:
            self.watchers.setdefault(run_id, set()).add(entry)
        try:
            yield entry[1]
        finally:
            with self.watchers_lock:
                waiting = self.watchers.get(run_id, set())
                waiting.discard(entry)
                if not waiting:
                    self.watchers.pop(run_id, None)

    def _announce(self, run_id: str) -> None:
        with self.watchers_lock:
            waiting = self.watchers.pop(run_id, set())
        for loop, future in waiting:
            with contextlib.suppress(RuntimeError):  # the watcher's loop has closed meanwhile
                loop.call_soon_threadsafe(_resolve, future)

    def task(self, run_id: str) -> asyncio.Task | None:
        task = self.tasks.get(run_id)
        # A task from another event loop (e.g. a finished test client's) cannot be awaited here.
        if task is None or task.done() or task.get_loop() is not _current_loop():
            return None
        return task

    def driving(self, run_id: str) -> bool:
        """Whether a task of this process (on any event loop) drives the run now."""
        task = self.tasks.get(run_id)
        return task is not None and not task.done()

    def bus(self, run_id: str) -> EventBus | None:
        return self.buses.get(run_id) if self.task(run_id) else None

    async def wait(self, run_id: str) -> None:
        task = self.task(run_id)
        if task:
            await asyncio.shield(task)

    def _drop(self, run_id: str, task: asyncio.Task) -> None:
        if self.tasks.get(run_id) is task:
            del self.tasks[run_id]
            self.buses.pop(run_id, None)


registry = RunRegistry()


async def _drive(run: Run, ctx, session_key: str, bus: EventBus) -> None:
    async with sync_threads.for_task():  # the run may outlive the request that started it
        await _drive_here(run, ctx, session_key, bus)


async def _drive_here(run: Run, ctx, session_key: str, bus: EventBus) -> None:
    calls = ToolCalls(run, ctx, bus)
    try:
        try:
            await advance(run, calls, bus)
        except ClaudeUnavailable as exc:
            await _stop(run, Run.Status.INTERRUPTED, str(exc))
        except ClaudeRefused as exc:  # resuming would send the same request: the run ends, its work kept
            await _stop(run, Run.Status.FAILED, str(exc), reply=refused_reply(exc))
        except leases.LeaseLost:
            raise
        except (OperationalError, InterfaceError):  # locked past the busy timeout, connection lost: not the run's fault
            log.exception("Run %s stopped on a database error", run.id)
            await _stop(run, Run.Status.INTERRUPTED, DATABASE_TROUBLE)
        except Exception:
            log.exception("Run %s crashed", run.id)
            await _stop(run, Run.Status.FAILED, "Something went wrong on our side; the error was logged.")
    except asyncio.CancelledError:
        # The server is stopping: what followers are told is what recovery will record at the next start
        # (the run in the database stays as it is meanwhile, resumable then).
        run.status, run.error = Run.Status.INTERRUPTED, STOPPING
        raise
    except leases.LeaseLost:
        log.warning("Run %s is no longer this driver's (its lease ran out); it stopped here.", run.id)
        try:
            await run.arefresh_from_db()  # what waiting requests and pages are told is what the database holds
        except AnyDatabaseError:  # unknown, then: never the outcome this driver could not save
            run.status, run.reply = Run.Status.RUNNING, ""
    finally:
        # Followers wait for the leg's last event. A pause has published waiting_for_approval; "running"
        # means another request's task (with a bus of its own) or another driver carries the run on.
        if not bus.ended:
            bus.publish("run_finished", status=run.status, reply=run.reply, error=run.error)
    if calls.reconnect_required or ctx.credentials.token != ctx.stored_token:
        try:
            await _keep_session_in_step(session_key, ctx, calls.reconnect_required)
            ctx.stored_token = ctx.credentials.token
        except Exception:  # e.g. the session was deleted by a logout meanwhile: the run's outcome stands
            log.exception("Could not update the session after run %s", run.id)


def refused_reply(exc: ClaudeRefused) -> str:
    return (f"Claude could not take this task on: {exc.message}. Everything done so far is listed with this task; "
            "to carry on, ask again in a new task (a new conversation if this one has grown long).")


async def _stop(run: Run, status: str, error: str, reply: str = "") -> None:
    run.status, run.error, run.reply = status, error, reply or run.reply
    try:
        await sync_to_async(_record_stop)(run)
    except AnyDatabaseError:
        # Still unwritable: the next recovery (a resume runs one) marks the run interrupted.
        registry.unrecorded[run.id] = run.owner
        log.exception("Could not record that run %s stopped", run.id)


def _record_stop(run: Run) -> None:
    with transaction.atomic():
        # It may have stopped just after saving its pause.
        leases.save_now(run, "status", "error", "reply", status=(Run.Status.RUNNING, Run.Status.NEEDS_APPROVAL))
        if run.status == Run.Status.INTERRUPTED:
            _cut_off_actions(run.id)


def _cut_off_actions(run_id: str) -> None:
    """An action that had started but whose end was not recorded may or may not have happened (a sent
    mail cannot be unsent): it is marked failed, never run again."""
    Action.objects.filter(run_id=run_id, status=Action.Status.APPROVED).filter(~Q(started=None)).update(
        status=Action.Status.FAILED, error=INTERRUPTED, finished=timezone.now()
    )


@sync_to_async
def _keep_session_in_step(session_key: str, ctx, reconnect_required: bool) -> None:
    """Store a token google-auth refreshed (while the task was prepared or run), or drop a grant Google refused."""
    if reconnect_required:
        connection.forget_refused(session_key, ctx.credentials, RECONNECT)
    elif ctx.credentials.token:
        connection.save_refreshed(session_key, ctx.credentials)


def mark_interrupted() -> int:
    """Runs left "running" whose driving process is gone were cut off by a restart (see leases).

    So are runs whose task ended without recording how: running, or paused with no card left to
    decide (the database failed as the run took itself back). This process knows its own such runs
    at once (registry.unrecorded); any process knows them once their lease has run out.
    """
    unrecorded = dict(registry.unrecorded)
    cards = Exists(Action.objects.filter(run=OuterRef("pk"), status=Action.Status.PENDING))
    paused = Q(status=Run.Status.NEEDS_APPROVAL)
    # The database's time, the clock leases are set by: not this process's, which may be off.
    rows = Run.objects.annotate(db_now=Now(), cards=cards).filter(
        Q(status=Run.Status.RUNNING) | paused & Q(id__in=list(unrecorded)) | paused & Q(cards=False))
    cut_off = 0
    for run_id, status, owner, lease_until, db_now, waits_on_cards in rows.values_list(
            "id", "status", "owner", "lease_until", "db_now", "cards"):
        driven_here = registry.driving(run_id)
        ended_here = unrecorded.get(run_id) == owner and not driven_here
        stranded = status == Run.Status.NEEDS_APPROVAL and not waits_on_cards  # its cause unknown: a restart, likely
        if not ended_here and (not (status == Run.Status.RUNNING or stranded) or
                               not leases.driver_gone(owner, lease_until, db_now, driven_here)):
            continue
        with transaction.atomic():  # the run and its actions together, so a resume sees both or neither
            # Only if nothing changed since it was read: a lease renewed meanwhile keeps its run.
            same = Run.objects.filter(id=run_id, status=status, owner=owner, lease_until=lease_until)
            if same.update(status=Run.Status.INTERRUPTED, error=DATABASE_TROUBLE if ended_here else RESTARTED):
                cut_off += 1
                _cut_off_actions(run_id)
        if ended_here and registry.unrecorded.get(run_id) == owner:  # not an entry a newer claim left
            registry.unrecorded.pop(run_id, None)
    return cut_off


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _current_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
