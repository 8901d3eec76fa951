"""Recovery marks interrupted only the runs whose driving process is gone, never a run another
live process (a second worker, the CLI) is driving."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from app.agent import leases
from app.agent.runs import mark_interrupted
from app.models import Conversation, Run

pytestmark = pytest.mark.django_db

SOON, PAST = timedelta(seconds=30), timedelta(seconds=-1)


def running(owner: str, lease: timedelta | None = SOON) -> Run:
    conversation = Conversation.objects.create(session_key="s", title="Task")
    return Run.objects.create(conversation=conversation, task="Task", status=Run.Status.RUNNING, owner=owner,
                              lease_until=timezone.now() + lease if lease is not None else None)


def status_after_recovery(run: Run) -> str:
    mark_interrupted()
    run.refresh_from_db()
    return run.status


def ended_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_another_live_process_here_drives_is_left_alone():
    assert status_after_recovery(running(f"{leases.HOST}:{os.getppid()}:boot")) == "running"


def test_a_run_this_process_is_starting_is_left_alone():
    assert status_after_recovery(running(leases.OWNER)) == "running"


def test_a_run_this_process_left_running_without_a_task_is_interrupted_once_its_lease_ran_out():
    assert status_after_recovery(running(leases.OWNER, PAST)) == "interrupted"


def test_a_run_driven_in_another_container_with_the_same_hostname_is_judged_by_its_lease():
    hostname = leases.HOST.split("/")[0]
    assert status_after_recovery(running(f"{hostname}/1:{ended_pid()}:boot", SOON)) == "running"
    assert status_after_recovery(running(f"{hostname}/1:{ended_pid()}:boot", PAST)) == "interrupted"


def test_a_run_whose_process_here_has_ended_is_interrupted_at_once():
    run = running(f"{leases.HOST}:{ended_pid()}:boot")  # its lease has not even run out

    assert status_after_recovery(run) == "interrupted"
    assert "restarted" in Run.objects.get(id=run.id).error


def test_a_run_an_earlier_process_with_this_pid_drove_is_interrupted():
    assert status_after_recovery(running(f"{leases.HOST}:{os.getpid()}:earlier")) == "interrupted"


def test_a_run_driven_on_another_machine_is_interrupted_only_once_its_lease_ran_out():
    assert status_after_recovery(running("elsewhere:123:boot", SOON)) == "running"
    assert status_after_recovery(running("elsewhere:123:boot", PAST)) == "interrupted"


def test_a_run_from_before_owners_were_recorded_is_interrupted():
    assert status_after_recovery(running("", None)) == "interrupted"


def test_renewing_extends_only_this_processs_leases():
    mine = running(leases.claim_fields()["owner"], timedelta(seconds=5))
    theirs = running("elsewhere:1:boot#claim", timedelta(seconds=5))
    before = mine.lease_until

    async_to_sync(leases.renew)([mine.id, theirs.id])

    assert Run.objects.get(id=mine.id).lease_until > before + timedelta(seconds=30)
    assert Run.objects.get(id=theirs.id).lease_until < before + timedelta(seconds=30)


def skew_this_process_clock(monkeypatch, by: timedelta) -> None:
    real = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real() + by)


def test_a_process_whose_clock_runs_ahead_leaves_a_live_lease_elsewhere_alone(monkeypatch):
    run = running("elsewhere:123:boot", SOON)
    skew_this_process_clock(monkeypatch, timedelta(minutes=5))

    assert status_after_recovery(run) == "running"


def test_a_process_whose_clock_runs_behind_still_renews_its_leases_into_the_future(monkeypatch):
    mine, real_now = running(leases.claim_fields()["owner"], timedelta(seconds=5)), timezone.now()
    skew_this_process_clock(monkeypatch, timedelta(minutes=-5))

    async_to_sync(leases.renew)([mine.id])

    assert Run.objects.get(id=mine.id).lease_until > real_now + timedelta(seconds=30)


def test_a_forked_worker_drives_runs_under_an_owner_of_its_own():
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # a worker forked after the server imported the app (gunicorn --preload)
        os.write(write_end, leases.OWNER.encode())
        os._exit(0)
    os.waitpid(child, 0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        childs_owner = pipe.read()

    assert childs_owner != leases.OWNER and childs_owner.startswith(f"{leases.HOST}:{child}:")


def test_pages_following_a_run_the_server_stops_are_told_it_can_be_resumed(monkeypatch, ctx):
    import asyncio

    from app.agent import runs
    from app.agent.events import EventBus

    run, bus = running(owner="here"), EventBus()

    async def stop_the_server():
        working = asyncio.Event()

        async def until_the_server_stops(*args):
            working.set()
            await asyncio.Event().wait()

        monkeypatch.setattr(runs, "advance", until_the_server_stops)
        driving = asyncio.create_task(runs._drive_here(run, ctx, "s", bus))
        await working.wait()
        driving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await driving

    asyncio.run(stop_the_server())

    assert bus.history[-1] == {"type": "run_finished", "status": "interrupted", "reply": "", "error": runs.STOPPING}
