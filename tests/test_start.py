"""bin/start: what it does before it serves."""
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def set_up_project(tmp_path: Path) -> Path:
    """A copy of bin/start in a project whose .venv is ready: this Python, and pip and uvicorn stand-ins
    that note their call in `ran`."""
    project = tmp_path / "project"
    (project / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "bin" / "start", project / "bin" / "start")
    for name in ("manage.py", "app", "web"):
        (project / name).symlink_to(ROOT / name)
    tools = project / ".venv" / "bin"
    tools.mkdir(parents=True)
    (tools / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    for stand_in in ("pip", "uvicorn"):
        (tools / stand_in).write_text(f'#!/bin/sh\necho "{stand_in} $*" >> "{tmp_path}/ran"\n')
    for tool in tools.iterdir():
        tool.chmod(0o755)
    return project


def test_start_deletes_expired_sessions_and_the_google_tokens_in_them(tmp_path):
    project, database = set_up_project(tmp_path), tmp_path / "app.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "web.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=project, env=env, check=True, timeout=120)
    with sqlite3.connect(database) as db:  # as Django keeps them: UTC text
        db.executemany("INSERT INTO django_session VALUES (?, ?, ?)", [
            ("expired", "sealed grant", "2000-01-01 00:00:00"), ("live", "sealed grant", "2999-01-01 00:00:00")])

    subprocess.run(["bash", str(project / "bin" / "start")], env=env, check=True, capture_output=True, timeout=120)

    with sqlite3.connect(database) as db:
        assert db.execute("SELECT session_key FROM django_session").fetchall() == [("live",)]
    assert (tmp_path / "ran").read_text().splitlines()[-1].startswith("uvicorn web.asgi:application")
