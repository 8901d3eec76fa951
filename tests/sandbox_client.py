"""A small client for the sandbox's control API, used by tests and benchmarks."""
import json
import urllib.request

import google.oauth2.credentials

from app.sandbox.oauth import DEFAULT_CLIENT
from app.scopes import REQUESTED


class SandboxClient:
    def __init__(self, url: str):
        self.url = url

    def call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def state(self) -> dict:
        return self.call("GET", "/_sandbox/state")

    def reset(self, seed="demo") -> None:
        self.call("POST", "/_sandbox/reset", {"seed": seed})

    def fault(self, path: str, status: int = 500, count: int = 1, **more) -> None:
        self.call("POST", "/_sandbox/faults", {"path": path, "status": status, "count": count, **more})

    def log(self) -> list[dict]:
        return self.call("GET", "/_sandbox/log")["requests"]

    def http_requests(self) -> list[dict]:
        """Requests that crossed the wire (a batch counts once, not per part)."""
        return [entry for entry in self.log() if not entry["batch_part"]]

    def clear_log(self) -> None:
        self.call("DELETE", "/_sandbox/log")

    def grant(self, scopes=None, expires_in: int = 3600) -> dict:
        return self.call("POST", "/_sandbox/tokens", {"scopes": scopes or REQUESTED, "expires_in": expires_in})

    def credentials(self, scopes=None, expires_in: int = 3600):
        grant = self.grant(scopes, expires_in)
        return google.oauth2.credentials.Credentials(
            token=grant["access_token"],
            refresh_token=grant["refresh_token"],
            token_uri=self.url + "/token",
            client_id=DEFAULT_CLIENT["client_id"],
            client_secret=DEFAULT_CLIENT["client_secret"],
            scopes=grant["scope"].split(),
        )
