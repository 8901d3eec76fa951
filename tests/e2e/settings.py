"""Settings for the app under test in the end-to-end suite, run by uvicorn in
its own process: the fixtures pass the database (DATABASE_URL), the sandbox and
the fake Claude through the environment."""
import os

from tests.settings import *  # noqa: F403

GOOGLE_API_ENDPOINT = os.environ["GOOGLE_API_ENDPOINT"]
ANTHROPIC_BASE_URL = os.environ["ANTHROPIC_BASE_URL"]
ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
SERVE_STATIC = True
