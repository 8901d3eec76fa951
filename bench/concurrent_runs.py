"""50 concurrent agent runs in one server process take about as long as one.

Starts, on loopback only: the workspace sandbox and a fake Claude that takes
1 s per model call (together in a subprocess of their own, as Google and
Claude are elsewhere in production), and uvicorn serving web.asgi with a
single worker (another subprocess). Each task is one Gmail search plus a
reply, so two model calls. After one warm-up task it times one task alone and
50 at once, a few times each, and prints the medians, their ratio and the
server's CPU time. Stops by itself.

    .venv/bin/python bench/concurrent_runs.py [--runs 50] [--latency 1.0] [--repeat 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_app import HttpPerson, LiveApp  # noqa: E402


def model(latency: float):
    """Search Gmail first, then answer: two model calls per task, each `latency` seconds."""
    from tests.fake_claude import Reply, text, tool_use

    def answer(request: dict) -> Reply:
        last = request["messages"][-1]["content"]
        if not any(isinstance(block, dict) and block.get("type") == "tool_result" for block in last):  # the task itself
            return Reply([tool_use("gmail_search", {"query": "from:bob", "limit": 3})], delay=latency)
        return Reply([text("Bob wrote about the offsite and lunch.")], delay=latency)

    return answer


def serve_fakes(latency: float) -> None:
    """The subprocess: sandbox and fake Claude; prints their URLs, stops when stdin closes."""
    from app.sandbox.server import SandboxServer
    from tests.fake_claude import FakeClaude

    sandbox = SandboxServer(seed="demo").start()
    claude = FakeClaude().start()
    claude.default = model(latency)
    print(json.dumps({"sandbox": sandbox.url, "claude": claude.url}), flush=True)
    sys.stdin.read()


def start_fakes(latency: float) -> tuple[subprocess.Popen, dict]:
    fakes = subprocess.Popen([sys.executable, __file__, "--serve-fakes", "--latency", str(latency)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return fakes, json.loads(fakes.stdout.readline())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to tell CPU work from waiting."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listen_overflows() -> int:
    """Connections the kernel dropped because a listen backlog was full (machine-wide).

    Each one costs its client a 1 s SYN retry, which would masquerade as server slowness.
    """
    try:
        names, values = [line.split() for line in Path("/proc/net/netstat").read_text().splitlines()[:2]]
    except (OSError, ValueError):
        return 0
    return int(dict(zip(names, values)).get("ListenOverflows", 0))


def person(base: str) -> HttpPerson:
    someone = HttpPerson()
    someone.open_chat(base)  # the session and csrftoken cookies, as the page gets them
    return someone


def timed(people: list[HttpPerson], base: str, server_pid: int) -> tuple[float, float]:
    """Wall time for everyone to get their answer, and the server's CPU time meanwhile."""
    cpu_before, started = cpu_seconds(server_pid), time.monotonic()
    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        replies = list(pool.map(lambda p: p.post(base, {"task": "What did Bob send me?"}), people))
    elapsed, cpu = time.monotonic() - started, cpu_seconds(server_pid) - cpu_before
    failed = [r for r in replies if r["status"] != "done"]
    if failed:
        raise SystemExit(f"{len(failed)} runs did not finish: {failed[0]}")
    return elapsed, cpu


def measure(base: str, server_pid: int, runs: int, repeat: int) -> tuple[list, list]:
    timed([person(base)], base, server_pid)  # warm-up: the first task of a process pays imports and client setup
    alone = [timed([person(base)], base, server_pid) for _ in range(repeat)]
    crowd = [timed([person(base) for _ in range(runs)], base, server_pid) for _ in range(repeat)]
    return alone, crowd


def report(args, alone: list, crowd: list, overflows: int) -> None:
    wall_alone = statistics.median(wall for wall, _ in alone)
    if wall_alone < 2 * args.latency:  # each task must make both of its model calls, or this measures less
        raise SystemExit(f"a task took {wall_alone:.2f} s, under two model calls of {args.latency} s: the fake's script no longer matches")
    wall_crowd = statistics.median(wall for wall, _ in crowd)
    cpu_crowd = statistics.median(cpu for _, cpu in crowd)
    spread = lambda xs: f"{min(w for w, _ in xs):.2f}-{max(w for w, _ in xs):.2f}"  # noqa: E731
    print(f"medians of {args.repeat} repetitions, after one warm-up task")
    print(f"1 run alone:        {wall_alone:.2f} s  (range {spread(alone)}; 2 model calls at {args.latency:.1f} s + one Gmail search)")
    print(f"{args.runs} runs at once:    {wall_crowd:.2f} s  (range {spread(crowd)}; one uvicorn worker)")
    print(f"ratio:              {wall_crowd / wall_alone:.2f}")
    print(f"server CPU time during {args.runs} runs: {cpu_crowd:.2f} s ({cpu_crowd / args.runs * 1000:.0f} ms per run; "
          f"1 run alone: {statistics.median(cpu for _, cpu in alone) * 1000:.0f} ms)")
    print(f"connections dropped by full listen backlogs (machine-wide): {overflows}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model call on the fake Claude")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (medians are shown)")
    parser.add_argument("--serve-fakes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fakes:
        return serve_fakes(args.latency)

    fakes, urls = start_fakes(args.latency)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveApp(Path(tmp) / "bench.sqlite3", urls["sandbox"], urls["claude"], api_key="bench",
                         settings="web.settings", WORKSPACE_SANDBOX="1", LOG_LEVEL="warning", DEBUG="0").start()
        try:
            overflows = listen_overflows()
            alone, crowd = measure(server.url, server.process.pid, args.runs, args.repeat)
            overflows = listen_overflows() - overflows
        finally:
            server.stop()
            fakes.stdin.close()
            fakes.wait(timeout=30)
    report(args, alone, crowd, overflows)


if __name__ == "__main__":
    main()
