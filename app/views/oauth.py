"""The Google OAuth 2.0 web flow: three short views.

Login keeps a random `state` and the PKCE verifier in the session; the
callback compares the state (400 on a mismatch, nothing stored), exchanges the
code with the verifier, and stores the grant encrypted; logout revokes it.
"""
import asyncio
import logging

import requests
from asgiref.sync import sync_to_async
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views import View
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from app import connection, google_api, scopes
from app.models import Conversation
from app.profile import fetch_email

log = logging.getLogger(__name__)
STATE = "oauth_state"
VERIFIER = "oauth_code_verifier"
DECLINED = "You declined access to Google, so nothing was connected. Connect Google again whenever you are ready."


def _flow(request, **kwargs) -> Flow:
    ep = connection.endpoints()
    config = {
        "web": {
            "client_id": ep.client_id,
            "client_secret": ep.client_secret,
            "auth_uri": ep.auth_uri,
            "token_uri": ep.token_uri,
        }
    }
    redirect_uri = request.build_absolute_uri(reverse("oauth-callback"))
    return Flow.from_client_config(config, scopes=scopes.REQUESTED, redirect_uri=redirect_uri, **kwargs)


def _failed(request, message: str, status: int = 400):
    return render(request, "app/oauth_error.html", {"message": message}, status=status)


class LoginView(View):
    def get(self, request):
        if not connection.is_configured():
            return _failed(request, "No Google OAuth client is configured. Set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (see the README).", 503)
        flow = _flow(request)
        url, state = flow.authorization_url(access_type="offline", include_granted_scopes="true", prompt="consent")
        request.session[STATE] = state
        request.session[VERIFIER] = flow.code_verifier
        return HttpResponseRedirect(url)


class CallbackView(View):
    # Async, so that the two calls to Google (code exchange, profile) wait on google_api.THREADS,
    # not on a thread Django's synchronous code shares with other requests (app.sync_threads).
    async def get(self, request):
        flow = await sync_to_async(_flow_to_finish)(request)
        if not isinstance(flow, Flow):
            return flow
        try:
            await google_api.off_loop(flow.fetch_token)(code=request.GET["code"])
        except (OAuth2Error, requests.RequestException, ValueError, Warning) as exc:
            log.info("OAuth code exchange failed: %s", type(exc).__name__)
            return await sync_to_async(_failed)(request, "Google did not accept this sign-in (the code was used or has expired). Start again from Connect Google.")
        credentials = flow.credentials
        granted = _granted_scopes(flow.oauth2session.token.get("scope"))
        email = await google_api.off_loop(fetch_email)(credentials, granted)
        await sync_to_async(_connect)(request, credentials, granted, email)
        return HttpResponseRedirect("/")


class LogoutView(View):
    async def post(self, request):
        # Signed out here first: a browser that leaves while Google is asked still leaves nothing behind.
        token = await sync_to_async(connection.sign_out)(request.session)
        # Shielded: the revocation goes through even then.
        if token and not await asyncio.shield(google_api.off_loop(connection.revoke_at_google)(token)):
            request.session[connection.NOTICE] = connection.NOT_REVOKED  # shown on the page it goes back to
        return HttpResponseRedirect("/")


def _flow_to_finish(request) -> Flow | HttpResponse:
    """The flow this browser started, ready for the code exchange; or the page to answer instead."""
    expected = request.session.pop(STATE, None)
    verifier = request.session.pop(VERIFIER, None)
    state = request.GET.get("state", "")
    if not expected or not constant_time_compare(state, expected):
        return _failed(request, "This sign-in link is not the one this browser started (the state does not match). Nothing was stored; start again from Connect Google.")
    if request.GET.get("error"):
        notice = DECLINED if request.GET["error"] == "access_denied" else f"Google did not connect: {request.GET['error']}."
        request.session[connection.NOTICE] = notice
        return HttpResponseRedirect("/")
    if not request.GET.get("code"):
        return _failed(request, "Google's answer had no authorization code. Start again from Connect Google.")
    return _flow(request, state=state, code_verifier=verifier)


def _connect(request, credentials, granted: list[str], email: str | None) -> None:
    _new_session_id(request)
    connection.store(
        request.session,
        token=credentials.token,
        refresh_token=credentials.refresh_token,
        expiry=credentials.expiry,
        granted=granted,
        email=email,
    )


def _new_session_id(request) -> None:
    """A new session id on connect (no session fixation); the person's conversations move with it."""
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        Conversation.objects.filter(session_key=old).update(session_key=request.session.session_key)


def _granted_scopes(scope) -> list[str]:
    if isinstance(scope, str):
        return scope.split()
    return list(scope or [])
