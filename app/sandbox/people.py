"""Sandbox emulation of the People API v1: saved contacts and "other contacts".

Seed section "people":
    {"contacts": [{"name": "Alice Chen", "given": "Alice", "family": "Chen",   # given/family optional
                   "emails": ["alice@acme.example"], "phones": ["+33 6 12 34 56 78"],
                   "organization": "Acme", "title": "Finance lead", "id": "c1"}],
     "otherContacts": [{"name": "...", "emails": ["..."]}],             # people mailed but never saved
     "directory": [{"name": "...", "emails": ["..."], "organization": "...", "title": "..."}]}
                                            # the organisation's people; without it the account is a personal one
Search matches like Google's: every query word must be the start of a word
of a name, an email address (split at @ . _ -) or an organization, ignoring
case and accents, so "chlo" finds Chloé and "acme" finds alice@acme.example.
An empty query is Google's cache warm-up: it finds nothing, and the state
records it ("warmUps": the methods warmed) so tests can see clients send it.
"""
import unicodedata

from app.sandbox.routing import ApiError, Router
from app.scopes import CONTACTS_READ, DIRECTORY_READ, G, OTHER_CONTACTS_READ

router = Router("people")

CONTACTS = (CONTACTS_READ, G + "contacts")
OTHER = (OTHER_CONTACTS_READ,)
DIRECTORY = (DIRECTORY_READ, G + "directory")
DIRECTORY_SOURCES = {"DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE", "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"}
OTHER_FIELDS = {"emailAddresses", "metadata", "names", "phoneNumbers"}  # all otherContacts.search takes


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def person(spec: dict, kind: str, index: int) -> dict:
    """A People API person from a seed entry; kind is "people", "otherContacts" or "directory"."""
    contact_id = spec.get("id") or f"c{4000 + index}"
    source_type = {"people": "CONTACT", "otherContacts": "OTHER_CONTACT", "directory": "DOMAIN_PROFILE"}[kind]
    source = {"primary": True, "source": {"type": source_type, "id": contact_id}}
    given, _, family = spec["name"].partition(" ")
    out = {
        "resourceName": f"{'people' if kind == 'directory' else kind}/{contact_id}",
        "etag": f"%{contact_id}",
        "names": [{"metadata": source, "displayName": spec["name"], "givenName": spec.get("given", given),
                   "familyName": spec.get("family", family), "unstructuredName": spec["name"]}],
        "emailAddresses": [{"metadata": {**source, "primary": i == 0}, "value": e} for i, e in enumerate(spec.get("emails", []))],
    }
    if spec.get("phones"):
        out["phoneNumbers"] = [{"metadata": source, "value": p} for p in spec["phones"]]
    if spec.get("organization"):
        out["organizations"] = [{"metadata": source, "name": spec["organization"], "title": spec.get("title", "")}]
    return out


def words(entry: dict) -> list[str]:
    texts = [n["displayName"] for n in entry.get("names", [])]
    texts += [o["name"] for o in entry.get("organizations", [])]
    emails = [e["value"] for e in entry.get("emailAddresses", [])]
    out = [w for text in texts for w in fold(text).split()] + [fold(e) for e in emails]
    for email in emails:
        out += [w for w in fold(email).replace("@", " ").replace(".", " ").replace("_", " ").replace("-", " ").split()]
    return out + [fold(t) for t in texts]


def matches(entry: dict, query: str) -> bool:
    candidates = words(entry)
    return all(any(c.startswith(q) for c in candidates) for q in fold(query).split())


