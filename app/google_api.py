"""Build Google API clients, run requests with retries, and batch them.

The bundled discovery documents are used, so nothing is fetched at start-up.
When the app talks to the sandbox, the document's rootUrl is rewritten:
that keeps each API's real paths (/drive/v3/..., /calendar/v3/...) and moves
the batch endpoint too, which `client_options={"api_endpoint": ...}` does not.
"""
import contextlib
import functools
import http.client
import json
import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import google_auth_httplib2
import httplib2
from asgiref.sync import sync_to_async
from django.conf import settings
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

VERSIONS = {"gmail": "v1", "drive": "v3", "calendar": "v3", "docs": "v1", "sheets": "v4", "tasks": "v1", "people": "v1"}
BATCH_LIMIT = 50  # Gmail's advice; larger batches get rate limited
RETRYABLE = {429, 500, 502, 503, 504}
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}  # Gmail answers some rate limits with 403
# A request that broke on the way: timeouts, resets, a connection that closed before its answer.
TRANSPORT_ERRORS = (OSError, httplib2.HttpLib2Error, http.client.HTTPException)
IDLE_SECONDS = 30  # a kept connection idle longer is reopened: servers close idle connections after a while

# Google calls block a thread each, for as long as Google takes; sized for many concurrent runs.
# Never the threads Django's synchronous code shares (app.sync_threads), which must stay quick.
THREADS = ThreadPoolExecutor(max_workers=64, thread_name_prefix="google")


def off_loop(func):
    """`func` (one that calls Google) as a coroutine function running on THREADS."""
    return sync_to_async(func, thread_sensitive=False, executor=THREADS)


@functools.cache
def discovery_document(name: str, root_url: str | None) -> dict:
    document = json.loads(get_static_doc(name, VERSIONS[name]))
    if root_url:
        document["rootUrl"] = root_url.rstrip("/") + "/"
        document["mtlsRootUrl"] = document["rootUrl"]
    return document


def build_service(name: str, credentials, root_url: str | None = None):
    """A client for one person: the process's shared client, with every request bound to their credentials."""
    return Bound(_shared_client(name, root_url), google_auth_httplib2.AuthorizedHttp(credentials, http=_KEPT))


class _KeptConnections:
    """The connections of the thread a request runs on, kept open between requests.

    A new connection for every request would cost Google's TLS handshake (round trips, and
    milliseconds of CPU) each time. An httplib2.Http must not be shared across threads, so each
    thread has its own, looked up when a request is made (a client may be built on one thread
    and used on another). It holds no credentials: AuthorizedHttp adds each person's to their
    requests. A connection idle longer than IDLE_SECONDS is closed rather than reused (a server
    may have dropped it meanwhile, and a request on it could then fail in ways httplib2 does not
    retry); one the server closed cleanly is reopened by httplib2.
    """

    def request(self, uri, *args, **kwargs):
        if getattr(_threads, "once", False):
            return _request_once(uri, *args, **kwargs)
        http, used = _thread_http()
        key = _connection_key(uri)
        if time.monotonic() - used.get(key, math.inf) > IDLE_SECONDS:
            stale = http.connections.pop(key, None)
            if stale is not None:
                stale.close()
        try:
            return http.request(uri, *args, **kwargs)
        except BaseException:
            # A request that broke part way may leave its answer unread on the connection, where the
            # thread's next request, maybe another person's, would read it as its own: start afresh.
            http.close()
            raise
        finally:
            used[key] = time.monotonic()

    def __getattr__(self, name: str):
        return getattr(_thread_http()[0], name)

    def __setattr__(self, name: str, value) -> None:
        setattr(_thread_http()[0], name, value)  # never onto this object, which every thread shares


class NotSentAgain(httplib2.HttpLib2Error):
    """A request to be made at most once broke before Google answered, and was not sent again."""


