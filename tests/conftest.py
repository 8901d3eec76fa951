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
