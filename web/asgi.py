"""ASGI entry point: async views hold many agent runs waiting on Claude in one process."""
import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
application = get_asgi_application()

from django.conf import settings  # noqa: E402  (settings are ready only after the line above)
from django.urls import get_resolver  # noqa: E402

if settings.SERVE_STATIC:
    # Development and the demo: serve app/static straight from the app, no collectstatic.
    # In production a reverse proxy serves `collectstatic` output instead.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    application = ASGIStaticFilesHandler(application)

from django.urls import reverse  # noqa: E402

from app import sync_threads  # noqa: E402

application = sync_threads.serve(application, separate=(reverse("admin:index"),))

# Import the views, and with them the agent and the SDKs, now rather than on the first
# request, then put all these long-lived objects out of the garbage collector's sight.
# Its full collections would otherwise walk some 200,000 of them each time, for about
# 0.1 s with the GIL held, while every run in the process waits.
get_resolver().url_patterns
gc.freeze()
