"""Django's synchronous code under the server: a few kept threads, shared by the
requests and by the runs that outlive their request."""
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async

from app import sync_threads


def _thread() -> int:
    return threading.get_ident()


def _on_a_fresh_thread(func):
    """As a server's or a test client's thread, with no event loop of the caller's (a browser test may leave one)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(func).result()


async def _serve_one(app, path: str = "/get_response") -> None:
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    await app({"type": "http", "path": path}, receive, send)


def test_requests_share_a_few_kept_threads_instead_of_starting_their_own():
    seen = []

    async def app(scope, receive, send):
        seen.append((await sync_to_async(_thread)(), await sync_to_async(_thread)()))

    async def burst():
        served = sync_threads.serve(app)
        await asyncio.gather(*(_serve_one(served) for _ in range(3 * sync_threads.THREADS)))

    _on_a_fresh_thread(lambda: asyncio.run(burst()))
    _on_a_fresh_thread(lambda: asyncio.run(burst()))  # later requests, on another event loop, find the same threads

    assert all(first == second for first, second in seen)  # one request's calls stay on one thread
    threads = {first for first, _ in seen}
    assert len(threads) == sync_threads.THREADS
    assert threading.get_ident() not in threads


def test_a_run_that_outlives_its_request_carries_on_on_a_kept_thread():
    tasks = []

    async def run(go):
        async with sync_threads.for_task():
            await go.wait()  # the request that started the run has ended by now
            return await sync_to_async(_thread)()

    async def main():
        go = asyncio.Event()

        async def app(scope, receive, send):
            tasks.append(asyncio.create_task(run(go)))

        await _serve_one(sync_threads.serve(app))
        go.set()
        return await tasks[0]

    loop_thread, run_thread = _on_a_fresh_thread(lambda: (threading.get_ident(), asyncio.run(main())))
    assert run_thread != loop_thread


def test_outside_the_server_a_run_stays_on_the_calling_thread():
    """The test client and the CLI: the thread that called into the event loop, with its connection."""
    from asgiref.sync import async_to_sync

    async def run():
        async with sync_threads.for_task():
            return await sync_to_async(_thread)()

    calling_thread, run_thread = _on_a_fresh_thread(lambda: (threading.get_ident(), async_to_sync(run)()))
    assert run_thread == calling_thread


def test_the_admins_slow_requests_keep_threads_of_their_own():
    """A sign-in attempt hashes a password for a third of a second: never on a thread others share."""
    seen = {}

    async def app(scope, receive, send):
        async with ThreadSensitiveContext():  # what Django does for each request
            seen.setdefault(scope["path"], set()).add(await sync_to_async(_thread_name)())

    async def burst():
        served = sync_threads.serve(app, separate=("/admin/",))
        await asyncio.gather(*(_serve_one(served, path) for path in ["/admin/login/"] * 3 + ["/conversations"] * 8))

    _on_a_fresh_thread(lambda: asyncio.run(burst()))

    kept = {name for name in seen["/conversations"] if name.startswith("django-sync")}
    assert kept == seen["/conversations"] and not seen["/admin/login/"] & kept


def _thread_name() -> str:
    return threading.current_thread().name
