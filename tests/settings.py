"""Settings for the test suite: everything on loopback, nothing from outside."""
import atexit
import glob
import os
import tempfile

# Before web.settings is read: the tests' settings never come from a developer's .env. Set in the
# environment, so the processes the tests start (the browser tests' server, manage.py) ignore it too.
os.environ["IGNORE_DOTENV"] = "1"
from web.settings import *  # noqa: E402, F403

# Django's default in-memory test database shares one cache between threads, and
# there a table lock fails at once ("database table is locked") instead of
# waiting out the busy timeout: concurrent requests failed in tests that work
# against the shipped database. A file per test process locks like that one.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _TEST_DATABASE = os.path.join(tempfile.gettempdir(), f"gws-maa-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _TEST_DATABASE}  # noqa: F405

    @atexit.register
    def _remove_wal_files():  # Django removes the database file itself, not the WAL files beside it
        for path in glob.glob(_TEST_DATABASE + "*"):
            os.remove(path)

WORKSPACE_SANDBOX = True
GOOGLE_API_ENDPOINT = ""  # each test points this at its own sandbox
GOOGLE_CLIENT_ID = ""
GOOGLE_CLIENT_SECRET = ""
ANTHROPIC_API_KEY = "test-key"
ANTHROPIC_BASE_URL = "http://127.0.0.1:9"  # a closed port unless a test starts the fake Claude
ANTHROPIC_MAX_RETRIES = 2
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
