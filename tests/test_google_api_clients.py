"""The process shares its Google API clients; each request still goes out under its own person's grant."""
import pytest
from googleapiclient.errors import HttpError

from app import google_api, scopes
from app.tools.context import Context


def test_each_persons_requests_carry_their_own_grant(sandbox):
    everything = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    drive_only = Context(credentials=sandbox.credentials(scopes=[scopes.DRIVE]), api_root=sandbox.url)
    # Made in turn from the same shared client, then sent in the other order.
    refused = drive_only.service("gmail").users().messages().list(userId="me")
    allowed = everything.service("gmail").users().messages().list(userId="me")

    assert google_api.execute(allowed)["messages"]
    with pytest.raises(HttpError) as error:
        google_api.execute(refused)
    assert error.value.status_code == 403


def test_batch_goes_out_under_the_grant_of_its_requests(sandbox):
    drive_only = Context(credentials=sandbox.credentials(scopes=[scopes.DRIVE]), api_root=sandbox.url)
    everything = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    ids = [m["id"] for m in google_api.execute(everything.service("gmail").users().messages().list(userId="me", maxResults=2))["messages"]]
    messages = drive_only.service("gmail").users().messages()

    results = google_api.execute_batch(drive_only.service("gmail"), [messages.get(userId="me", id=i) for i in ids])

    assert [r.status_code for r in results] == [403, 403]


def test_a_request_never_bound_to_a_person_is_not_sent(sandbox):
    shared = google_api._shared_client("gmail", sandbox.url).resource
    with pytest.raises(RuntimeError, match="not bound"):
        google_api.execute(shared.users().getProfile(userId="me"))
