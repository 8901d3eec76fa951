"""Stop stops the page waiting; the task itself carries on and its result shows up later."""
from playwright.sync_api import expect

from tests.e2e.flows import held, send_task
from tests.fake_claude import text


def test_stop_frees_the_page_and_the_result_appears_after_reload(page, claude):
    gate, slow_answer = held([text("Found 2 files named budget.")])
    claude.respond_with(slow_answer)
    page.goto(page.app_url)

    send_task(page, "Find the budget files")
    expect(page.get_by_text("Thinking…")).to_be_visible()  # the run is under way on the server
    expect(page.locator("#conversation-list button")).to_have_text("Find the budget files")
    stop = page.get_by_role("button", name="Stop")
    stop.click()
    expect(page.get_by_text("Stopped waiting. The task carries on")).to_be_visible()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()
    expect(stop).to_be_hidden()

    gate.set()
    # Whether the run has finished by now or finishes while the page follows it, the reply shows.
    page.reload()
    expect(page.locator(".reply")).to_contain_text("Found 2 files named budget.")
