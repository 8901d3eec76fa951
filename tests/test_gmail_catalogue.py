"""The Gmail tools as Claude sees them: compact enough for the shared budget."""
import json

from app.tools import load_catalogue

GMAIL_BUDGET = 5_800  # characters of JSON definitions for the ten Gmail tools


def test_gmail_tools_fit_their_share_of_the_budget():
    tools = [tool for name, tool in load_catalogue().items() if name.startswith("gmail_")]
    size = sum(len(json.dumps(tool.definition())) for tool in tools)
    print(f"Gmail tool definitions: {size} characters for {len(tools)} tools")
    assert len(tools) == 10
    assert size <= GMAIL_BUDGET


def test_send_and_draft_take_the_same_inputs():
    tools = load_catalogue()
    send = tools["gmail_send"].definition()["input_schema"]
    draft = tools["gmail_create_draft"].definition()["input_schema"]
    assert send == draft
    assert {"to", "cc", "bcc", "subject", "body", "html", "attachments", "reply_to_message_id"} <= set(send["properties"])
