"""Threads for Django's synchronous code under ASGI: a few, kept, shared.

Django runs the synchronous parts of a request (middleware, sessions, the ORM) on
a thread of the request's own (asgiref's ThreadSensitiveContext): a thread started
for the request and joined after it by yet another new thread. Starting a thread
blocks the event loop until the new thread gets the GIL, which under load means
waiting behind every busy thread; each new thread opens a database connection of
its own; and fifty runs at once meant a hundred threads taking the GIL in turn for
a few hundred microseconds of work each.

Here every request, and every task that outlives its request (a run, the lease
keeper), is given one of a few long-lived single-thread executors, in turn.
Synchronous calls stay one at a time per thread with its own connection, as
Django expects, and each call is whole (no transaction spans an `await`), so
requests can share a thread. Nothing slow may run on these threads: Google calls
go to google_api.THREADS, and the admin's requests keep threads of their own.
Measured with bench/concurrent_runs.py.
"""
import contextlib
import contextvars
import itertools
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.db import close_old_connections

THREADS = 4
_executors = itertools.cycle([ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-sync") for _ in range(THREADS)])
_kept = contextvars.ContextVar("sync_threads_kept", default=False)


def serve(application, separate: tuple[str, ...] = ()):
    """The ASGI application, with each HTTP request on a kept thread.

    Requests for paths under `separate` keep a thread of their own, as Django gives by
    default: their synchronous views may take long (the admin hashes a password on every
    sign-in attempt), and must not hold up the requests that share a kept thread.
    """
    async def on_kept_threads(scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(separate):  # lifespan: no synchronous code
            return await application(scope, receive, send)
        async with _on_kept_thread():
            return await application(scope, receive, send)

    return on_kept_threads


@contextlib.asynccontextmanager
async def for_task():
    """A kept thread for a task that may outlive the request that started it.

    Under the test client and the CLI (not served through `serve`), calls go where
    asgiref sends them: to the thread that called into the event loop.
    """
    if not _kept.get():
        yield
        return
    async with _on_kept_thread():
        # What Django does when a request starts: drop a connection that broke or grew too old.
        await sync_to_async(close_old_connections)()
        yield


@contextlib.asynccontextmanager
async def _on_kept_thread():
    token = _kept.set(True)
    try:
        async with ThreadSensitiveContext(executor=next(_executors)):
            yield
    finally:
        _kept.reset(token)
