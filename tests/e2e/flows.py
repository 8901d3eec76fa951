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
