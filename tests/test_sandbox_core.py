import base64
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest


def test_unknown_token_gets_googles_401_shape(sandbox):
    request = urllib.request.Request(sandbox.url + "/gmail/v1/users/me/profile", headers={"Authorization": "Bearer nope"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    body = json.loads(caught.value.read())
    assert caught.value.code == 401
    assert body["error"]["status"] == "UNAUTHENTICATED"


def test_pkce_code_exchange_rejects_wrong_verifier(sandbox):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode(
        {
            "client_id": "sandbox-client-id",
            "redirect_uri": "http://127.0.0.1:8000/oauth2callback/",
            "response_type": "code",
            "scope": "https://www.googleapis.com/auth/tasks",
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(sandbox.url + "/o/oauth2/auth?" + query)
    location = caught.value.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]

    def exchange(verifier_sent):
        form = urllib.parse.urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://127.0.0.1:8000/oauth2callback/",
                "code_verifier": verifier_sent,
                "client_id": "sandbox-client-id",
                "client_secret": "sandbox-client-secret",
            }
        ).encode()
        return urllib.request.urlopen(sandbox.url + "/token", data=form)

    with pytest.raises(urllib.error.HTTPError) as wrong:
        exchange("w" * 50)
    assert json.loads(wrong.value.read())["error"] == "invalid_grant"
