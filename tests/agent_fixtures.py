"""Fixtures for the agent and API tests: the fake Claude and three sessions."""
import json

import pytest
from django.test import Client

from tests.fake_claude import FakeClaude


@pytest.fixture(scope="session")
def fake_claude_server():
    server = FakeClaude().start()
    yield server
    server.stop()


@pytest.fixture
def fake_claude(fake_claude_server, settings) -> FakeClaude:
    """The scripted Claude on loopback, emptied for this test; the app points at it."""
    fake_claude_server.reset()
    settings.ANTHROPIC_BASE_URL = fake_claude_server.url
    return fake_claude_server


class Person:
    """A browser session: it has the csrftoken cookie and sends it back like the page does."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)
        self.client.get("/")  # the chat page sets the session and csrftoken cookies
        self.csrf = self.client.cookies["csrftoken"].value

    def post(self, body, content_type="application/json"):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post("/get_response", data, content_type=content_type, HTTP_X_CSRFTOKEN=self.csrf)

    def ask(self, task: str, **more) -> dict:
        response = self.post({"task": task, **more})
        assert response.status_code == 200, response.content
        return response.json()

    def approve(self, *action_ids) -> dict:
        response = self.post({"approve": list(action_ids)})
        assert response.status_code == 200, response.content
        return response.json()

    def get(self, path):
        return self.client.get(path)


def sends(sandbox) -> int:
    """How many mails the workspace has sent."""
    return sum(1 for r in sandbox.http_requests() if r["path"].endswith("/messages/send"))


@pytest.fixture
def agent_world(transactional_db, sandbox, fake_claude):
    """Everything a task needs: database, workspace sandbox and fake Claude."""
    return fake_claude


@pytest.fixture
def alice(agent_world) -> Person:
    return Person()


@pytest.fixture
def charlie(agent_world) -> Person:
    """An outsider who must see nothing of alice's."""
    return Person()