def masked(entry: dict, mask: str, allowed: set | None = None) -> dict:
    fields = {f.strip() for f in mask.split(",") if f.strip()}
    if not fields:
        raise ApiError(400, "readMask is required. Please specify one or more valid paths.", "invalidArgument")
    if allowed and not fields <= allowed:
        raise ApiError(400, f"Invalid readMask path for this method: {sorted(fields - allowed)}", "invalidArgument")
    return {k: v for k, v in entry.items() if k in ("resourceName", "etag") or k in fields}


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox
        self.contacts = [person(spec, "people", i) for i, spec in enumerate(seed.get("contacts", []))]
        self.other = [person(spec, "otherContacts", i) for i, spec in enumerate(seed.get("otherContacts", []))]
        directory = seed.get("directory")
        self.directory = None if directory is None else [person(spec, "directory", i) for i, spec in enumerate(directory)]
        self.warm_ups: list[str] = []

    def dump(self) -> dict:
        return {"contacts": self.contacts, "otherContacts": self.other, "directory": self.directory, "warmUps": self.warm_ups}

    def view(self, kind: str, item_id: str) -> dict | None:
        if kind != "person":
            return None
        return next((p for p in self.contacts + self.other if p["resourceName"].split("/")[-1] == item_id), None)

    def search(self, entries: list[dict], request, allowed: set | None = None) -> dict:
        query = request.arg("query")
        if query is None:
            raise ApiError(400, "query is required.", "invalidArgument")
        size, mask = min(request.int_arg("pageSize", 10), 30), request.arg("readMask", "")
        masked({}, mask, allowed)  # Google checks the mask even when nothing matches
        found = [masked(e, mask, allowed) for e in entries if query.strip() and matches(e, query)]
        if not query.strip():
            self.warm_ups.append(request.path.rsplit("/", 1)[-1])
        return {"results": [{"person": p} for p in found[:size]]} if found else {}


def _page(request, entries: list[dict], key: str, mask: str) -> dict:
    page, next_token = request.page(entries, "pageSize", 100, 1000)
    out = {key: [masked(e, mask) for e in page], "totalSize": len(entries)}
    if next_token:
        out["nextPageToken"] = next_token
    return out


@router.get(r"/v1/people:searchContacts", scopes=CONTACTS)
def search_contacts(state, request):
    return state.search(state.contacts, request)


@router.get(r"/v1/otherContacts:search", scopes=OTHER)
def search_other_contacts(state, request):
    return state.search(state.other, request, OTHER_FIELDS)


@router.get(r"/v1/people:searchDirectoryPeople", scopes=DIRECTORY)
def search_directory(state, request):
    if state.directory is None:
        raise ApiError(400, "Must be a G Suite domain user.", "failedPrecondition")
    sources = set(request.args("sources"))
    if not sources or not sources <= DIRECTORY_SOURCES:
        raise ApiError(400, "Request must specify at least one valid directory source.", "invalidArgument")
    query, mask = request.arg("query", ""), request.arg("readMask", "")
    masked({}, mask)
    found = [masked(e, mask) for e in state.directory if query.strip() and matches(e, query)]
    page, next_token = request.page(found, "pageSize", 100, 500)
    return {"people": page, "totalSize": len(found), **({"nextPageToken": next_token} if next_token else {})}


@router.get(r"/v1/otherContacts", scopes=OTHER)
def list_other_contacts(state, request):
    return _page(request, state.other, "otherContacts", request.arg("readMask", ""))


@router.get(r"/v1/people/(?P<person_id>[^/:]+)/connections", scopes=CONTACTS)
def list_connections(state, request, person_id):
    if person_id != "me":
        raise ApiError(400, "Only people/me has connections.", "invalidArgument")
    out = _page(request, state.contacts, "connections", request.arg("personFields", ""))
    out["totalPeople"] = out["totalItems"] = out.pop("totalSize")
    return out


@router.get(r"/v1/people/(?P<person_id>[^/:]+)", scopes=CONTACTS + OTHER)
def get_person(state, request, person_id):
    if person_id == "me":
        account = state.sandbox.account
        me = person({"name": account["name"], "emails": [account["email"]], "id": "me"}, "people", 0)
        return masked(me, request.arg("personFields", ""))
    found = next((p for p in state.contacts if p["resourceName"] == f"people/{person_id}"), None)
    if found is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    return masked(found, request.arg("personFields", ""))
