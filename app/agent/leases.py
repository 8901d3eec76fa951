"""Which process drives a running run, so that no process takes a live run for a dead one.

A running run names its driver and that driver's claim ("host/pid-namespace:pid:boot#claim"),
and holds a lease that the driver renews while it works. Leases are set and judged by the
database's clock, so processes on machines whose clocks disagree still agree on when a lease
runs out. Recovery (runs.mark_interrupted) treats a run as cut off only when its driver is
gone: a process on this machine that has ended (known at once), or one anywhere whose lease
has run out. A restarted server thus recovers its runs on its first request, while another
worker, or the CLI sharing the database, leaves them alone.
"""
import logging
import os
import socket
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Now
from django.utils import timezone

from app.models import Run, new_id

log = logging.getLogger(__name__)


def _machine() -> str:
    """This host and PID namespace: two containers may share a hostname but never a PID namespace."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").strip("pid:[]")  # "pid:[4026531836]" -> "4026531836"
    except OSError:  # not Linux
        namespace = ""
    return f"{socket.gethostname()}/{namespace}"


HOST = _machine()


def _new_owner() -> str:
    return f"{HOST}:{os.getpid()}:{new_id()[:8]}"  # the boot part tells this process from an earlier one with its pid


OWNER = _new_owner()
# A worker forked from a server that imported this first (gunicorn --preload) is a driver of its own.
os.register_at_fork(after_in_child=lambda: globals().update(OWNER=_new_owner()))
LEASE = timedelta(seconds=60)
RENEW_EVERY = LEASE / 3


def claim_fields() -> dict:
    """What a process writes on a run it starts driving.

    The owner names the process and this claim ("<process>#<claim>"): a driver's saves are
    fenced on it, so a stale driver loses even to a resume of its run in its own process.
    """
    return {"owner": f"{OWNER}#{new_id()[:8]}", "lease_until": lease_from_now()}


def claimed_here(owner: str) -> bool:
    """Whether a request of this process claimed the run (its task may not have started yet)."""
    return owner.partition("#")[0] == OWNER


def lease_from_now() -> ExpressionWrapper:
    return ExpressionWrapper(Now() + LEASE, output_field=DateTimeField())


def driver_gone(owner: str, lease_until, now, driven_here: bool) -> bool:
    expired = lease_until is None or lease_until < now
    if claimed_here(owner):
        # Ours: gone only if no task drives it and nothing renewed it (a run about to start has a fresh lease).
        return not driven_here and expired
    host, _, rest = owner.partition("#")[0].partition(":")
    pid = rest.partition(":")[0]
    if host == HOST and pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
        return True  # that process has ended: its pid is gone, or is this process's now
    return expired


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


async def renew(run_ids: list[str]) -> None:
    """Extend the leases of the runs this process is driving."""
    try:
        await Run.objects.filter(id__in=run_ids, status=Run.Status.RUNNING,
                                 owner__startswith=f"{OWNER}#").aupdate(
            lease_until=lease_from_now()
        )
    except Exception:  # a busy database now and then must not stop the renewing
        log.warning("Could not renew run leases", exc_info=True)


class LeaseLost(Exception):
    """The run is no longer this driver's: cut off by recovery elsewhere, or taken up by another process."""


async def save(run: Run, *fields: str, status: tuple[str, ...] = (Run.Status.RUNNING,)) -> None:
    await sync_to_async(save_now)(run, *fields, status=status)


def save_now(run: Run, *fields: str, status: tuple[str, ...] = (Run.Status.RUNNING,)) -> None:
    """Save fields of a run this driver drives, only if it still drives it (fencing).

    A driver whose lease ran out (its event loop stalled past the lease) may find
    its run cut off and resumed, by another process or by this one; its saves must
    not overwrite the new driver's work, and it must stop before running anything
    more. `status` is what the run may be now.
    """
    run.updated = timezone.now()
    values = {field: getattr(run, field) for field in (*fields, "updated")}
    if not Run.objects.filter(id=run.id, status__in=status, owner=run.owner).update(**values):
        raise LeaseLost(run.id)
