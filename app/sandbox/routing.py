"""Request, response and route table shared by the sandbox's service modules.

A service module declares its endpoints with a Router; each handler gets the
service's state object, the Request and the path's named groups, and returns
a JSON-able value (200), None (204) or a Response.
"""
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
REASONS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "duplicate",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}


class ApiError(Exception):
    """An error answered in Google's JSON error shape."""

    def __init__(self, status: int, message: str, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or REASONS.get(status, "error")

    def body(self) -> dict:
        return {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [{"message": self.message, "domain": "global", "reason": self.reason}],
                "status": STATUS_NAMES.get(self.status, "UNKNOWN"),
            }
        }


@dataclass
class Response:
    status: int = 200
    body: bytes | dict | list | str = b""
    content_type: str = "application/json; charset=UTF-8"
    headers: dict = field(default_factory=dict)

    def payload(self) -> bytes:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode()
        if isinstance(self.body, str):
            return self.body.encode()
        return self.body


class Request:
    def __init__(self, method: str, target: str, headers, body: bytes, connection: str = ""):
        self.method = method.upper()
        self.connection = connection  # the client's address and port: requests on one kept connection share it
        self.path, _, query = target.partition("?")
        self.query = parse_qs(query, keep_blank_values=True)
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.user: str | None = None  # the account email, set once the token checks out
        self.scopes: set[str] = set()
        self.page_cap: int | None = None  # set by a short_page fault
        self.hang_up = False  # set by a hang_up fault
        self.fail_after = None  # set by a fault with "after": the error to answer once the request is done
        self.drop = False  # set by a fault with "drop": no answer at all, the connection closes
        self.incomplete = False  # set by a fault with "incomplete": a search that skips some places

    def arg(self, name: str, default=None):
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def int_arg(self, name: str, default: int) -> int:
        raw = self.arg(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise ApiError(400, f"Invalid value for {name}: {raw}", "invalidParameter") from None

    def page(self, items: list, size_arg: str, default: int, cap: int) -> tuple[list, str | None]:
        """This request's page of `items` and the token for the next one (None on the last page).

        A page token is the offset where its page starts; one this sandbox never
        handed out gets a 400, as Google answers a bad token.
        """
        size = max(1, min(self.int_arg(size_arg, default), cap))
        if self.page_cap is not None:
            size = min(size, self.page_cap)
        start = self.int_arg("pageToken", 0)
        if start < 0:
            raise ApiError(400, f"Invalid value for pageToken: {start}", "invalidParameter")
        end = start + size
        return items[start:end], str(end) if end < len(items) else None

    def bool_arg(self, name: str, default: bool = False) -> bool:
        raw = self.arg(name)
        return default if raw is None else raw.lower() == "true"

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise ApiError(400, "Invalid JSON payload received.", "parseError") from None


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    handler: Callable
    scopes: tuple[str, ...]  # any one of these grants access; empty = no token needed
    service: str = ""


class Router:
    def __init__(self, service: str):
        self.service = service
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, scopes: tuple[str, ...]):
        def register(handler):
            self.routes.append(Route(method, re.compile(pattern + r"/?\Z"), handler, tuple(scopes), self.service))
            return handler

        return register

    def get(self, pattern, scopes):
        return self.add("GET", pattern, scopes)

    def post(self, pattern, scopes):
        return self.add("POST", pattern, scopes)

    def put(self, pattern, scopes):
        return self.add("PUT", pattern, scopes)

    def patch(self, pattern, scopes):
        return self.add("PATCH", pattern, scopes)

    def delete(self, pattern, scopes):
        return self.add("DELETE", pattern, scopes)
