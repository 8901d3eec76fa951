"""Gmail's search syntax, the subset people and models actually type.

Supported: from: to: cc: bcc: subject: label: filename: has:attachment
is:unread/read/starred/important in:inbox/sent/trash/spam/drafts/anywhere
newer_than:/older_than: (d, m, y, h) after:/before: (YYYY/MM/DD or epoch
seconds), op:(several words), "quoted phrases", plain words (matched in subject, body and
sender) and a leading "-" to negate any term. Terms are ANDed, as in Gmail.
"""
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

TERM = re.compile(r'(-?)(?:([a-z_]+):)?("[^"]*"|\([^)]*\)|\S+)', re.IGNORECASE)
UNITS = {"h": 3600, "d": 86400, "m": 31 * 86400, "y": 366 * 86400}
OPEN_ONLY_WHEN_ASKED = {"TRASH", "SPAM"}  # Gmail hides these unless the query names them


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


def parse(query: str) -> list[Term]:
    terms = []
    for neg, op, value in TERM.findall(query or ""):
        # subject:(q3 report) means each word in the subject
        words = value[1:-1].split() if value.startswith("(") else [value.strip('"')]
        terms += [Term(neg == "-", (op or "").lower(), word.lower()) for word in words]
    return terms


def opens_hidden_folders(terms: list[Term]) -> bool:
    return any(t.op == "in" and t.value in ("trash", "spam", "anywhere") and not t.negate for t in terms)


def matches(terms: list[Term], item: Searchable, tz: str = "UTC", include_hidden: bool = False) -> bool:
    if not include_hidden and not opens_hidden_folders(terms) and item.labels & OPEN_ONLY_WHEN_ASKED:
        return False
    return all(_holds(term, item, tz) != term.negate for term in terms)


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
        return value == "anywhere" or _label_named(value, item)
    if op == "label":
        return _label_named(value, item)
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
