"""GET /: the chat page. Everything after the first paint is done by chat.js
against the JSON API, so the view only supplies what the header needs."""
from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from app import connection
from app.scopes import SERVICE_LABELS


# The page's script reads the csrftoken cookie for POST /get_response.
@method_decorator(ensure_csrf_cookie, name="dispatch")
class ChatView(TemplateView):
    template_name = "app/chat.html"

    def get_context_data(self, **kwargs):
        status = connection.status(self.request.session)
        return {
            **super().get_context_data(**kwargs),
            "connection": status,
            "missing_services": [SERVICE_LABELS[name] for name in status["missing_services"]],
            "has_api_key": bool(settings.ANTHROPIC_API_KEY),
        }
