"""Live progress of a new task comes from its own event stream, opened with the
run id the page chose, while the request is still waiting for the run to end."""
import json
import re

from playwright.sync_api import expect

from tests.e2e.flows import held, send_task
from tests.fake_claude import text, tool_use


def test_progress_follows_the_run_the_page_named_without_looking_it_up(page, claude):
    gate, slow_answer = held([text("Your next meeting is the Q3 review.")])
    claude.reply(tool_use("calendar_list_events", {}))
    claude.respond_with(slow_answer)
    page.goto(page.app_url)
    requests = []
    page.on("request", lambda request: requests.append(request))

    send_task(page, "What is my next meeting?")
    expect(page.locator(".step").first).to_contain_text("Looking at your calendar")
    expect(page.locator("#conversation-list button")).to_have_text("What is my next meeting?")
    gate.set()
    expect(page.locator(".reply")).to_contain_text("Your next meeting is the Q3 review.")

    [task] = [json.loads(r.post_data) for r in requests if r.url.endswith("/get_response")]
    [stream] = [r.url for r in requests if "/events" in r.url]
    assert stream.endswith(f"/runs/{task['run_id']}/events")
    assert not [r.url for r in requests if re.search(r"/conversations/[0-9a-f]{32}$", r.url)]


def test_progress_lines_read_the_same_after_a_reload(page, claude):
    claude.reply(tool_use("gmail_search", {"query": "Q3", "limit": 1}))
    claude.reply(text("Found it."))
    page.goto(page.app_url)
    send_task(page, "Find the Q3 mail")
    expect(page.locator(".reply")).to_contain_text("Found it.")

    page.reload()

    expect(page.locator(".step").first).to_contain_text("Searching Gmail for 'Q3'")
