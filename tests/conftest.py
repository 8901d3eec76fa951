pytest_plugins = ["tests.agent_fixtures"]

import pytest

from app.sandbox.server import SandboxServer
from app.tools.context import Context
from tests.sandbox_client import SandboxClient


@pytest.fixture(scope="session")
def sandbox_server():
    server = SandboxServer(seed="demo").start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, settings) -> SandboxClient:
    """The workspace sandbox on loopback, reset to the demo seed for this test."""
    client = SandboxClient(sandbox_server.url)
    client.reset("demo")
    settings.GOOGLE_API_ENDPOINT = sandbox_server.url
    return client


@pytest.fixture
def ctx(sandbox) -> Context:
    """Tool context holding a fresh sandbox grant with every requested scope."""
    return Context(credentials=sandbox.credentials(), api_root=sandbox.url)


@pytest.fixture
def google(sandbox, settings) -> SandboxClient:
    """The app configured for a real Google OAuth client, with the sandbox playing Google."""
    settings.WORKSPACE_SANDBOX = False
    settings.GOOGLE_API_ENDPOINT = sandbox.url
    settings.GOOGLE_AUTH_URI = sandbox.url + "/o/oauth2/auth"
    settings.GOOGLE_TOKEN_URI = sandbox.url + "/token"
    settings.GOOGLE_REVOKE_URI = sandbox.url + "/revoke"
    settings.GOOGLE_CLIENT_ID = "sandbox-client-id"
    settings.GOOGLE_CLIENT_SECRET = "sandbox-client-secret"
    return sandbox
