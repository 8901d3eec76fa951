"""A session's connection to Google Workspace: where Google is, and the grant.

The grant (access and refresh token, expiry, scopes) is kept in the Django
session encrypted (app/crypto.py), so the session table never holds a token in
clear. The client secret is never put in the session; it is added from
settings whenever credentials are built.
"""
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import google.auth.exceptions
import google.oauth2.credentials
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from app import crypto, scopes
from app.sandbox.oauth import DEFAULT_CLIENT
from app.tools.context import Context

log = logging.getLogger(__name__)

GRANT = "google_grant"  # encrypted token blob
PROFILE = "google_profile"  # {"email", "scopes"}: not secret
NOTICE = "google_notice"  # a plain explanation to show once, e.g. after invalid_grant
SANDBOX_OFF = "sandbox_disconnected"
PERMISSIONS_PAGE = "https://myaccount.google.com/permissions"
NOT_REVOKED = ("You are disconnected here, but Google could not be told to end this app's access to your account. "
               f"Remove it yourself at {PERMISSIONS_PAGE}.")
ELSEWHERE = {
    True: "This browser is connected to Google, which this server does not use: it runs the sandbox workspace. "
          "Start it with GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET set to use your account.",
    False: "This browser is connected to the sandbox workspace, not to Google: connect Google to use your account.",
}
UNREADABLE = ("This app's encryption key has changed, so your Google connection can no longer be used. Connect Google "
              f"again (the old access is listed at {PERMISSIONS_PAGE}, where you can remove it).")


@dataclass(frozen=True)
class Endpoints:
    api_root: str | None  # None: Google itself
    auth_uri: str
    token_uri: str
    revoke_uri: str
    client_id: str
    client_secret: str
    sandbox: bool


def endpoints() -> Endpoints:
    if settings.WORKSPACE_SANDBOX:
        from app.sandbox.server import embedded

        root = settings.GOOGLE_API_ENDPOINT or embedded(settings.WORKSPACE_SANDBOX_SEED).url
        return Endpoints(root, root + "/o/oauth2/auth", root + "/token", root + "/revoke", **DEFAULT_CLIENT, sandbox=True)
    return Endpoints(
        settings.GOOGLE_API_ENDPOINT or None,
        settings.GOOGLE_AUTH_URI,
        settings.GOOGLE_TOKEN_URI,
        settings.GOOGLE_REVOKE_URI,
        settings.GOOGLE_CLIENT_ID,
        settings.GOOGLE_CLIENT_SECRET,
        sandbox=False,
    )


def is_configured() -> bool:
    """Whether there is any Google to connect to (the sandbox counts)."""
    return settings.WORKSPACE_SANDBOX or bool(settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET)


# --- storing the grant ----------------------------------------------------------
def store(session, *, token: str, refresh_token: str | None, expiry: datetime | None, granted: list[str],
          email: str | None = None, connected_at: str | None = None) -> None:
    """Keep a grant; `connected_at` is kept from the grant it refreshes, else this is a new connection."""
    blob = {"token": token, "refresh_token": refresh_token, "expiry": expiry.isoformat() if expiry else None, "scopes": granted}
    session[GRANT] = crypto.encrypt(json.dumps(blob))
    # When the connection began: a task begun since then was planned with this very account,
    # even when its address is not known (Gmail not granted).
    session[PROFILE] = {"email": email, "scopes": granted,
                        "connected_at": connected_at or datetime.now(timezone.utc).isoformat(),
                        "sandbox": settings.WORKSPACE_SANDBOX}  # where the grant came from: see load_credentials
    session.pop(NOTICE, None)
    session.pop(SANDBOX_OFF, None)


def _grant(session) -> dict | None:
    sealed = session.get(GRANT)
    plain = crypto.decrypt(sealed) if sealed else None
    return json.loads(plain) if plain else None


def from_sandbox(session) -> bool | None:
    """Whether the session's grant came from the workspace sandbox (True) or from Google (False); None when
    it holds no grant, or one kept before where it came from was recorded."""
    return (session.get(PROFILE) or {}).get("sandbox") if session.get(GRANT) else None


def _kept_elsewhere(session) -> bool:
    """Whether the session's grant is for the other of Google and the sandbox than this server uses.

    A grant only goes back where it came from: a Google grant sent to the sandbox would be refused, and
    the refusal would end the person's Google connection (forget_refused); revoked there, it would live on.
    """
    return from_sandbox(session) not in (None, settings.WORKSPACE_SANDBOX)


def load_credentials(session):
    """google.oauth2 Credentials for this session, or None when not connected (here)."""
    grant = _grant(session)
    if grant is None or _kept_elsewhere(session):
        return None
    ep = endpoints()
    expiry = datetime.fromisoformat(grant["expiry"]).replace(tzinfo=None) if grant.get("expiry") else None
    kind = SandboxCredentials if ep.sandbox else google.oauth2.credentials.Credentials
    return kind(
        token=grant["token"],
        refresh_token=grant.get("refresh_token"),
        token_uri=ep.token_uri,
        client_id=ep.client_id,
        client_secret=ep.client_secret,
        scopes=grant.get("scopes"),
        expiry=expiry,  # google-auth compares naive UTC
    )


def save_refreshed(session_key: str, credentials) -> bool:
    """After a run: keep a token google-auth refreshed, so the next run need not refresh again."""
    session = SessionStore(session_key=session_key)
    grant = _grant(session)
    if grant is None or grant["token"] == credentials.token:
        return False
    expiry = credentials.expiry.replace(tzinfo=timezone.utc) if credentials.expiry else None
    store(session, token=credentials.token, refresh_token=credentials.refresh_token or grant.get("refresh_token"),
          expiry=expiry, granted=grant["scopes"], email=session.get(PROFILE, {}).get("email"),
          connected_at=session.get(PROFILE, {}).get("connected_at"))
    session.save()
    return True


