"""GET /runs/<run_id>/events: a run's progress as Server-Sent Events.

A live run streams as it goes, replaying what happened before the page
subscribed; a finished or paused run (or one from before a restart) is
replayed from the database.

The page chooses a new run's id and opens this stream while its
POST /get_response is still on the way, so a run that does not exist yet is
waited for (without polling: the run registry announces each start) for a
few seconds before the answer is 404.
"""
import asyncio
import json
import re
from datetime import timedelta

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views import View

from app.agent.replay import events_from_db
from app.agent.runs import registry
from app.models import Run
from app.views.errors import JsonMethodNotAllowed

RUN_ID = re.compile(r"[0-9a-f]{32}")
STARTING = timedelta(seconds=10)  # from the page's POST /get_response to its run starting: checks, time zone, prompt


class RunEventsView(JsonMethodNotAllowed, View):
    http_method_names = ["get"]

    async def get(self, request, run_id: str):
        session_key = request.session.session_key
        run = await _run_once_started(run_id, session_key) if session_key and RUN_ID.fullmatch(run_id) else None
        if run is None or run.conversation.session_key != session_key:
            return JsonResponse({"error": "run_id: no such run in this session"}, status=404)
        response = StreamingHttpResponse(_stream(run), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # let proxies pass events through as they come
        return response


async def _run_once_started(run_id: str, session_key: str) -> Run | None:
    with registry.watching(run_id) as started:
        run = await _lookup(run_id)
        if _starting(run, session_key):
            try:
                await asyncio.wait_for(started, STARTING.total_seconds())
            except TimeoutError:
                return run
            run = await _lookup(run_id)
    return run


async def _lookup(run_id: str) -> Run | None:
    return await Run.objects.select_related("conversation").filter(id=run_id).afirst()


def _starting(run: Run | None, session_key: str) -> bool:
    """Whether this may be the session's new run, on its way to starting in this process."""
    if run is None:
        return True
    return (run.conversation.session_key == session_key and run.status == Run.Status.RUNNING
            and registry.bus(run.id) is None and timezone.now() - run.created < STARTING)


async def _stream(run: Run):
    bus = registry.bus(run.id)
    if bus is not None:
        async for event in bus.follow():
            yield sse(event)
        return
    actions = [action async for action in run.actions.all()]
    for event in events_from_db(run, actions):
        yield sse(event)


def sse(event: dict) -> str:
    return f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
