"""GET /conversations and GET /conversations/<id>: this session's history as JSON.

The page restores its thread from these after a reload. They also set the
csrftoken cookie, so a JSON client can start here before POST /get_response.
"""
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views import View

from app.agent.payload import run_json
from app.models import ID, Action, Conversation
from app.views.errors import JsonMethodNotAllowed
from app.views.sessions import live_session_key

LIST_LIMIT = 50


class ConversationListView(JsonMethodNotAllowed, View):
    http_method_names = ["get"]

    async def get(self, request):
        get_token(request)
        mine = Conversation.objects.filter(session_key=await live_session_key(request) or "-")[:LIST_LIMIT]
        items = [
            {"id": c.id, "title": c.title, "created": c.created.isoformat(), "updated": c.updated.isoformat()}
            async for c in mine
        ]
        return JsonResponse({"conversations": items})


class ConversationDetailView(JsonMethodNotAllowed, View):
    http_method_names = ["get"]

    async def get(self, request, conversation_id: str):
        get_token(request)
        conversation = None
        if ID.fullmatch(conversation_id):  # anything else names nothing: not even the session is looked up
            session_key = await live_session_key(request) or "-"
            conversation = await Conversation.objects.filter(id=conversation_id, session_key=session_key).afirst()
        if conversation is None:
            return JsonResponse({"error": "conversation_id: no such conversation in this session"}, status=404)
        actions: dict[str, list[Action]] = {}
        async for action in Action.objects.filter(run__conversation=conversation):
            actions.setdefault(action.run_id, []).append(action)
        runs = [run_json(run, actions.get(run.id, [])) async for run in conversation.runs.all()]
        return JsonResponse({"id": conversation.id, "title": conversation.title, "runs": runs})
