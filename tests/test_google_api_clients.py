"""The process shares its Google API clients and keeps their connections; each request still goes out
under its own person's grant, and no connection is used by two threads at once."""
import threading
from concurrent.futures import ThreadPoolExecutor

import httplib2
import pytest
from googleapiclient.errors import HttpError

from app import google_api, scopes
from app.sandbox.server import SandboxServer
from app.tools.context import Context
from tests.sandbox_client import SandboxClient


def test_each_persons_requests_carry_their_own_grant(sandbox):
    everything = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    drive_only = Context(credentials=sandbox.credentials(scopes=[scopes.DRIVE]), api_root=sandbox.url)
    # Made in turn from the same shared client, then sent in the other order.
    refused = drive_only.service("gmail").users().messages().list(userId="me")
    allowed = everything.service("gmail").users().messages().list(userId="me")

    assert google_api.execute(allowed)["messages"]
    with pytest.raises(HttpError) as error:
        google_api.execute(refused)
    assert error.value.status_code == 403


def test_batch_goes_out_under_the_grant_of_its_requests(sandbox):
    drive_only = Context(credentials=sandbox.credentials(scopes=[scopes.DRIVE]), api_root=sandbox.url)
    everything = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    ids = [m["id"] for m in google_api.execute(everything.service("gmail").users().messages().list(userId="me", maxResults=2))["messages"]]
    messages = drive_only.service("gmail").users().messages()

    results = google_api.execute_batch(drive_only.service("gmail"), [messages.get(userId="me", id=i) for i in ids])

    assert [r.status_code for r in results] == [403, 403]


def test_a_request_never_bound_to_a_person_is_not_sent(sandbox):
    shared = google_api._shared_client("gmail", sandbox.url).resource
    with pytest.raises(RuntimeError, match="not bound"):
        google_api.execute(shared.users().getProfile(userId="me"))


def connections(sandbox) -> list[str]:
    return [entry["connection"] for entry in sandbox.http_requests()]


def on_a_new_thread(work):
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(work).result()


def test_requests_made_one_after_another_share_one_kept_connection(ctx, sandbox):
    def three_requests():
        sandbox.clear_log()
        google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
        google_api.execute(ctx.service("drive").files().list(pageSize=1))
        google_api.execute(ctx.service("calendar").calendarList().list())
        return connections(sandbox)

    used = on_a_new_thread(three_requests)

    assert len(used) == 3 and len(set(used)) == 1


def test_two_people_on_one_thread_share_connections_but_not_grants(sandbox):
    everyone = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    drive_only = Context(credentials=sandbox.credentials(scopes=[scopes.DRIVE]), api_root=sandbox.url)

    def both():
        sandbox.clear_log()
        allowed = google_api.execute(everyone.service("gmail").users().labels().list(userId="me"))
        try:
            google_api.execute(drive_only.service("gmail").users().labels().list(userId="me"))
        except HttpError as error:
            return allowed, error.status_code, connections(sandbox)
        return allowed, 200, connections(sandbox)

    allowed, refused, used = on_a_new_thread(both)

    assert allowed["labels"] and refused == 403
    assert len(set(used)) == 1


def test_threads_working_at_once_never_share_a_connection(ctx, sandbox):
    barrier = threading.Barrier(2)

    def one_thread():
        barrier.wait()
        for _ in range(3):
            google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))

    sandbox.clear_log()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: one_thread(), range(2)))

    used = connections(sandbox)
    assert len(used) == 6 and len(set(used)) == 2 and sorted(used.count(c) for c in set(used)) == [3, 3]


def test_a_connection_the_server_dropped_while_idle_is_reopened_and_the_request_goes_through(ctx, sandbox):
    def after_a_hang_up():
        google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
        sandbox.fault("/labels", hang_up=True)  # answered, then the connection is dropped without a word
        google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
        sandbox.clear_log()
        return google_api.execute(ctx.service("gmail").users().labels().list(userId="me")), connections(sandbox)

    labels, used = on_a_new_thread(after_a_hang_up)

    assert labels["labels"] and len(used) == 1


def test_a_connection_left_idle_is_reopened_rather_than_trusted(ctx, sandbox, monkeypatch):
    monkeypatch.setattr(google_api, "IDLE_SECONDS", -1)  # every connection counts as idle too long

    def two_requests():
        sandbox.clear_log()
        google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
        google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
        return connections(sandbox)

    used = on_a_new_thread(two_requests)

    assert len(set(used)) == 2


def test_a_request_that_breaks_part_way_leaves_no_connection_for_the_next_one(ctx, sandbox, monkeypatch):
    """An answer left unread on a connection must never be read by the thread's next request, which
    may be another person's: a broken request closes its thread's connections."""
    real_request = httplib2.Http.request

    def breaks_after_sending(self, *args, **kwargs):
        real_request(self, *args, **kwargs)
        raise ConnectionResetError("the server reset the connection")

    def scenario():
        labels = ctx.service("gmail").users().labels()
        google_api.execute(labels.list(userId="me"))
        monkeypatch.setattr(httplib2.Http, "request", breaks_after_sending)
        with pytest.raises(ConnectionResetError):
            google_api.execute(labels.list(userId="me"), retries=0)
        monkeypatch.setattr(httplib2.Http, "request", real_request)
        left_open = dict(google_api._thread_http()[0].connections)
        sandbox.clear_log()
        google_api.execute(labels.list(userId="me"))
        return left_open, connections(sandbox)

    left_open, used = on_a_new_thread(scenario)

    assert left_open == {} and len(used) == 1


def test_each_connection_counts_its_own_idle_time(ctx, sandbox, monkeypatch):
    other = SandboxServer("demo").start()  # a second host, as Gmail and Drive are
    try:
        other_ctx = Context(credentials=SandboxClient(other.url).credentials(), api_root=other.url)
        now = [1000.0]
        monkeypatch.setattr(google_api.time, "monotonic", lambda: now[0])

        def busy_here_idle_there():
            google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
            google_api.execute(other_ctx.service("gmail").users().labels().list(userId="me"))
            before = set(google_api._thread_http()[0].connections.values())
            for _ in range(3):  # the first host stays busy; the second sits idle
                now[0] += 20
                google_api.execute(ctx.service("gmail").users().labels().list(userId="me"))
            google_api.execute(other_ctx.service("gmail").users().labels().list(userId="me"))
            return before, set(google_api._thread_http()[0].connections.values())

        before, after = on_a_new_thread(busy_here_idle_there)
    finally:
        other.stop()

    assert len(before) == 2 and len(before & after) == 1  # the busy one kept, the idle one reopened
