"""Drive and Docs tools when the person did not grant Drive, and what the tools cost in context."""
import json

import pytest

from app.scopes import GMAIL
from app.tools import invoke, load_catalogue
from app.tools.context import Context
from app.tools.registry import ToolError

BUDGET = 5_050  # characters of JSON definitions for the twelve Drive and Docs tools


def test_a_grant_without_drive_asks_the_person_to_reconnect(sandbox):
    ctx = Context(credentials=sandbox.credentials([GMAIL]), api_root=sandbox.url)
    with pytest.raises(ToolError) as caught:
        invoke("drive_search", ctx, {"query": "Q3"})
    assert str(caught.value) == "Drive access was not granted — reconnect Google and allow Drive."


def test_drive_and_docs_tools_fit_their_share_of_the_catalogue():
    tools = [t for name, t in load_catalogue().items() if name.startswith(("drive_", "docs_"))]
    assert len(tools) == 12
    assert sum(len(json.dumps(t.definition())) for t in tools) <= BUDGET
