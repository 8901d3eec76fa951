"""How much batching saves when reading many emails.

Reads N messages one request at a time (list + N gets, the N+1 pattern) and
then through gmail_search's batch path, against an in-process sandbox, and
prints the HTTP request counts, wall times and ratios.

    python bench/gmail_batch_reads.py [N]
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from app import google_api  # noqa: E402
from app.sandbox.server import SandboxServer  # noqa: E402
from app.tools import invoke  # noqa: E402
from app.tools.context import Context  # noqa: E402
from app.tools.gmail import SUMMARY_FIELDS  # noqa: E402
from tests.gmail_helpers import fill_mailbox  # noqa: E402
from tests.sandbox_client import SandboxClient  # noqa: E402

QUERY = "subject:(status update)"


def one_by_one(ctx, count: int) -> int:
    messages = ctx.service("gmail").users().messages()
    listing = google_api.execute(messages.list(userId="me", q=QUERY, maxResults=count))
    fetched = [google_api.execute(messages.get(userId="me", id=m["id"], format="full", fields=SUMMARY_FIELDS)) for m in listing["messages"]]
    return len(fetched)


def batched(ctx, count: int) -> int:
    return len(invoke("gmail_search", ctx, {"query": QUERY, "limit": count})["messages"])


def measure(client: SandboxClient, read, ctx, count: int) -> tuple[int, float, int]:
    client.clear_log()
    started = time.perf_counter()
    read_count = read(ctx, count)
    elapsed = time.perf_counter() - started
    return len(client.http_requests()), elapsed, read_count


def main(count: int = 200) -> None:
    server = SandboxServer("empty").start()
    try:
        client = SandboxClient(server.url)
        ctx = Context(credentials=client.credentials(), api_root=server.url, cache={"timezone": "Europe/Paris"})
        fill_mailbox(ctx, count)
        naive = measure(client, one_by_one, ctx, count)
        batch = measure(client, batched, ctx, count)
    finally:
        server.stop()
    for label, (requests, seconds, read_count) in (("one by one (N+1)", naive), ("gmail_search batch", batch)):
        print(f"{label:20} {read_count:4d} messages  {requests:4d} HTTP requests  {seconds * 1000:8.1f} ms")
    print(f"ratio                requests {naive[0] / batch[0]:.1f}x fewer, wall time {naive[1] / batch[1]:.1f}x faster")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
