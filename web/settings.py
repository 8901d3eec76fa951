"""Django settings for GWS-MAA, read from the environment (and `.env`).

`.env.example` documents every variable. With no `.env` at all the app starts
in development mode against the bundled workspace sandbox.
"""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from web.env import database_from_url, env, envbool, envchoice, envfernetkeys, envint, envlist, envurl, local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
# The test settings set IGNORE_DOTENV before importing these: a developer's .env (AGENT_APPROVAL=none,
# PRODUCTION=1, a DATABASE_URL naming a real database) must not change what the tests run against.
if not os.environ.get("IGNORE_DOTENV"):
    load_dotenv(BASE_DIR / ".env")

# One switch for production: DEBUG off, secure cookies, HSTS, HTTPS redirect.
PRODUCTION = envbool("PRODUCTION", False)
DEBUG = envbool("DEBUG", not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is empty. Set SECRET_KEY to a long random string in production.")
    # Outside production: this install's own random key, made on first start and kept in a file
    # that git ignores. It also encrypts the Google tokens in sessions, unless TOKEN_ENCRYPTION_KEY is set.
    SECRET_KEY = local_secret_key(BASE_DIR / ".secret_key")
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY is too short for production. Use at least 50 random characters.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "app.security.ContentSecurityPolicyMiddleware",
    "app.views.errors.ApiCrashesAsJson",
]

ROOT_URLCONF = "web.urls"
CSRF_FAILURE_VIEW = "app.views.errors.csrf_failure"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
ASGI_APPLICATION = "web.asgi.application"
WSGI_APPLICATION = "web.wsgi.application"

DATABASES = {"default": database_from_url("DATABASE_URL", "sqlite:///db.sqlite3", BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
SERVE_STATIC = envbool("SERVE_STATIC", not PRODUCTION)

# Sessions live in the database; Google credentials inside them are encrypted
# (app/connection.py, app/crypto.py), so the session table never holds a token in clear.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Key for encrypting OAuth tokens at rest. Derived from SECRET_KEY unless set.
TOKEN_ENCRYPTION_KEY = envfernetkeys("TOKEN_ENCRYPTION_KEY")

# --- Claude -----------------------------------------------------------------
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY") or env("CLAUDE_API_KEY")
ANTHROPIC_MODEL = env("ANTHROPIC_MODEL", "claude-sonnet-5-5")
ANTHROPIC_BASE_URL = envurl("ANTHROPIC_BASE_URL")
ANTHROPIC_MAX_RETRIES = envint("ANTHROPIC_MAX_RETRIES", 2)
AGENT_MAX_STEPS = envint("AGENT_MAX_STEPS", 12, minimum=1)
AGENT_APPROVAL = envchoice("AGENT_APPROVAL", "outbound", ("outbound", "all", "none"))

# --- Google -----------------------------------------------------------------
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET")
GOOGLE_CLIENT_SECRETS_FILE = env("GOOGLE_CLIENT_SECRETS_FILE")
if GOOGLE_CLIENT_SECRETS_FILE and not GOOGLE_CLIENT_ID:
    from app.oauth_client import read_client_secrets_file

    GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET = read_client_secrets_file(GOOGLE_CLIENT_SECRETS_FILE)

# With no Google OAuth client configured, the app runs on the bundled sandbox.
WORKSPACE_SANDBOX = envbool("WORKSPACE_SANDBOX", not GOOGLE_CLIENT_ID and not PRODUCTION)
WORKSPACE_SANDBOX_SEED = env("WORKSPACE_SANDBOX_SEED", "demo")
GOOGLE_API_ENDPOINT = envurl("GOOGLE_API_ENDPOINT")
GOOGLE_AUTH_URI = envurl("GOOGLE_AUTH_URI", "https://accounts.google.com/o/oauth2/auth")
GOOGLE_TOKEN_URI = envurl("GOOGLE_TOKEN_URI", "https://oauth2.googleapis.com/token")
GOOGLE_REVOKE_URI = envurl("GOOGLE_REVOKE_URI", "https://oauth2.googleapis.com/revoke")
GOOGLE_API_RETRIES = envint("GOOGLE_API_RETRIES", 4)

if not PRODUCTION:
    # oauthlib refuses http:// redirect URIs unless told this is development.
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
# Google may return more scopes than asked (include_granted_scopes) or fewer
# (the person unticked a box); we inspect the grant ourselves.
os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envchoice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()},
    "loggers": {
        "googleapiclient.discovery_cache": {"level": "ERROR"},
        # At DEBUG these log authorization codes, PKCE verifiers, Basic auth with the
        # client secret and whole token responses: never below WARNING.
        **{name: {"level": "WARNING"} for name in ("oauthlib", "requests_oauthlib", "google_auth_oauthlib", "urllib3", "httplib2", "google.auth")},
    },
}
