"""The People emulator answers the real client the way Google does."""
import pytest
from googleapiclient.errors import HttpError

from app.scopes import CONTACTS_READ
from app.tools.context import Context


@pytest.fixture
def people(ctx):
    return ctx.service("people")


def found_names(response):
    return [r["person"]["names"][0]["displayName"] for r in response.get("results", [])]


def test_search_matches_word_prefixes_of_names_and_emails(people):
    search = people.people().searchContacts

    assert found_names(search(query="chen", readMask="names").execute()) == ["Alice Chen"]
    assert found_names(search(query="alice m", readMask="names").execute()) == ["Alice Martin"]
    assert found_names(search(query="globex", readMask="names").execute()) == ["María García"]
    assert search(query="lice", readMask="names").execute() == {}


def test_read_mask_limits_fields_and_is_required(people):
    person = people.people().searchContacts(query="bob", readMask="emailAddresses").execute()["results"][0]["person"]

    assert set(person) == {"resourceName", "etag", "emailAddresses"}
    with pytest.raises(HttpError) as caught:
        people.people().searchContacts(query="bob", readMask="").execute()
    assert caught.value.status_code == 400


def test_connections_list_pages_through_saved_contacts(people):
    first = people.people().connections().list(resourceName="people/me", personFields="names", pageSize=4).execute()
    rest = people.people().connections().list(resourceName="people/me", personFields="names", pageSize=10, pageToken=first["nextPageToken"]).execute()

    assert first["totalPeople"] == 10 and len(first["connections"]) + len(rest["connections"]) == 10


def test_other_contacts_search_needs_its_own_scope(people, sandbox):
    found = people.otherContacts().search(query="zoe", readMask="names,emailAddresses").execute()
    assert found["results"][0]["person"]["resourceName"] == "otherContacts/c2002"

    contacts_only = Context(credentials=sandbox.credentials([CONTACTS_READ]), api_root=sandbox.url).service("people")
    with pytest.raises(HttpError) as caught:
        contacts_only.otherContacts().search(query="zoe", readMask="names").execute()
    assert caught.value.status_code == 403


def test_person_is_fetched_by_resource_name(people):
    person = people.people().get(resourceName="people/c1004", personFields="names,emailAddresses").execute()

    assert person["names"][0]["familyName"] == "田中" and person["emailAddresses"][0]["value"] == "taro.tanaka@acme.example"


def test_empty_query_warms_up_and_finds_nobody(people, sandbox):
    assert people.people().searchContacts(query="", readMask="names").execute() == {}
    assert people.otherContacts().search(query="", readMask="names").execute() == {}

    assert sandbox.state()["people"]["warmUps"] == ["people:searchContacts", "otherContacts:search"]
