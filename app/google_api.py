"""Build Google API clients, run requests with retries, and batch them.

The bundled discovery documents are used, so nothing is fetched at start-up.
When the app talks to the sandbox, the document's rootUrl is rewritten:
that keeps each API's real paths (/drive/v3/..., /calendar/v3/...) and moves
the batch endpoint too, which `client_options={"api_endpoint": ...}` does not.
"""
import functools
import json
import random
import time

import google_auth_httplib2
import httplib2
from django.conf import settings
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

VERSIONS = {"gmail": "v1", "drive": "v3", "calendar": "v3", "docs": "v1", "tasks": "v1", "people": "v1"}
BATCH_LIMIT = 50  # Gmail's advice; larger batches get rate limited
RETRYABLE = {429, 500, 502, 503, 504}


@functools.cache
def discovery_document(name: str, root_url: str | None) -> dict:
    document = json.loads(get_static_doc(name, VERSIONS[name]))
    if root_url:
        document["rootUrl"] = root_url.rstrip("/") + "/"
        document["mtlsRootUrl"] = document["rootUrl"]
    return document


def build_service(name: str, credentials, root_url: str | None = None):
    """A fresh client per call: httplib2 connections must not be shared across threads."""
    transport = httplib2.Http(timeout=30)
    # In resumable uploads 308 means "resume incomplete", not a redirect (as googleapiclient's build_http sets).
    transport.redirect_codes = transport.redirect_codes - {308}
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
    return build_from_document(discovery_document(name, root_url), http=http)


def execute(request, retries: int | None = None):
    """Run one request; 429 and 5xx are retried with backoff by the client library."""
    return request.execute(num_retries=settings.GOOGLE_API_RETRIES if retries is None else retries)


def execute_batch(service, requests: list, retries: int | None = None) -> list:
    """Run many requests in batches of 50; return one result (or HttpError) per request, in order.

    A part that fails with 429 or 5xx is sent again in the next batch after a
    backoff, so a rate-limited part is retried rather than silently dropped.
    """
    retries = settings.GOOGLE_API_RETRIES if retries is None else retries
    results: list = [None] * len(requests)
    pending = list(range(len(requests)))
    for attempt in range(retries + 1):
        failed = []
        for start in range(0, len(pending), BATCH_LIMIT):
            chunk = pending[start : start + BATCH_LIMIT]
            batch = service.new_batch_http_request()

            def collect(request_id, response, exception, _chunk=chunk):
                index = _chunk[int(request_id)]
                results[index] = exception if exception is not None else response
                if isinstance(exception, HttpError) and exception.status_code in RETRYABLE:
                    failed.append(index)

            for position, index in enumerate(chunk):
                batch.add(requests[index], callback=collect, request_id=str(position))
            batch.execute()
        if not failed or attempt == retries:
            break
        pending = sorted(failed)
        _sleep_before_retry(attempt)
    return results


def _sleep_before_retry(attempt: int) -> None:
    # The same exponential backoff with jitter the client library uses for single requests.
    time.sleep(min(random.random() * 2**attempt, 8))
