"""GET /runs/<run_id>/events: a run's progress as Server-Sent Events.

A live run streams as it goes, replaying what happened before the page
subscribed; a finished or paused run (or one from before a restart) is
replayed from the database.

The page chooses a new run's id and opens this stream while its
POST /get_response is still on the way, so a run that does not exist yet is
waited for (without polling: the run registry announces each start) for a
few seconds before the answer is 404. With `?next=1`, sent along with an
approval, a paused run's stream likewise waits for the leg the decision starts.
"""
import asyncio
import json
from datetime import timedelta

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views import View

from app.agent.replay import events_from_db
from app.agent.runs import registry
from app.models import Run, uuid_hex
from app.views.errors import JsonMethodNotAllowed
from app.views.sessions import live_session_key

STARTING = timedelta(seconds=10)  # from the page's POST /get_response to its run starting: checks, time zone, prompt


class RunEventsView(JsonMethodNotAllowed, View):
    http_method_names = ["get"]

    async def get(self, request, run_id: str):
        session_key = await live_session_key(request)
        try:
            run_id = uuid_hex(run_id)  # as the run was started with: dashed or not
        except ValueError:
            run_id = None
        wanted = session_key and run_id
        run = await _run_once_started(run_id, session_key, request.GET.get("next") == "1") if wanted else None
        if run is None or run.conversation.session_key != session_key:
            return JsonResponse({"error": "run_id: no such run in this session"}, status=404)
        response = StreamingHttpResponse(_stream(run), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # let proxies pass events through as they come
        return response


async def _run_once_started(run_id: str, session_key: str, next_leg: bool) -> Run | None:
    with registry.watching(run_id) as started:
        run = await _lookup(run_id)
        if _starting(run, session_key, next_leg):
            try:
                await asyncio.wait_for(started, STARTING.total_seconds())
            except TimeoutError:
                return run
            run = await _lookup(run_id)
    return run


async def _lookup(run_id: str) -> Run | None:
    return await Run.objects.select_related("conversation").filter(id=run_id).afirst()


def _starting(run: Run | None, session_key: str, next_leg: bool) -> bool:
    """Whether this may be the session's run, on its way to starting (again) in this process."""
    if run is None:
        return True
    if run.conversation.session_key != session_key or registry.bus(run.id) is not None:
        return False
    if next_leg:  # the decision may not have reached the run yet, or has claimed it and is starting it
        return run.status in (Run.Status.NEEDS_APPROVAL, Run.Status.INTERRUPTED, Run.Status.RUNNING)
    return run.status == Run.Status.RUNNING and timezone.now() - run.created < STARTING


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
