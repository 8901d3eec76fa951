"""50 concurrent agent runs in one server process take about as long as one.

Starts, on loopback only: the workspace sandbox and a fake Claude that takes
1 s per model call (in this process), and uvicorn serving web.asgi with a
single worker (a subprocess). Each task is one Gmail search plus a reply, so
two model calls. Prints the wall time of one task alone, of 50 at once, and
the ratio. Stops by itself.

    /work/venv/bin/python bench/concurrent_runs.py [--runs 50] [--latency 1.0]
"""
import argparse
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.sandbox.server import SandboxServer  # noqa: E402
from tests.fake_claude import FakeClaude, Reply, text, tool_use  # noqa: E402


def model(latency: float):
    """Search Gmail first, then answer: two model calls per task, each `latency` seconds."""

    def answer(request: dict) -> Reply:
        if request["messages"][-1]["role"] == "user" and isinstance(request["messages"][-1]["content"], str):
            return Reply([tool_use("gmail_search", {"query": "from:bob", "limit": 3})], delay=latency)
        return Reply([text("Bob wrote about the offsite and lunch.")], delay=latency)

    return answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("uvicorn did not start within 30 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to tell CPU work from waiting."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Browser:
    """One person: own cookies (session, csrftoken), as the page would have."""

    def __init__(self, base: str):
        self.base = base
        cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        self.opener.open(base + "/", timeout=30).read()
        self.csrf = next(c.value for c in cookies if c.name == "csrftoken")

    def ask(self, task: str) -> dict:
        request = urllib.request.Request(
            self.base + "/get_response", data=json.dumps({"task": task}).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf, "Referer": self.base + "/"},
        )
        with self.opener.open(request, timeout=120) as response:
            return json.loads(response.read())


def timed(browsers: list[Browser]) -> float:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        replies = list(pool.map(lambda b: b.ask("What did Bob send me?"), browsers))
    elapsed = time.monotonic() - started
    failed = [r for r in replies if r["status"] != "done"]
    if failed:
        raise SystemExit(f"{len(failed)} runs did not finish: {failed[0]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model call on the fake Claude")
    args = parser.parse_args()

    sandbox = SandboxServer(seed="demo").start()
    claude = FakeClaude().start()
    claude.default = model(args.latency)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "web.settings", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
               "ANTHROPIC_API_KEY": "bench", "ANTHROPIC_BASE_URL": claude.url, "WORKSPACE_SANDBOX": "1",
               "GOOGLE_API_ENDPOINT": sandbox.url, "LOG_LEVEL": "WARNING", "DEBUG": "0"}
        server = start_server(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            alone = timed([Browser(base)])
            browsers = [Browser(base) for _ in range(args.runs)]
            cpu_before = cpu_seconds(server.pid)
            crowd = timed(browsers)
            crowd_cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
            claude.stop()
            sandbox.stop()
    print(f"1 run alone:        {alone:.2f} s  (2 model calls at {args.latency:.1f} s each + one Gmail search)")
    print(f"{args.runs} runs at once:    {crowd:.2f} s  (one uvicorn worker)")
    print(f"ratio:              {crowd / alone:.2f}")
    print(f"server CPU time during the {args.runs} runs: {crowd_cpu:.2f} s "
          f"({crowd_cpu / args.runs * 1000:.0f} ms per run; the rest of the wall time is waiting, overlapped)")


if __name__ == "__main__":
    main()