def account(session) -> tuple[str | None, datetime | None]:
    """The connected account's address (None when not known) and when this connection began."""
    profile = session.get(PROFILE) or {}
    began = profile.get("connected_at")
    return profile.get("email"), datetime.fromisoformat(began) if began else None


def forget_refused(session_key: str, credentials, notice: str) -> bool:
    """After a run Google refused this grant in: drop it, unless the person connected again meanwhile."""
    session = SessionStore(session_key=session_key)
    grant = _grant(session)
    if grant is None or grant.get("refresh_token") != credentials.refresh_token:
        return False
    forget(session, notice)
    session.save()
    return True


def _forget_unreadable(session) -> None:
    """A grant the keys no longer decrypt (SECRET_KEY or TOKEN_ENCRYPTION_KEY changed) connects nothing:
    forget it, and say why, rather than show the person as connected."""
    if session.get(GRANT) and _grant(session) is None:
        forget(session, UNREADABLE)


def forget(session, notice: str | None = None) -> None:
    session.pop(GRANT, None)
    session.pop(PROFILE, None)
    if notice:
        session[NOTICE] = notice


# --- sandbox auto-connect -----------------------------------------------------
def ensure_sandbox_connection(session) -> None:
    """In sandbox mode every session is connected to the demo account, no consent step."""
    if not settings.WORKSPACE_SANDBOX or session.get(GRANT) or session.get(SANDBOX_OFF):
        return
    grant = _sandbox_grant()
    store(session, token=grant["access_token"], refresh_token=grant["refresh_token"], expiry=grant["expiry"],
          granted=grant["scope"].split(), email=grant["account"]["email"])


def _sandbox_grant() -> dict:
    """A grant of every requested scope from the sandbox, with its account and expiry."""
    request = urllib.request.Request(
        endpoints().api_root + "/_sandbox/tokens", data=json.dumps({"scopes": scopes.REQUESTED}).encode(),
        method="POST", headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        grant = json.loads(response.read())
    grant["expiry"] = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=int(grant["expires_in"]))
    return grant


class SandboxCredentials(google.oauth2.credentials.Credentials):
    """A sandbox grant. The sandbox keeps grants in memory only, so once it has restarted (and in the
    sandbox each `manage.py agent` starts for itself) it no longer knows the grant a session holds: a
    fresh one takes its place, as a new session is given one, instead of asking the person to reconnect
    a demo account. The run then keeps it in the session (save_refreshed)."""

    def refresh(self, request):
        try:
            super().refresh(request)
        except google.auth.exceptions.RefreshError:
            log.info("The sandbox no longer knows this grant; a fresh one replaces it.")
            fresh = _sandbox_grant()
            self.token, self.expiry = fresh["access_token"], fresh["expiry"].replace(tzinfo=None)
            self._refresh_token = fresh["refresh_token"]  # google-auth has no setter for it


def context_for_session(session) -> Context | None:
    """The tools' context for this session; None when no workspace is connected."""
    _forget_unreadable(session)
    ensure_sandbox_connection(session)
    credentials = load_credentials(session)
    if credentials is None:
        return None
    return Context(credentials=credentials, api_root=endpoints().api_root, stored_token=credentials.token)


def status(session) -> dict:
    """What the page header shows: connected as whom, sandbox or not, what is missing."""
    _forget_unreadable(session)
    ensure_sandbox_connection(session)
    profile = session.get(PROFILE) or {}
    elsewhere = _kept_elsewhere(session)
    connected = session.get(GRANT) is not None and not elsewhere
    return {
        "connected": connected,
        "sandbox": settings.WORKSPACE_SANDBOX,
        "configured": is_configured(),
        "email": profile.get("email") if connected else None,
        "missing_services": scopes.missing_services(set(profile.get("scopes", []))) if connected else [],
        "notice": ELSEWHERE[settings.WORKSPACE_SANDBOX] if elsewhere else session.get(NOTICE),
    }


def revoke_at_google(token: str) -> bool:
    """Revoke a grant at Google (a network call: run it on google_api.THREADS).

    False when Google could not be told: the access may still be live there, and the person must hear so."""
    data = urllib.parse.urlencode({"token": token}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(endpoints().revoke_uri, data=data, method="POST"), timeout=10).close()
    except urllib.error.HTTPError as exc:
        with exc:
            if _already_ended(exc):
                return True
            log.warning("Google refused to revoke a token: HTTP %s", exc.code)
            return False
    except OSError as exc:  # Google unreachable
        log.warning("Token revocation failed: %s", type(exc).__name__)
        return False
    return True


def _already_ended(error) -> bool:
    """Google answers 400 invalid_token for a grant that was revoked or expired already: nothing is left to end."""
    try:
        return error.code == 400 and json.loads(error.read()).get("error") == "invalid_token"
    except (OSError, ValueError, AttributeError):
        return False


def sign_out(session) -> str | None:
    """End this browser's session, and with it the grant and the conversations.

    Returns the token to revoke at Google (the refresh token when there is one), if any.
    """
    grant = None if _kept_elsewhere(session) else _grant(session)  # revoked only where it came from
    # A fresh, empty session: the next person on this browser inherits no conversations
    # and cannot approve actions planned for this account.
    session.flush()
    if settings.WORKSPACE_SANDBOX:
        session[SANDBOX_OFF] = True
    return (grant.get("refresh_token") or grant["token"]) if grant else None
