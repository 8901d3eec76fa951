"""Settings from the environment: bad values stop startup with a message that names them."""
import os
import shutil
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
        ("LOG_LEVEL", "loud"),
        ("TOKEN_ENCRYPTION_KEY", "not-a-fernet-key"),
    ],
)
def test_malformed_setting_stops_startup_naming_it(name, value):
    result = manage("check", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_postgres_without_its_driver_says_what_to_install():
    result = manage("check", DATABASE_URL="postgres://u:p@127.0.0.1/gws")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr and "psycopg" in result.stderr


def test_env_example_as_is_plus_production_passes_the_deploy_check():
    from dotenv import dotenv_values

    example = {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()}
    example.update(PRODUCTION="1", SECRET_KEY="x7!" * 20 + "k2q9", ALLOWED_HOSTS="gws.example.com")
    result = manage("check", "--deploy", "--fail-level", "WARNING", **example)
    assert result.returncode == 0, result.stdout + result.stderr


def django_eval(expression: str, **env) -> str:
    """What `expression` prints in a fresh process whose settings come from `env`."""
    code = f"import django; django.setup(); from django.conf import settings; from django.db import connection; print({expression})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "web.settings", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_setting_left_empty_takes_its_default():
    empty = dict.fromkeys(("ALLOWED_HOSTS", "AGENT_APPROVAL", "LOG_LEVEL", "ANTHROPIC_MODEL", "GOOGLE_TOKEN_URI",
                           "WORKSPACE_SANDBOX_SEED"), "")
    shown = "settings.ALLOWED_HOSTS, settings.AGENT_APPROVAL, settings.ANTHROPIC_MODEL, settings.GOOGLE_TOKEN_URI, settings.WORKSPACE_SANDBOX_SEED"
    defaults = django_eval(shown)

    assert django_eval(shown, **empty) == defaults
    assert "localhost" in defaults and "outbound" in defaults


def test_claude_api_key_is_accepted_under_its_older_name():
    assert django_eval("settings.ANTHROPIC_API_KEY", CLAUDE_API_KEY="sk-older-name", ANTHROPIC_API_KEY="") == "sk-older-name"


def test_client_secrets_file_configures_google_and_turns_the_sandbox_off(tmp_path):
    secrets = tmp_path / "client_secret.json"
    secrets.write_text('{"web": {"client_id": "123.apps.googleusercontent.com", "client_secret": "s3cret"}}')
    shown = django_eval("settings.GOOGLE_CLIENT_ID, settings.WORKSPACE_SANDBOX", GOOGLE_CLIENT_SECRETS_FILE=str(secrets), GOOGLE_CLIENT_ID="")
    assert shown == "123.apps.googleusercontent.com False"


def test_unreadable_client_secrets_file_stops_startup_naming_it(tmp_path):
    (tmp_path / "bad.json").write_text("{}")
    result = manage("check", GOOGLE_CLIENT_SECRETS_FILE=str(tmp_path / "bad.json"))
    assert result.returncode != 0
    assert "GOOGLE_CLIENT_SECRETS_FILE" in result.stderr.splitlines()[-1]


def test_sqlite_database_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    assert django_eval("connection.cursor().execute('PRAGMA journal_mode').fetchone()[0]", DATABASE_URL=url) == "wal"


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


def test_without_a_secret_key_each_install_makes_its_own_once_readable_by_its_owner_only(tmp_path):
    from web.env import local_secret_key

    (tmp_path / "one").mkdir(), (tmp_path / "two").mkdir()
    first = local_secret_key(tmp_path / "one" / ".secret_key")

    assert local_secret_key(tmp_path / "one" / ".secret_key") == first  # kept across restarts
    assert local_secret_key(tmp_path / "two" / ".secret_key") != first  # another install, another key
    assert len(first) >= 50
    assert (tmp_path / "one" / ".secret_key").stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in (tmp_path / "one").iterdir()) == [".secret_key"]


