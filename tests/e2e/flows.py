"""Steps the browser tests share: typing a task, holding the fake Claude mid-run, holding a load back."""
import re
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


LOAD = re.compile(r"/conversations/[^/]+$")
LIST = re.compile(r"/conversations$")


class HeldLoad:
    """The page's next load of a conversation (or of their list), kept from it until the test lets it
    through. The server's answer can be taken at a moment the test chooses (`answer`) and reach the page
    later (`deliver`): a response slow on its way, without waiting on a clock."""

    def __init__(self, page, url=LOAD):
        self.page, self.url, self.routes, self.asked = page, url, [], []
        page.route(url, lambda route: self.routes.append(route), times=1)
        page.on("request", lambda request: self.asked.append(request) if url.search(request.url) else None)

    def _route(self):
        if not self.asked:
            self.page.wait_for_event("request", lambda request: self.url.search(request.url))
        # The route comes to the handler right after its request, while the test is in a Playwright call.
        for _ in range(100):
            if self.routes:
                return self.routes[0]
            self.page.evaluate("0")
        raise AssertionError("the conversation's load never reached the route")

    def answer(self):
        """What the server answers now."""
        return self._route().fetch()

    def deliver(self, answer=None):
        route = self._route()
        route.fulfill(response=answer or route.fetch())

    def deliver_and_see_it_read(self, answer):
        """Deliver, and return once the page's own code has had the answer (see READS)."""
        self._route().fulfill(response=answer, headers={**answer.headers, "x-held": "delivered"})
        self.page.wait_for_function("() => (window.answersRead || []).includes('delivered')")


# For a test whose page must be seen to ignore an answer: notes each JSON answer the page reads. The page's
# code after its `await response.json()` runs in the same turn, before the test can look.
READS = """
const json = Response.prototype.json;
Response.prototype.json = async function () {
  const data = await json.call(this);
  (window.answersRead ||= []).push(this.headers.get("x-held"));
  return data;
};
"""
