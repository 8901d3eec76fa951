"""The sandbox's OAuth 2.0 server: authorize, token and revoke, like Google's.

It checks what Google checks: the client id and secret (HTTP Basic or form),
the registered redirect URI, PKCE (S256 or plain), one-time codes, and
refresh tokens that stop working once revoked.
"""
import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode, urlparse


DEFAULT_CLIENT = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}
ACCESS_TOKEN_SECONDS = 3600


def _is_loopback(uri: str) -> bool:
    return urlparse(uri).hostname in ("127.0.0.1", "localhost", "::1")


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


class TokenStore:
    def __init__(self):
        self.lock = threading.Lock()
        self.configure({})

    def configure(self, spec: dict) -> None:
        with self.lock:
            self.clients = {DEFAULT_CLIENT["client_id"]: DEFAULT_CLIENT["client_secret"]}
            for client in spec.get("clients", []):
                self.clients[client["client_id"]] = client["client_secret"]
            self.consent = {"deny": False, "decline": []}
            self.codes: dict[str, dict] = {}
            self.access: dict[str, dict] = {}
            self.refresh: dict[str, dict] = {}

    def dump(self) -> dict:
        with self.lock:
            return {
                "clients": [{"client_id": cid} for cid in self.clients],
                "consent": dict(self.consent),
                "access_tokens": len(self.access),
                "refresh_tokens": len(self.refresh),
            }

    def set_consent(self, deny: bool = False, decline: list[str] | None = None) -> None:
        with self.lock:
            self.consent = {"deny": bool(deny), "decline": list(decline or [])}

    # --- the consent screen -----------------------------------------------------
    def authorize(self, query: dict) -> str:
        """Answer /o/oauth2/auth with the redirect Google would send back."""
        arg = lambda name: (query.get(name) or [""])[-1]  # noqa: E731
        client_id, redirect_uri = arg("client_id"), arg("redirect_uri")
        if client_id not in self.clients:
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
        if not _is_loopback(redirect_uri):
            raise OAuthError("redirect_uri_mismatch", f"{redirect_uri!r} is not a registered redirect URI.")
        if arg("response_type") != "code":
            raise OAuthError("unsupported_response_type", "Only response_type=code is supported.")
        state = arg("state")
        with self.lock:
            consent = dict(self.consent)
        if consent["deny"]:
            return self._redirect(redirect_uri, {"error": "access_denied", "state": state})
        asked = arg("scope").split()
        granted = [s for s in asked if s not in consent["decline"]]
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scopes": granted,
                "challenge": arg("code_challenge"),
                "method": arg("code_challenge_method") or "plain",
                "expires": time.time() + 600,
            }
        return self._redirect(redirect_uri, {"code": code, "state": state, "scope": " ".join(granted)})

    @staticmethod
    def _redirect(uri: str, params: dict) -> str:
        sep = "&" if "?" in uri else "?"
        return uri + sep + urlencode({k: v for k, v in params.items() if v})

    # --- the token endpoint -----------------------------------------------------
    def token(self, form: dict, authorization: str) -> dict:
        client_id = self._client(form, authorization)
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            return self._exchange_code(client_id, form)
        if grant_type == "refresh_token":
            return self._refresh(client_id, form.get("refresh_token", ""))
        raise OAuthError("unsupported_grant_type", f"Unsupported grant_type {grant_type!r}.")

    def _client(self, form: dict, authorization: str) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if self.clients.get(client_id) != secret or not secret:
            raise OAuthError("invalid_client", "Unauthorized: the client id or secret is wrong.", 401)
        return client_id

    def _exchange_code(self, client_id: str, form: dict) -> dict:
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if not grant or grant["expires"] < time.time() or grant["client_id"] != client_id:
            raise OAuthError("invalid_grant", "Malformed auth code.")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            raise OAuthError("redirect_uri_mismatch", "Bad Request: redirect_uri does not match.")
        if not _pkce_ok(grant["challenge"], grant["method"], form.get("code_verifier", "")):
            raise OAuthError("invalid_grant", "Invalid code verifier.")
        return self.issue(grant["scopes"], client_id)

    def _refresh(self, client_id: str, refresh_token: str) -> dict:
        with self.lock:
            grant = self.refresh.get(refresh_token)
        if not grant or grant["client_id"] != client_id:
            raise OAuthError("invalid_grant", "Token has been expired or revoked.")
        return self.issue(grant["scopes"], client_id, refresh_token=refresh_token)

    def issue(self, scopes, client_id=DEFAULT_CLIENT["client_id"], refresh_token=None, expires_in=ACCESS_TOKEN_SECONDS):
        access = "ya29.sandbox-" + secrets.token_urlsafe(24)
        scopes = list(scopes)
        answer = {"access_token": access, "expires_in": expires_in, "scope": " ".join(scopes), "token_type": "Bearer"}
        with self.lock:
            if refresh_token is None:
                refresh_token = "1//sandbox-" + secrets.token_urlsafe(32)
                self.refresh[refresh_token] = {"scopes": scopes, "client_id": client_id}
                answer["refresh_token"] = refresh_token
            self.access[access] = {
                "scopes": scopes,
                "expires": time.time() + expires_in,
                "client_id": client_id,
                "refresh": refresh_token,
            }
        return answer

    def check_access(self, token: str) -> dict | None:
        with self.lock:
            grant = self.access.get(token)
        if grant and grant["expires"] > time.time():
            return grant
        return None

    def expire_access_tokens(self) -> int:
        with self.lock:
            for grant in self.access.values():
                grant["expires"] = 0
            return len(self.access)

    def revoke(self, token: str) -> bool:
        """Revoking either token of a grant ends both, as Google does."""
        with self.lock:
            if token in self.refresh:
                del self.refresh[token]
            elif token in self.access:
                token = self.access[token]["refresh"]
                self.refresh.pop(token, None)
            else:
                return False
            for access in [a for a, g in self.access.items() if g["refresh"] == token]:
                del self.access[access]
            return True


def _pkce_ok(challenge: str, method: str, verifier: str) -> bool:
    if not challenge:
        return True  # PKCE is optional for confidential clients, as at Google
    if not verifier:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
    return verifier == challenge


def parse_form(body: bytes) -> dict:
    return {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
