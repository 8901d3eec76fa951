"""The real app, served by uvicorn on a loopback port in its own process, and a
person talking to it over HTTP: used by the browser tests and the benchmarks."""
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveApp:
    def __init__(self, database: Path, sandbox_url: str, claude_url: str, api_key: str = "test-key",
                 settings: str = "tests.e2e.settings", **env: str):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": f"sqlite:///{database}",  # the shipped SQLite set-up: WAL, busy timeout
            "GOOGLE_API_ENDPOINT": sandbox_url,
            "ANTHROPIC_BASE_URL": claude_url,
            "ANTHROPIC_API_KEY": api_key,
            **env,
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> "LiveApp":
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=self.env, check=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "web.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"],
            cwd=ROOT, env=self.env,
        )
        self._wait_until_serving()
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.process.returncode} before serving")
            try:
                urllib.request.urlopen(self.url + "/static/app/chat.css", timeout=2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"uvicorn did not serve {self.url} within {STARTUP_SECONDS}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class HttpPerson:
    """One person talking to the JSON API: their own cookies (session, csrftoken), kept
    across server processes as a browser keeps them across a restart."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def open_chat(self, app_url: str) -> None:
        self.opener.open(app_url + "/", timeout=30).close()

    def post(self, app_url: str, body: dict, timeout: float = 120) -> dict:
        csrf = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        request = urllib.request.Request(app_url + "/get_response", data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "X-CSRFToken": csrf})
        with self.opener.open(request, timeout=timeout) as response:
            return json.loads(response.read())
