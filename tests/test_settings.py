"""Settings from the environment: bad values stop startup with a message that names them."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOOGLE_", "ANTHROPIC_", "WORKSPACE_"))}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "web.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "maybe"),
        ("AGENT_APPROVAL", "sometimes"),
        ("AGENT_MAX_STEPS", "twelve"),
        ("GOOGLE_API_ENDPOINT", "ftp://127.0.0.1:8765"),
        ("DATABASE_URL", "mysql://db"),
    ],
)
def test_malformed_setting_stops_startup_naming_it(name, value):
    result = manage("check", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_app_starts_with_no_env_at_all():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PRODUCTION="1",
        SECRET_KEY="x7!" * 20 + "k2q9",
        ALLOWED_HOSTS="gws.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", PRODUCTION="1")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]