def test_the_app_without_a_secret_key_encrypts_with_this_installs_own_key():
    """Not with a key written in the code, which anyone could use to read the Google tokens in a session."""
    key = django_eval("settings.SECRET_KEY", SECRET_KEY="")

    assert key == (ROOT / ".secret_key").read_text().strip()
    assert key not in (ROOT / "web" / "settings.py").read_text()


@pytest.fixture
def postgres_url(monkeypatch):
    """database_from_url for a postgres:// DATABASE_URL, whether or not its driver is installed here."""
    from web import env

    monkeypatch.setattr(env, "require_module", lambda *args: None)

    def read(url: str) -> dict:
        monkeypatch.setenv("DATABASE_URL", url)
        return env.database_from_url("DATABASE_URL", "", ROOT)
    return read


def test_database_url_user_password_and_name_may_be_percent_encoded(postgres_url):
    database = postgres_url("postgres://app%2Bweb:p%40ss%3Aw%2Frd@db.internal:5433/gws%20prod")

    assert (database["USER"], database["PASSWORD"], database["NAME"]) == ("app+web", "p@ss:w/rd", "gws prod")
    assert (database["HOST"], database["PORT"]) == ("db.internal", "5433")


@pytest.mark.parametrize("port", ["abc", "70000"])
def test_database_url_with_a_bad_port_names_the_setting_not_the_password(postgres_url, port):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL has a port") as refused:
        postgres_url(f"postgres://app:s3cret@db:{port}/gws")
    assert "s3cret" not in str(refused.value)


def test_unsupported_database_url_names_its_scheme_not_the_password(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured
    from web import env

    monkeypatch.setenv("DATABASE_URL", "mysql://app:Sup3rS3cret@db.internal/gws")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL uses mysql:// scheme") as refused:
        env.database_from_url("DATABASE_URL", "", ROOT)
    assert "Sup3rS3cret" not in str(refused.value) and "db.internal" not in str(refused.value)


# What a developer's .env might hold: a setting tests rely on, production mode, a real database.
PRODUCTION_KEY = "a-real-production-key-that-is-long-enough-to-pass-the-check"
HOSTILE_DOTENV = f"""\
PRODUCTION=1
SECRET_KEY={PRODUCTION_KEY}
AGENT_APPROVAL=none
AGENT_MAX_STEPS=1
DATABASE_URL=sqlite:////var/lib/gws-maa/live.sqlite3
"""


def settings_of_a_copy(dotenv: str, module: str, tmp_path: Path) -> str:
    """The settings `module` gives in a fresh process, from a copy of the project whose .env holds `dotenv`."""
    copy = tmp_path / ("with" if dotenv else "without")
    shutil.copytree(ROOT / "web", copy / "web")
    for name in ("__init__.py", "settings.py", "e2e/__init__.py", "e2e/settings.py"):
        (copy / "tests" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "tests" / name, copy / "tests" / name)
    (copy / ".env").write_text(dotenv)
    # Each copy makes a key of its own (.secret_key): what matters is that the .env's is not taken.
    shown = f"s.PRODUCTION, s.DEBUG, s.SECRET_KEY == {PRODUCTION_KEY!r}, s.AGENT_APPROVAL, s.AGENT_MAX_STEPS, s.DATABASES['default']['NAME']"
    environment = {k: v for k, v in os.environ.items() if k != "IGNORE_DOTENV"}  # as a developer's shell has it
    environment.update(GOOGLE_API_ENDPOINT="http://127.0.0.1:9", ANTHROPIC_BASE_URL="http://127.0.0.1:9")  # e2e's
    result = subprocess.run([sys.executable, "-c", f"import {module} as s; print({shown})"], cwd=copy, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.replace(str(copy), "<project>")


@pytest.mark.parametrize("module", ["tests.settings", "tests.e2e.settings"])
def test_a_developer_s_dotenv_does_not_change_the_test_settings(module, tmp_path):
    assert settings_of_a_copy(HOSTILE_DOTENV, module, tmp_path) == settings_of_a_copy("", module, tmp_path)
