"""Steps the browser tests share: typing a task, holding the fake Claude mid-run."""
import threading

from playwright.sync_api import expect

HOLD_SECONDS = 20


def send_task(page, task: str) -> None:
    box = page.get_by_label("Task")
    box.fill(task)
    box.press("Enter")


def held(blocks: list):
    """A scripted reply that waits until the test opens the gate, so the test
    can look at the page while the run is in the middle of its work."""
    gate = threading.Event()

    def answer(_request):
        if not gate.wait(HOLD_SECONDS):
            raise TimeoutError("the test never released the fake Claude")
        return blocks

    return gate, answer


def approval_card(page):
    card = page.locator(".approval")
    expect(card).to_be_visible()
    return card


def conversation_load_fails_once(page, status: int, content_type: str, body: str):
    """The next load of a conversation is answered with an error (a proxy's page, or the app's own)."""
    page.problems.expect_status(status)
    failed = []

    def fail(route):
        if not failed:
            failed.append(route.request)
            route.fulfill(status=status, content_type=content_type, body=body)
        else:
            route.continue_()

    page.route("**/conversations/*", fail)
