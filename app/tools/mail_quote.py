"""A reply's quote of the mail it answers, as Gmail writes one.

Under the reply (and its signature): an attribution line, "On Mon, 14 Sep 2026 at 09:30, Alice
Chen <alice@acme.example> wrote:", then the original. In text each of its lines is behind "> ";
in HTML it is Gmail's gmail_quote blockquote, which mail programs fold away. The original's
HTML is kept as its sender wrote it, except for images that were parts of it (cid:), which the
reply does not carry, and its document wrapper (head, styles), which cannot sit inside a reply.
"""
import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from app.tools import mail_mime

BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
HEAD = re.compile(r"<head\b.*?</head\s*>", re.IGNORECASE | re.DOTALL)
PART_IMAGE = re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["']?cid:[^>]*>""", re.IGNORECASE)
QUOTE_STYLE = "margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"


@dataclass
class Quote:
    attribution: str  # "On <date>, <sender> wrote:"
    text: str  # the original as plain text
    markup: str  # the original's HTML, "" when it was plain text


def quote_of(payload: dict, head: dict, tz: str) -> Quote:
    """The quote of a message (Gmail's format=full payload, its lower-cased headers), dated in `tz`."""
    return Quote(_attribution(head, tz), mail_mime.body_text(payload), mail_mime.html_source(payload))


def under_text(body: str, quote: Quote) -> str:
    lines = quote.text.splitlines() or [""]
    return f"{body}\n\n{quote.attribution}\n" + "\n".join(f"> {line}" if line else ">" for line in lines) + "\n"


def under_html(body: str, quote: Quote) -> str:
    original = _inner_html(quote.markup) if quote.markup else html.escape(quote.text).replace("\n", "<br>")
    return (f'{body}<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">{html.escape(quote.attribution)}<br></div>'
            f'<blockquote class="gmail_quote" style="{QUOTE_STYLE}">{original}</blockquote></div>')


def _attribution(head: dict, tz: str) -> str:
    sender = head.get("from", "").strip() or "someone"
    try:
        sent = parsedate_to_datetime(head.get("date", ""))
    except (TypeError, ValueError):
        sent = None
    if not isinstance(sent, datetime) or sent.tzinfo is None:
        return f"{sender} wrote:"
    local = sent.astimezone(ZoneInfo(tz))
    return f"On {local:%a}, {local.day} {local:%b %Y} at {local:%H:%M}, {sender} wrote:"


def _inner_html(markup: str) -> str:
    body = BODY.search(markup)
    inner = body[1] if body else HEAD.sub("", markup)
    return PART_IMAGE.sub("", inner)
