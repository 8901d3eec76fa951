"""A scripted stand-in for the Anthropic Messages API on loopback.

The real `anthropic` SDK talks to it unchanged. Each test queues the replies
(or a function of the request) and reads back what was sent. It rejects with
400 what the real API rejects, so a transcript the agent builds wrong fails
here as it would in production.
"""
import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from app.sandbox.server import LoopbackHTTPServer

TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
# Every answer's usage; distinct figures, so one recorded into the wrong counter shows.
USAGE = {"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 80, "cache_creation_input_tokens": 30}
_ids = itertools.count(1)


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def tool_use(name: str, input: dict | None = None, id: str | None = None) -> dict:
    return {"type": "tool_use", "id": id or f"toolu_{next(_ids):04d}", "name": name, "input": input or {}}


@dataclass
class Reply:
    content: list
    delay: float = 0.0  # the fake's own latency, slept in the server thread
    wait_for: int = 0  # answer only once this many requests are in flight at the same time
    stop_reason: str | None = None  # e.g. "max_tokens" or "refusal"; by default what the content implies


@dataclass
class Failure:
    status: int
    retry_after_ms: int = 1


class FakeClaude:
    def __init__(self):
        self.lock = threading.Condition()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = LoopbackHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.reset()

    def start(self) -> "FakeClaude":
        threading.Thread(target=self.httpd.serve_forever, name="fake-claude", daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.script: deque = deque()
            self.default = None  # a callable(request) answering when the script is empty
            self.requests: list[dict] = []
            self.in_flight = 0

    # --- scripting -------------------------------------------------------------
    def reply(self, *blocks, delay: float = 0.0, wait_for: int = 0, stop_reason: str | None = None) -> None:
        self.script.append(Reply(list(blocks), delay, wait_for, stop_reason))

    def fail(self, status: int, times: int = 1) -> None:
        self.script.extend(Failure(status) for _ in range(times))

    def respond_with(self, func) -> None:
        """Queue a function of the request's JSON that returns a Reply, Failure or list of blocks."""
        self.script.append(func)

    # --- what was received ----------------------------------------------------------
    @property
    def calls(self) -> int:
        return len(self.requests)

    def last_user_message(self) -> dict:
        return self.requests[-1]["messages"][-1]

    # --- serving --------------------------------------------------------------------
    def answer(self, body: dict) -> tuple[int, dict, dict]:
        problem = invalid(body)
        with self.lock:
            self.requests.append(body)
            if problem:
                return 400, error_body("invalid_request_error", problem), {}
            item = self.script.popleft() if self.script else self.default
            self.in_flight += 1
            self.lock.notify_all()
        try:
            return self._answer(item, body)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer(self, item, body: dict) -> tuple[int, dict, dict]:
        if item is None:
            return 400, error_body("invalid_request_error", "fake Claude: no reply scripted for this call"), {}
        if callable(item):
            item = item(body)
        if isinstance(item, list):
            item = Reply(item)
        if isinstance(item, Failure):
            kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(item.status, "api_error")
            return item.status, error_body(kind, "scripted failure"), {"retry-after-ms": str(item.retry_after_ms)}
        if item.wait_for and not self._wait_for(item.wait_for):
            return 400, error_body("invalid_request_error", f"fake Claude: {item.wait_for} concurrent calls never arrived"), {}
        if item.delay:
            time.sleep(item.delay)
        return 200, message(body, item.content, item.stop_reason), {}

    def _wait_for(self, count: int) -> bool:
        with self.lock:
            return self.lock.wait_for(lambda: self.in_flight >= count, timeout=10)


def message(request: dict, content: list, stop_reason: str | None = None) -> dict:
    uses_tools = any(block["type"] == "tool_use" for block in content)
    return {
        "id": f"msg_{next(_ids):06d}",
        "type": "message",
        "role": "assistant",
        "model": request.get("model", "claude-test"),
        "content": content,
        "stop_reason": stop_reason or ("tool_use" if uses_tools else "end_turn"),
        "stop_sequence": None,
        "usage": USAGE,
    }


def error_body(kind: str, text_: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": text_}}


def invalid(body: dict) -> str | None:
    """What the real Messages API would reject in this request, if anything."""
    if "max_tokens" not in body:
        return "max_tokens: Field required"
    names = [tool.get("name", "") for tool in body.get("tools", [])]
    for name in names:
        if not TOOL_NAME.match(name):
            return f"tools: name {name!r} does not match ^[a-zA-Z0-9_-]{{1,64}}$"
    if len(set(names)) != len(names):
        return "tools: Tool names must be unique."
    system = body.get("system") if isinstance(body.get("system"), list) else []
    blocks = [block for m in body.get("messages") or [] if isinstance(m.get("content"), list) for block in m["content"]]
    marked = sum(1 for block in [*body.get("tools", []), *system, *blocks] if "cache_control" in block)
    if marked > 4:
        return f"A maximum of 4 blocks with cache_control may be provided. Found {marked}."
    return _invalid_messages(body.get("messages") or [])


def _invalid_messages(messages: list) -> str | None:
    if not messages:
        return "messages: at least one message is required"
    seen_ids = set()
    for index, msg in enumerate(messages):
        blocks = msg["content"] if isinstance(msg["content"], list) else [text(msg["content"])]
        if any(block["type"] == "text" and not block["text"].strip() for block in blocks):
            return f"messages.{index}: text content blocks must be non-empty"
        for position, block in enumerate(blocks):  # in the whole request, not only within one message
            if block["type"] == "tool_use":
                if block["id"] in seen_ids:
                    return f"messages.{index}.content.{position}: `tool_use` ids must be unique"
                seen_ids.add(block["id"])
        follow = messages[index + 1] if index + 1 < len(messages) else None
        problem = _unanswered_tool_use(index, msg, blocks, follow) or _orphan_result(index, msg, blocks, messages)
        if problem:
            return problem
    return None


def _unanswered_tool_use(index, msg, blocks, follow) -> str | None:
    if msg["role"] != "assistant":
        return None
    ids = {b["id"] for b in blocks if b["type"] == "tool_use"}
    answered = {b["tool_use_id"] for b in (follow or {}).get("content", []) if isinstance(b, dict) and b.get("type") == "tool_result"}
    missing = ids - answered
    if missing:
        return (f"messages.{index + 1}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                f"{', '.join(sorted(missing))}")
    return None


def _orphan_result(index, msg, blocks, messages) -> str | None:
    results = [b["tool_use_id"] for b in blocks if b["type"] == "tool_result"]
    if not results:
        return None
    previous = messages[index - 1] if index else {"content": []}
    asked = {b["id"] for b in previous["content"] if isinstance(b, dict) and b.get("type") == "tool_use"}
    for tool_use_id in results:
        if tool_use_id not in asked:
            return f"messages.{index}.content: unexpected `tool_use_id` found in `tool_result` blocks: {tool_use_id}"
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # With Nagle on, delayed ACKs add ~40 ms to each answer: the fake's latency must be only what a test asks for.
    disable_nagle_algorithm = True
    fake: FakeClaude

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.split("?")[0] != "/v1/messages":
            status, payload, headers = 404, error_body("not_found_error", self.path), {}
        else:
            status, payload, headers = self.fake.answer(body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
