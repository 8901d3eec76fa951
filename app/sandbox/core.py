"""The sandbox's state, request dispatch, faults and request log.

One Sandbox holds one account's workspace. Every service module listed in
SERVICES contributes a Router and a State; the core checks the bearer token
and scope, applies queued faults, logs the request and calls the handler.
"""
import importlib
import threading
import time
from dataclasses import dataclass

from app.sandbox import seeds
from app.sandbox.oauth import TokenStore
from app.sandbox.routing import ApiError, Request, Response

# The service emulators, one module each (a plain table, easy to grep).
SERVICES = {
    "gmail": "app.sandbox.gmail",
    "drive": "app.sandbox.drive",
    "docs": "app.sandbox.docs",
    "sheets": "app.sandbox.sheets",
    "calendar": "app.sandbox.calendar",
    "tasks": "app.sandbox.tasks",
    "people": "app.sandbox.people",
}


@dataclass
class Fault:
    path: str  # substring of the request path
    status: int = 500
    count: int = 1
    method: str | None = None
    delay: float = 0.0
    where: str = "any"  # "any", "request" (top-level only) or "batch" (parts of a batch only)
    reason: str | None = None  # Google's error reason, e.g. "userRateLimitExceeded" on a 403
    # Instead of failing: a page of at most this many items, with a token for the rest. Google
    # may answer any page short ("may return fewer than this value"), so clients must page on.
    short_page: int | None = None
    # Instead of failing: answer, then close the connection without saying so, as a server does
    # with a kept connection it finds idle; the client's next request on it finds it gone.
    hang_up: bool = False
    # Fail only after the request has had its effect, as when Google's answer is lost on the way.
    after: bool = False
    # Have its effect, then close the connection without any answer (the connection dropped).
    drop: bool = False
    # Instead of failing: a Drive search of all drives that skips the shared drives and says
    # incompleteSearch, as Google may when "all corpora couldn't be searched".
    incomplete: bool = False

    def error(self, path: str) -> ApiError:
        return ApiError(self.status, f"Injected fault {self.status} for {path}", self.reason)

    def matches(self, method: str, path: str, in_batch: bool) -> bool:
        if self.count <= 0 or self.path not in path:
            return False
        if self.method and self.method.upper() != method:
            return False
        return self.where == "any" or (self.where == "batch") == in_batch


class Sandbox:
    def __init__(self, seed="demo", base_url: str = "http://127.0.0.1"):
        self.lock = threading.RLock()
        self.base_url = base_url
        self.modules = {name: importlib.import_module(dotted) for name, dotted in SERVICES.items()}
        self.routes = [route for module in self.modules.values() for route in module.router.routes]
        self.tokens = TokenStore()
        self.faults: list[Fault] = []
        self.log: list[dict] = []
        self.load(seed)

    # --- state ---------------------------------------------------------------
    def load(self, seed) -> None:
        data = seeds.resolve(seed)
        with self.lock:
            self.account = {
                "email": "demo@example.com",
                "name": "Demo User",
                "timezone": "Europe/Paris",
                **data.get("account", {}),
            }
            self.tokens.configure(data.get("oauth", {}))
            self.state = {}
            for name, module in self.modules.items():
                self.state[name] = module.State(self, data.get(name, {}))

    def reset(self, seed) -> None:
        """A clean slate: the seed's workspace, no queued faults, an empty request log."""
        with self.lock:
            self.load(seed)
            self.faults.clear()
            self.log.clear()

    def dump(self) -> dict:
        with self.lock:
            out = {"account": self.account, "oauth": self.tokens.dump()}
            for name, state in self.state.items():
                out[name] = state.dump()
            return out

    def link(self, kind: str, item_id: str) -> str:
        """A link a person can open: the sandbox's own viewer for the item."""
        return f"{self.base_url}/_sandbox/open/{kind}/{item_id}"

    # --- faults and log --------------------------------------------------------
    def add_fault(self, **spec) -> Fault:
        fault = Fault(**spec)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str, in_batch: bool) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, in_batch):
                    fault.count -= 1
                    return fault
        return None

    def record(self, method: str, path: str, status: int, in_batch: bool, connection: str = "") -> None:
        with self.lock:
            self.log.append({"method": method, "path": path, "status": status, "batch_part": in_batch, "time": time.time(),
                             "connection": connection})

    # --- dispatch --------------------------------------------------------------
    def handle(self, request: Request, in_batch: bool = False) -> Response:
        """Answer one API request (a top-level one or a part of a batch)."""
        response = self._answer(request, in_batch)
        self.record(request.method, request.path, response.status, in_batch, request.connection)
        return response

    def apply_fault(self, request: Request, in_batch: bool) -> None:
        """Wait and/or fail as the next queued fault for this request says."""
        fault = self.take_fault(request.method, request.path, in_batch)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.short_page is not None:
            request.page_cap = fault.short_page
        elif fault and fault.hang_up:
            request.hang_up = True
        elif fault and fault.drop:
            request.drop = True
        elif fault and fault.incomplete:
            request.incomplete = True
        elif fault and fault.after:
            request.fail_after = fault
        elif fault and fault.status >= 400:
            raise fault.error(request.path)

    def _answer(self, request: Request, in_batch: bool) -> Response:
        try:
            self.apply_fault(request, in_batch)
            self._authenticate(request)
            route, params = self._route(request)
            if route.scopes and not request.scopes & set(route.scopes):
                raise ApiError(403, "Request had insufficient authentication scopes.", "insufficientPermissions")
            with self.lock:
                result = route.handler(self.state[route.service], request, **params)
            if request.fail_after is not None:
                raise request.fail_after.error(request.path)
        except ApiError as error:
            return Response(error.status, error.body())
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(204, b"", content_type="text/plain")
        return Response(200, result)

    def _route(self, request: Request):
        allowed = False
        for route in self.routes:
            match = route.pattern.match(request.path)
            if match:
                if route.method == request.method:
                    return route, match.groupdict()
                allowed = True
        if allowed:
            raise ApiError(405, f"Method {request.method} not allowed on {request.path}")
        raise ApiError(404, f"The sandbox has no endpoint {request.method} {request.path}")

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        grant = self.tokens.check_access(token)
        if grant is None:
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
                "authError",
            )
        request.user = self.account["email"]
        request.scopes = set(grant["scopes"])


def fault_from_json(spec: dict) -> dict:
    allowed = set(Fault.__dataclass_fields__)
    unknown = set(spec) - allowed
    if unknown or "path" not in spec:
        raise ApiError(400, f"A fault takes {sorted(allowed)} and needs 'path'; got {sorted(spec)}")
    return dict(spec)
