"""Settings for the test suite: everything on loopback, nothing from outside."""
from web.settings import *  # noqa: F403

WORKSPACE_SANDBOX = True
GOOGLE_API_ENDPOINT = ""  # each test points this at its own sandbox
GOOGLE_CLIENT_ID = ""
GOOGLE_CLIENT_SECRET = ""
ANTHROPIC_API_KEY = "test-key"
ANTHROPIC_BASE_URL = "http://127.0.0.1:9"  # a closed port unless a test starts the fake Claude
ANTHROPIC_MAX_RETRIES = 2
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
