import json

import pytest
from googleapiclient.errors import HttpError

PAGED_LISTS = {
    "gmail messages": ("gmail", lambda s, token: s.users().messages().list(userId="me", pageToken=token)),
    "gmail threads": ("gmail", lambda s, token: s.users().threads().list(userId="me", pageToken=token)),
    "gmail drafts": ("gmail", lambda s, token: s.users().drafts().list(userId="me", pageToken=token)),
    "drive files": ("drive", lambda s, token: s.files().list(pageToken=token)),
    "calendar events": ("calendar", lambda s, token: s.events().list(calendarId="primary", pageToken=token)),
    "task lists": ("tasks", lambda s, token: s.tasklists().list(pageToken=token)),
    "tasks": ("tasks", lambda s, token: s.tasks().list(tasklist="@default", pageToken=token)),
    "connections": ("people", lambda s, token: s.people().connections().list(resourceName="people/me", personFields="names", pageToken=token)),
    "other contacts": ("people", lambda s, token: s.otherContacts().list(readMask="names", pageToken=token)),
}


@pytest.mark.parametrize("name", PAGED_LISTS)
@pytest.mark.parametrize("token", ["garbage", "-5"])
def test_a_page_token_never_handed_out_gets_googles_400(ctx, name, token):
    service_name, make_request = PAGED_LISTS[name]
    with pytest.raises(HttpError) as caught:
        make_request(ctx.service(service_name), token).execute()
    error = json.loads(caught.value.content)["error"]
    assert caught.value.status_code == 400
    assert error["status"] == "INVALID_ARGUMENT"
    assert "pageToken" in error["message"]


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_a_page_token_handed_out_still_pages(ctx, name):
    service_name, make_request = PAGED_LISTS[name]
    make_request(ctx.service(service_name), "0").execute()
