"""ASGI entry point: async views hold many agent runs waiting on Claude in one process."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
application = get_asgi_application()

from django.conf import settings  # noqa: E402  (settings are ready only after the line above)

if settings.SERVE_STATIC:
    # Development and the demo: serve app/static straight from the app, no collectstatic.
    # In production a reverse proxy serves `collectstatic` output instead.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    application = ASGIStaticFilesHandler(application)
