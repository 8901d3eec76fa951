"""Errors for JSON clients in JSON: a CSRF failure, an unknown URL, a wrong method, a crash.

Pages keep Django's HTML answers; the API paths answer {"error": ...} so a
client never has to parse an HTML error page.
"""
import logging

from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.views import defaults
from django.views.csrf import csrf_failure as html_csrf_failure

API_PATHS = ("/get_response", "/runs/", "/conversations")
CRASH = "Something went wrong on our side; the error was logged."
log = logging.getLogger("django.request")


def is_api(request) -> bool:
    return request.path.startswith(API_PATHS)


def csrf_failure(request, reason=""):
    if is_api(request):
        return JsonResponse(
            {"error": "CSRF check failed: GET / first and send the csrftoken cookie's value as the X-CSRFToken header."},
            status=403,
        )
    return html_csrf_failure(request, reason)


def not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"error": f"No such endpoint: {request.path}"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"error": CRASH}, status=500)
    return defaults.server_error(request)


class ApiCrashesAsJson(MiddlewareMixin):
    """A crash on an API path answers JSON even with DEBUG on, whose technical page (HTML) would otherwise
    win over handler500; the traceback goes to the log, as Django logs it for pages."""

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        log.error("Internal Server Error: %s", request.path, exc_info=exception)
        return JsonResponse({"error": CRASH}, status=500)


class JsonMethodNotAllowed:
    """Mixin for API views: a wrong HTTP method gets a JSON 405 naming the allowed ones."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        allowed = [m for m in self._allowed_methods() if m != "OPTIONS"]
        response = JsonResponse({"error": f"{request.method} is not allowed here; use {', '.join(allowed)}."}, status=405)
        response["Allow"] = ", ".join(allowed)
        if self.view_is_async:
            async def answer():
                return response

            return answer()
        return response
