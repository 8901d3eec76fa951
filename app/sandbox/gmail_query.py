"""Gmail's search syntax, the subset people and models actually type.

Supported: from: to: cc: bcc: subject: label: filename: has:attachment
is:unread/read/starred/important in:inbox/sent/trash/spam/drafts/anywhere
newer_than:/older_than: (d, m, y, h) after:/before: (YYYY/MM/DD or epoch
seconds), category:primary/social/promotions/updates/forums, op:(several words),
"quoted phrases", plain words (matched in subject, body and sender) and a
leading "-" to negate any term. Terms are ANDed, as in Gmail; "a OR b" and
"{a b}" match either, "-{a b}" neither.
"""
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

TERM = re.compile(r'(-?)(?:([a-z_]+):)?("[^"]*"|\([^)]*\)|\{[^}]*\}|\S+)', re.IGNORECASE)
UNITS = {"h": 3600, "d": 86400, "m": 31 * 86400, "y": 366 * 86400}
OPEN_ONLY_WHEN_ASKED = {"TRASH", "SPAM"}  # Gmail hides these unless the query names them
CATEGORIES = {"primary": "CATEGORY_PERSONAL", "social": "CATEGORY_SOCIAL", "promotions": "CATEGORY_PROMOTIONS",
              "updates": "CATEGORY_UPDATES", "forums": "CATEGORY_FORUMS"}


@dataclass
class Searchable:
    """What one message offers to a query, lower-cased once."""

    sender: str
    recipients: dict  # {"to": ..., "cc": ..., "bcc": ...}
    subject: str
    text: str
    labels: set
    label_names: set
    filenames: list = field(default_factory=list)
    internal_date: int = 0  # ms since the epoch


@dataclass
class Term:
    negate: bool
    op: str
    value: str


def parse(query: str) -> list[list[Term]]:
    """The query as groups that must all hold; a group holds when any of its terms does."""
    groups: list[list[Term]] = []
    join_next = False
    for neg, op, value in TERM.findall(query or ""):
        if value == "OR" and not neg and not op and groups:
            join_next = True
            continue
        first, *rest = _groups(neg == "-", (op or "").lower(), value)
        if join_next:
            groups[-1] += first
        else:
            groups.append(first)
        groups += rest
        join_next = False
    return groups


def _groups(negate: bool, op: str, value: str) -> list[list[Term]]:
    if value.startswith("{"):  # {a b}: any of them; -{a b}: none of them
        inner = [term for group in parse(value[1:-1]) for term in group]
        if negate:
            return [[Term(not term.negate, term.op, term.value)] for term in inner]
        return [inner]
    if value.startswith("("):  # subject:(q3 report): each word in the subject
        return [[Term(negate, op, word.lower())] for word in value[1:-1].split()] or [[Term(negate, op, "")]]
    return [[Term(negate, op, value.strip('"').lower())]]


def opens_hidden_folders(groups: list[list[Term]]) -> bool:
    return any(t.op == "in" and t.value in ("trash", "spam", "anywhere") and not t.negate for g in groups for t in g)


def matches(groups: list[list[Term]], item: Searchable, tz: str = "UTC", include_hidden: bool = False) -> bool:
    if not include_hidden and not opens_hidden_folders(groups) and item.labels & OPEN_ONLY_WHEN_ASKED:
        return False
    return all(any(_holds(term, item, tz) != term.negate for term in group) for group in groups)


def _holds(term: Term, item: Searchable, tz: str) -> bool:
    op, value = term.op, term.value
    if op == "from":
        return value in item.sender
    if op in ("to", "cc", "bcc"):
        fields = item.recipients.values() if op == "to" else [item.recipients.get(op, "")]
        return any(value in f for f in fields)
    if op == "subject":
        return value in item.subject
    if op == "has":
        return bool(item.filenames) if value == "attachment" else value.upper() in item.labels
    if op == "is":
        return _is(value, item.labels)
    if op == "in":
        # Gmail's own name for the DRAFT label in searches is "drafts" (in:drafts).
        return value == "anywhere" or _label_named("draft" if value == "drafts" else value, item)
    if op == "label":
        return _label_named(value, item)
    if op == "category":
        return _category(value, item.labels)
    if op == "filename":
        return any(value in name for name in item.filenames)
    if op in ("newer_than", "older_than"):
        return _relative(op, value, item.internal_date)
    if op in ("after", "before"):
        return _absolute(op, value, item.internal_date, tz)
    words = f"{op}:{value}" if op else value
    return words in item.subject or words in item.text or words in item.sender


def _is(value: str, labels: set) -> bool:
    if value == "read":
        return "UNREAD" not in labels
    return value.upper() in labels


def _category(value: str, labels: set) -> bool:
    # Mail Gmail has not sorted into a tab shows under Primary.
    if value == "primary":
        return not any(l.startswith("CATEGORY_") and l != CATEGORIES["primary"] for l in labels)
    return CATEGORIES.get(value) in labels


def _label_named(value: str, item: Searchable) -> bool:
    # Gmail lets "-" stand for a space or "/" in label names: label:client-projects
    wanted = {value, value.replace("-", " "), value.replace("-", "/")}
    return bool(wanted & item.label_names) or value.upper() in item.labels


def _relative(op: str, value: str, internal_date: int) -> bool:
    match = re.fullmatch(r"(\d+)([hdmy])", value)
    if not match:
        return False
    cutoff = (time.time() - int(match[1]) * UNITS[match[2]]) * 1000
    return internal_date >= cutoff if op == "newer_than" else internal_date < cutoff


def _absolute(op: str, value: str, internal_date: int, tz: str) -> bool:
    if value.isdigit():
        moment = int(value) * 1000
    else:
        try:
            day = datetime.strptime(value.replace("-", "/"), "%Y/%m/%d").replace(tzinfo=ZoneInfo(tz))
        except ValueError:
            return False
        moment = day.timestamp() * 1000
    return internal_date >= moment if op == "after" else internal_date < moment
