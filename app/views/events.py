"""GET /runs/<run_id>/events: a run's progress as Server-Sent Events.

A live run streams as it goes, replaying what happened before the page
subscribed; a finished or paused run (or one from before a restart) is
replayed from the database.
"""
import json

from django.http import JsonResponse, StreamingHttpResponse
from django.views import View

from app.agent.replay import events_from_db
from app.agent.runs import registry
from app.models import Run
from app.views.errors import JsonMethodNotAllowed


class RunEventsView(JsonMethodNotAllowed, View):
    http_method_names = ["get"]

    async def get(self, request, run_id: str):
        session_key = request.session.session_key
        run = await Run.objects.filter(id=run_id, conversation__session_key=session_key).afirst() if session_key else None
        if run is None:
            return JsonResponse({"error": "run_id: no such run in this session"}, status=404)
        response = StreamingHttpResponse(_stream(run), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # let proxies pass events through as they come
        return response


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
