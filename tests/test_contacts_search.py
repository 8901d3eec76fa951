"""Finding people's addresses among saved and other contacts."""
import pytest

from app.scopes import DIRECTORY_READ, OTHER_CONTACTS_READ, REQUESTED
from app.tools import invoke
from app.tools.contacts import compact
from app.tools.context import Context


def names(result):
    return [p["name"] for p in result["people"]]


def test_partial_first_name_finds_the_contact_and_address(ctx):
    found = invoke("contacts_search", ctx, {"query": "ali"})

    alice = next(p for p in found["people"] if p["name"] == "Alice Chen")
    assert alice["emails"] == ["alice@acme.example"] and alice["org"] == "Acme, Finance lead"
    assert alice["link"].endswith("/person/c1001")


def test_outside_the_sandbox_a_person_links_to_google_contacts():
    person = {"resourceName": "people/c1001", "names": [{"displayName": "Alice Chen"}]}
    assert compact(Context(credentials=None), person, True)["link"] == "https://contacts.google.com/person/c1001"


def test_a_contacts_phone_number_comes_with_the_address(ctx):
    found = {p["name"]: p for p in invoke("contacts_search", ctx, {"query": "alice"})["people"]}

    assert found["Alice Chen"]["phones"] == ["+33 6 11 22 33 44"]
    assert "phones" not in found["Alice Martin"]  # none saved: nothing to read


def test_phone_numbers_of_other_contacts_and_colleagues_are_found_too(sandbox):
    sandbox.reset({"people": {
        "otherContacts": [{"name": "Jordan Lee", "emails": ["jordan@umbrella.example"], "phones": ["+1 555 0100"]}],
        "directory": [{"name": "Jonas Berg", "emails": ["jonas@acme.example"], "phones": ["+46 8 123 456"]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    found = {p["name"]: p for p in invoke("contacts_search", ctx, {"query": "jo"})["people"]}

    assert found["Jordan Lee"]["phones"] == ["+1 555 0100"] and found["Jordan Lee"]["other_contact"] is True
    assert found["Jonas Berg"]["phones"] == ["+46 8 123 456"]


def test_address_finds_the_contact(ctx):
    assert names(invoke("contacts_search", ctx, {"query": "bob.schmidt@gmail"})) == ["Bob Schmidt"]


def test_other_contacts_are_found_by_partial_name_and_address(ctx):
    by_name = invoke("contacts_search", ctx, {"query": "jord"})
    by_address = invoke("contacts_search", ctx, {"query": "jordan.lee@umbrella.example"})

    assert by_name["people"] == by_address["people"]
    assert by_name["people"][0]["emails"] == ["jordan.lee@umbrella.example"] and by_name["people"][0]["other_contact"] is True


def test_accents_and_non_latin_names_match(ctx):
    assert names(invoke("contacts_search", ctx, {"query": "chloe"})) == ["Chloé Dubois"]
    assert names(invoke("contacts_search", ctx, {"query": "田中"})) == ["田中 太郎"]
    assert names(invoke("contacts_search", ctx, {"query": "zoë"})) == ["Zoë Fischer"]


def test_first_search_of_a_run_warms_up_googles_cache_first(ctx, sandbox):
    sandbox.clear_log()

    invoke("contacts_search", ctx, {"query": "alice"})

    assert sandbox.state()["people"]["warmUps"] == ["people:searchContacts", "otherContacts:search"]
    assert [r["path"] for r in sandbox.http_requests()] == ["/batch", "/batch"]  # the warm-up, then the search


def test_later_searches_in_the_run_cross_the_wire_once(ctx, sandbox):
    invoke("contacts_search", ctx, {"query": "alice"})
    sandbox.clear_log()

    invoke("contacts_search", ctx, {"query": "bob"})

    assert [r["path"] for r in sandbox.http_requests()] == ["/batch"]
    assert len(sandbox.state()["people"]["warmUps"]) == 2


def test_without_other_contacts_scope_saved_contacts_still_answer(sandbox):
    ctx = Context(credentials=sandbox.credentials([s for s in REQUESTED if s != OTHER_CONTACTS_READ]), api_root=sandbox.url)

    found = invoke("contacts_search", ctx, {"query": "a"})

    assert "Alice Chen" in names(found) and "note" in found
    assert not any(p.get("other_contact") for p in found["people"])


def test_a_colleague_who_is_not_a_contact_is_found_in_the_organisations_directory(ctx):
    found = invoke("contacts_search", ctx, {"query": "hannah"})
    assert found["people"] == [{"name": "Hannah Becker", "emails": ["hannah.becker@acme.example"],
                                "org": "Acme, People operations", "directory": True}]


def test_someone_both_saved_and_in_the_directory_is_listed_once_as_the_contact(ctx):
    found = invoke("contacts_search", ctx, {"query": "alice chen"})
    assert [(p["name"], p.get("directory", False)) for p in found["people"]] == [("Alice Chen", False)]


def test_the_directory_is_searched_in_the_same_request_as_the_contacts(ctx, sandbox):
    invoke("contacts_search", ctx, {"query": "alice"})
    sandbox.clear_log()

    invoke("contacts_search", ctx, {"query": "yusuf"})

    assert [r["path"] for r in sandbox.http_requests()] == ["/batch"]
    assert [r["path"] for r in sandbox.log()].count("/v1/people:searchDirectoryPeople") == 1


def test_a_personal_account_without_a_directory_finds_its_contacts_without_a_note(sandbox):
    seed = {"account": {"email": "sam@gmail.example", "name": "Sam", "timezone": "UTC"},
            "people": {"contacts": [{"name": "Robin Lee", "emails": ["robin@partner.example"]}]}}
    sandbox.reset(seed)
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)

    found = invoke("contacts_search", ctx, {"query": "robin"})

    assert names(found) == ["Robin Lee"] and "note" not in found


def test_without_directory_access_contacts_answer_and_the_note_says_what_was_not_searched(sandbox):
    ctx = Context(credentials=sandbox.credentials([s for s in REQUESTED if s != DIRECTORY_READ]), api_root=sandbox.url)

    found = invoke("contacts_search", ctx, {"query": "hannah"})

    assert found == {"people": [], "note": "your organisation's directory was not searched (access not granted)"}


@pytest.mark.parametrize("status, reason", [(503, None), (403, "rateLimitExceeded")])
def test_a_directory_google_cannot_search_just_now_is_noted(ctx, sandbox, settings, status, reason):
    settings.GOOGLE_API_RETRIES = 0  # the retries would meet the same fault
    sandbox.fault("searchDirectoryPeople", status=status, count=10, reason=reason)

    found = invoke("contacts_search", ctx, {"query": "alice"})

    assert "Alice Chen" in names(found)
    assert found["note"] == "your organisation's directory could not be searched just now"


@pytest.mark.parametrize("status, reason", [(503, None), (403, "rateLimitExceeded")])
def test_other_contacts_google_cannot_search_just_now_are_noted_as_a_failure_not_as_access_refused(ctx, sandbox, settings,
                                                                                                 status, reason):
    settings.GOOGLE_API_RETRIES = 0  # the retries would meet the same fault
    sandbox.fault("otherContacts:search", status=status, count=10, reason=reason)

    found = invoke("contacts_search", ctx, {"query": "ali"})

    assert "Alice Chen" in names(found)
    assert found["note"] == "other contacts could not be searched just now"