class _OneRequest:
    """A connection that carries one request. httplib2 sends a request again on a fresh connection
    when the first brought no answer at all, which for a mail whose answer was lost means sending
    it twice."""

    carried = False

    def request(self, *args, **kwargs):
        if self.carried:
            raise NotSentAgain("the connection broke before Google answered; it was not sent again")
        self.carried = True
        return super().request(*args, **kwargs)


class _HTTPOneRequest(_OneRequest, httplib2.HTTPConnectionWithTimeout):
    pass


class _HTTPSOneRequest(_OneRequest, httplib2.HTTPSConnectionWithTimeout):
    pass


@contextlib.contextmanager
def at_most_once():
    """Requests made meanwhile on this thread go out at most once each (client retries off too:
    `execute(..., retries=0)`), each on a connection of its own."""
    _threads.once = True
    try:
        yield
    finally:
        _threads.once = False


def _request_once(uri: str, *args, **kwargs):
    http = _new_http()
    kwargs["connection_type"] = _HTTPSOneRequest if uri.startswith("https:") else _HTTPOneRequest
    try:
        return http.request(uri, *args, **kwargs)
    finally:
        http.close()


def _thread_http() -> tuple[httplib2.Http, dict]:
    """This thread's Http, and when each of its connections was last used."""
    if getattr(_threads, "http", None) is None:
        _threads.http, _threads.used = _new_http(), {}
    return _threads.http, _threads.used


def _new_http() -> httplib2.Http:
    http = httplib2.Http(timeout=30)
    # In resumable uploads 308 means "resume incomplete", not a redirect (as googleapiclient's build_http sets).
    http.redirect_codes = http.redirect_codes - {308}
    return http


def _connection_key(uri: str) -> str:
    scheme, authority, _, _ = httplib2.urlnorm(uri)  # as httplib2 keys its connections
    return f"{scheme}:{authority}"


_threads = threading.local()
_KEPT = _KeptConnections()


class _Unbound:
    """The http of the shared clients: a request that was never bound to a person must not go out."""

    def request(self, *args, **kwargs):
        raise RuntimeError("A Google API request was not bound to a person's credentials.")


class _Node:
    """A shared client or one of its sub-resources (users(), users().messages()), built once.

    Building them from the discovery document costs milliseconds of CPU per run
    (a method object per API method, at each level), and they hold no state of
    their own beyond the http they were built with, which requests replace.
    """

    def __init__(self, resource):
        self.resource = resource
        self.children: dict[str, _Node] = {}

    def child(self, name: str) -> "_Node":
        node = self.children.get(name)
        if node is None:
            # Two threads may build the same child at once; either result is right.
            node = self.children.setdefault(name, _Node(getattr(self.resource, name)()))
        return node


@functools.cache
def _shared_client(name: str, root_url: str | None) -> _Node:
    return _Node(build_from_document(discovery_document(name, root_url), http=_Unbound()))


class Bound:
    """A shared client seen by one person: requests it makes carry their http (and so their credentials)."""

    def __init__(self, node: _Node, http):
        self._node, self._http = node, http

    def __getattr__(self, name: str):
        attribute = getattr(self._node.resource, name)
        if getattr(attribute, "__is_resource__", False):  # users(), messages(): a sub-resource
            return lambda: Bound(self._node.child(name), self._http)
        if not callable(attribute):
            return attribute

        def bound(*args, **kwargs):
            result = attribute(*args, **kwargs)
            if isinstance(result, HttpRequest):
                result.http = self._http
            return result

        return bound


def execute(request, retries: int | None = None):
    """Run one request; 429 and 5xx are retried with backoff by the client library."""
    return request.execute(num_retries=settings.GOOGLE_API_RETRIES if retries is None else retries)


def execute_once(request):
    """Run a request that must not be made twice (one that emails people, or that Google cannot tell
    from a repeat): after a timeout, a dropped connection or a 5xx Google may have carried it out
    already, so it is neither retried nor sent again by httplib2. The caller reports a failure, or
    checks whether it happened."""
    for attempt in range(settings.GOOGLE_API_RETRIES + 1):
        try:
            with at_most_once():
                return execute(request, retries=0)
        except HttpError as error:
            # A rate limit is Google declining to start: sent again after a pause, it is still made once.
            if error.status_code >= 500 or not is_retryable(error) or attempt == settings.GOOGLE_API_RETRIES:
                raise
        _sleep_before_retry(attempt)


