"""Tiny typed readers for settings that come from the environment.

Each one raises ImproperlyConfigured naming the variable and the fix, so a
typo in `.env` stops startup with a message instead of a confusing failure
later on.
"""
import contextlib
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env(name: str, default: str = "") -> str:
    # An empty line in .env (NAME=), as .env.example lists them, means "use the default".
    return os.environ.get(name, "").strip() or default


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default  # an empty line in .env means "use the default"
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean. Use one of: 1, 0, true, false, yes, no, on, off.")


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number. Set it to e.g. {default}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is too small; it must be at least {minimum}.")
    return value


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not valid. Use one of: {', '.join(choices)}.")
    return value


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def envurl(name: str, default: str = "") -> str:
    value = env(name, default).rstrip("/")
    if value:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ImproperlyConfigured(f"{name}={value!r} is not an http(s) URL. Example: http://127.0.0.1:8765")
    return value


def envfernetkeys(name: str) -> str:
    """Comma-separated Fernet keys, checked now so a bad key stops startup, not the first sign-in."""
    from cryptography.fernet import Fernet

    value = env(name)
    for key in filter(None, (k.strip() for k in value.split(","))):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} holds a value that is not a Fernet key. Generate one with: "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None
    return value


def local_secret_key(path: Path) -> str:
    """This install's own SECRET_KEY, made at random the first time and kept in `path` (mode 0600).

    For development and the sandbox, when SECRET_KEY is not set. A key written in the code would be
    every install's, and the Google tokens encrypted with it (app/crypto.py) as good as stored in clear.
    """
    try:
        if not path.exists():
            from django.core.management.utils import get_random_secret_key

            draft_fd, draft = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")  # readable by its owner only
            try:
                with os.fdopen(draft_fd, "w") as draft_file:
                    draft_file.write(get_random_secret_key() + "\n")
                # Put in place whole, and only if no other process starting at the same time got there first.
                with contextlib.suppress(FileExistsError):
                    os.link(draft, path)
            finally:
                os.unlink(draft)
        key = path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"SECRET_KEY is empty and this install's own key in {path} could not be read or "
                                   f"made ({exc.strerror}). Set SECRET_KEY to a long random string.") from None
    if not key:
        raise ImproperlyConfigured(f"SECRET_KEY is empty and {path} is empty. Delete the file to have a new key made, "
                                   "or set SECRET_KEY.")
    return key


def database_from_url(name: str, default: str, base_dir) -> dict:
    """Read a DATABASE_URL. SQLite is what ships; other engines by URL scheme."""
    url = env(name, default)
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = parsed.path[1:] if url.startswith("sqlite:///") else parsed.netloc + parsed.path
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r} has no file path. Example: sqlite:///db.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path if os.path.isabs(path) else str(base_dir / path),
            # Kept open on the threads app.sync_threads keeps: opening one costs about 1 ms of CPU.
            "CONN_MAX_AGE": None,
            # WAL lets readers and one writer work at once, so concurrent agent
            # runs do not hit "database is locked"; the busy timeout covers the rest.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in ("postgres", "postgresql"):
        require_module("psycopg", name, "'psycopg[binary]'")
        return {
            "ENGINE": "django.db.backends.postgresql",
            # Percent-encoded in the URL, so that a password may hold @, : or /.
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(_port(name, parsed) or ""),
            # Kept open a while on the threads app.sync_threads keeps: they serve many requests and
            # runs at once, and closing it after each request would mean a new one for most queries.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    # Only the scheme is named: the rest of the URL may hold a password.
    raise ImproperlyConfigured(f"{name} uses {parsed.scheme + '://' if parsed.scheme else 'no'} scheme, which is not "
                               "supported. Use sqlite:///path or postgres://user:pass@host/db.")


def _port(name: str, parsed) -> int | None:
    try:
        return parsed.port
    except ValueError:  # not a number, or out of range; the URL itself is not repeated: it holds the password
        raise ImproperlyConfigured(f"{name} has a port that is not a number from 0 to 65535. "
                                   "Example: postgres://user:password@host:5432/db") from None


def require_module(module: str, name: str, install: str) -> None:
    """Stop startup with the install command when a setting needs a package that is not installed."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ImproperlyConfigured(f"{name} needs the {module} package: pip install {install}")
