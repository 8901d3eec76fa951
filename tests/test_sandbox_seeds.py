"""Seeds: the sandbox starts from the demo workspace, an empty one, or a JSON file of your own."""
import json

import pytest
from django.core.management import CommandError, call_command

from app.sandbox.server import SandboxServer
from tests.sandbox_client import SandboxClient


def test_a_seed_file_of_your_own_becomes_the_workspace(tmp_path):
    seed = tmp_path / "team.json"
    seed.write_text(json.dumps({"account": {"email": "kim@team.example", "name": "Kim", "timezone": "Asia/Tokyo"}}))
    server = SandboxServer(str(seed)).start()
    try:
        state = SandboxClient(server.url).state()
        assert state["account"]["email"] == "kim@team.example"
        assert state["account"]["timezone"] == "Asia/Tokyo"
    finally:
        server.stop()


def test_empty_seed_has_no_mail_and_no_files():
    server = SandboxServer("empty").start()
    try:
        state = SandboxClient(server.url).state()
        assert not state["gmail"].get("messages")
        assert not state["drive"].get("files")
    finally:
        server.stop()


def test_command_refuses_a_seed_that_does_not_exist():
    with pytest.raises(CommandError, match="no-such-seed.json"):
        call_command("workspace_sandbox", "--port", "0", "--seed", "no-such-seed.json")