def execute_once_or_find(request, find):
    """`execute_once`, and when the request may have been carried out before its answer was lost (a
    timeout, a dropped connection, a 5xx), `find()` looks for its outcome: what it returns stands for
    the answer; None means it was not carried out, and the failure is raised."""
    try:
        return execute_once(request)
    except TRANSPORT_ERRORS + (HttpError,) as error:
        if isinstance(error, HttpError) and error.status_code < 500:
            raise
        try:
            found = find()
        except TRANSPORT_ERRORS + (HttpError,):
            raise error from None
        if found is None:
            raise
        return found


def listing(page_request, key: str, limit: int, pages: list | None = None) -> tuple[list, bool]:
    """Up to `limit` items of a list call, and whether more remain.

    Google may answer any page short, even empty, with a token for the rest,
    so pages are followed until the limit or the end. `page_request(token, size)`
    makes the request for one page. `pages`, if given, receives each page as
    answered, for what it says beside the items (Drive's incompleteSearch).
    """
    items, token = [], None
    while True:
        page = execute(page_request(token, limit - len(items)))
        if pages is not None:
            pages.append(page)
        items += page.get(key, [])
        token = page.get("nextPageToken")
        if not token or len(items) >= limit:
            return items[:limit], bool(token) or len(items) > limit


def execute_batch(service, requests: list, retries: int | None = None) -> list:
    """Run many requests in batches of 50; return one result (or HttpError) per request, in order.

    A part that fails with a rate limit or 5xx is sent again in the next batch
    after a backoff, and so is a whole batch Google refused that way, so
    nothing is silently dropped.
    """
    retries = settings.GOOGLE_API_RETRIES if retries is None else retries
    results: list = [None] * len(requests)
    pending = list(range(len(requests)))
    for attempt in range(retries + 1):
        failed = []
        for start in range(0, len(pending), BATCH_LIMIT):
            chunk = pending[start : start + BATCH_LIMIT]
            failed += _run_chunk(service, requests, chunk, results, last_try=attempt == retries)
        if not failed:
            break
        pending = sorted(failed)
        _sleep_before_retry(attempt)
    return results


def _run_chunk(service, requests: list, chunk: list[int], results: list, last_try: bool) -> list[int]:
    """Send one batch; return the indexes worth sending again."""
    failed: list[int] = []
    batch = service.new_batch_http_request()

    def collect(request_id, response, exception):
        index = chunk[int(request_id)]
        results[index] = exception if exception is not None else response
        if isinstance(exception, HttpError) and is_retryable(exception):
            failed.append(index)

    for position, index in enumerate(chunk):
        batch.add(requests[index], callback=collect, request_id=str(position))
    try:
        batch.execute()
    except HttpError as error:
        if last_try or not is_retryable(error):
            raise
        return chunk
    return failed


def is_retryable(error: HttpError) -> bool:
    return error.status_code in RETRYABLE or (error.status_code == 403 and error_details(error)[0] in RATE_LIMIT_REASONS)


def error_details(error: HttpError) -> tuple[str, str]:
    """Google's reason ("notFound", "rateLimitExceeded") and message from an error response."""
    try:
        body = json.loads(error.content or b"{}").get("error", {})
    except (ValueError, AttributeError):
        return "", ""
    if not isinstance(body, dict):
        return "", str(body)
    reasons = [e.get("reason", "") for e in body.get("errors", []) if isinstance(e, dict)]
    return (reasons[0] if reasons else body.get("status", "")), body.get("message", "")


def _sleep_before_retry(attempt: int) -> None:
    # The same exponential backoff with jitter the client library uses for single requests.
    time.sleep(min(random.random() * 2**attempt, 8))
