"""Serve a Sandbox over HTTP on loopback (a thread per request)."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.sandbox.batch import handle_batch
from app.sandbox.control import handle_control
from app.sandbox.core import Sandbox
from app.sandbox.oauth import OAuthError, parse_form
from app.sandbox.routing import Request, Response


class LoopbackHTTPServer(ThreadingHTTPServer):
    """A thread per request, with a listen backlog for many clients connecting at once.

    With the default backlog of 5, a burst of connections (50 agent runs starting
    together) overflows it and Linux drops the extra ones; clients retry only after 1 s.
    """

    request_queue_size = 128
    daemon_threads = True


class SandboxHandler(BaseHTTPRequestHandler):
    server_version = "GWS-MAA-Sandbox/1"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs add ~40 ms to each answer.
    disable_nagle_algorithm = True
    sandbox: Sandbox  # set on the subclass made per server

    def log_message(self, format, *args):  # the request log lives in the sandbox
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(self.command, self.path, dict(self.headers.items()), body, connection="%s:%s" % self.client_address[:2])
        try:
            response = self._dispatch(request)
        except Exception as exc:  # keep the sandbox up whatever a handler does
            response = Response(500, {"error": {"code": 500, "message": f"Sandbox error: {exc}", "status": "INTERNAL"}})
        if request.drop:
            self.close_connection = True
            return
        payload = response.payload()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        if request.hang_up:
            self.close_connection = True

    def _dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_sandbox/"):
            return handle_control(self.sandbox, request)
        if path in ("/o/oauth2/auth", "/o/oauth2/v2/auth", "/token", "/revoke"):
            return self._oauth(request)
        if path.startswith("/batch"):
            response = handle_batch(self.sandbox, request)
            self.sandbox.record(request.method, path, response.status, False, request.connection)
            return response
        return self.sandbox.handle(request)

    def _oauth(self, request: Request) -> Response:
        tokens = self.sandbox.tokens
        try:
            # A queued fault fails Google's sign-in endpoints too, in OAuth's error shape (an outage
            # of the token endpoint is not a refused grant).
            fault = self.sandbox.take_fault(request.method, request.path, in_batch=False)
            if fault and fault.status >= 400:
                raise OAuthError(fault.reason or "internal_failure", f"Injected fault {fault.status}", fault.status)
            if request.path.endswith("auth"):
                return Response(302, b"", content_type="text/plain", headers={"Location": tokens.authorize(request.query)})
            form = parse_form(request.body)
            if request.path == "/token":
                return Response(200, tokens.token(form, request.headers.get("authorization", "")))
            token = form.get("token") or request.arg("token", "")
            if tokens.revoke(token):
                return Response(200, {})
            raise OAuthError("invalid_token", "Token expired or revoked")
        except OAuthError as exc:
            return Response(exc.status, exc.body())

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class SandboxServer:
    """A running sandbox: `.url`, `.sandbox`, `.stop()`."""

    def __init__(self, seed="demo", host: str = "127.0.0.1", port: int = 0, tls=None):
        """`tls`: an ssl.SSLContext to serve HTTPS with, as Google does (bench/kept_connections.py)."""
        handler = type("BoundSandboxHandler", (SandboxHandler,), {})
        self.httpd = LoopbackHTTPServer((host, port), handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://{host}:{self.httpd.server_address[1]}"
        # Seeded items carry links to the sandbox's viewer, so the URL must be known first.
        self.sandbox = handler.sandbox = Sandbox(seed, base_url=self.url)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="workspace-sandbox", daemon=True)

    def start(self) -> "SandboxServer":
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


_embedded: SandboxServer | None = None
_embedded_lock = threading.Lock()


def embedded(seed="demo") -> SandboxServer:
    """The sandbox this process starts for itself when WORKSPACE_SANDBOX is on and no endpoint is set."""
    global _embedded
    with _embedded_lock:
        if _embedded is None:
            _embedded = SandboxServer(seed).start()
        return _embedded
