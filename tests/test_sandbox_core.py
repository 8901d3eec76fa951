import base64
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from app.tools.context import Context


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


def test_token_endpoint_rejects_a_wrong_client_secret(sandbox):
    form = urllib.parse.urlencode(
        {"grant_type": "refresh_token", "refresh_token": sandbox.grant()["refresh_token"], "client_id": "sandbox-client-id", "client_secret": "guess"}
    ).encode()
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(sandbox.url + "/token", data=form)
    assert caught.value.code == 401
    assert json.loads(caught.value.read())["error"] == "invalid_client"


def test_batch_answers_each_part_and_logs_one_http_request(sandbox, ctx):
    service = ctx.service("calendar")
    answers = []
    batch = service.new_batch_http_request(callback=lambda rid, resp, exc: answers.append((rid, resp, exc)))
    batch.add(service.settings().get(setting="timezone"))
    batch.add(service.settings().get(setting="no-such-setting"))
    sandbox.clear_log()
    batch.execute()
    ok = [resp for _, resp, exc in answers if exc is None]
    failed = [exc for _, _, exc in answers if exc is not None]
    assert ok[0]["value"] == "Europe/Paris"
    assert failed[0].status_code == 404
    assert len(sandbox.http_requests()) == 1


def test_links_in_a_freshly_started_sandbox_point_at_its_own_port():
    import re

    from app.sandbox.server import SandboxServer

    server = SandboxServer("demo").start()
    try:
        links = re.findall(r'"(http://[^"]*/_sandbox/open/[^"]*)"', json.dumps(server.sandbox.dump()))
        assert links
        assert all(link.startswith(server.url + "/") for link in links)
    finally:
        server.stop()


def test_reset_clears_queued_faults_and_the_request_log(sandbox, ctx):
    sandbox.fault("/gmail/v1/users/me/profile", status=500, count=5)
    ctx.service("calendar").settings().get(setting="timezone").execute()
    sandbox.reset()
    assert sandbox.log() == []
    fresh = Context(credentials=sandbox.credentials(), api_root=sandbox.url)  # a reset revokes earlier grants
    profile = fresh.service("gmail").users().getProfile(userId="me").execute(num_retries=0)
    assert profile["emailAddress"] == sandbox.state()["account"]["email"]


def test_a_granted_token_names_the_sandbox_account(sandbox):
    account = sandbox.state()["account"]
    assert sandbox.grant()["account"] == {"email": account["email"], "name": account["name"]}
