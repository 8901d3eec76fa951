"""A reply's quote of the mail it answers, as Gmail writes one.

Under the reply (and its signature): an attribution line, "On Mon, 14 Sep 2026 at 09:30, Alice
Chen <alice@acme.example> wrote:", then the original. In text each of its lines is behind "> ";
in HTML it is Gmail's gmail_quote blockquote, which mail programs fold away. The original's HTML
goes out under the person's name, so it is first cleaned by nh3 (a well-kept HTML sanitiser):
its formatting, links, tables and web images stay; scripts, forms, its document wrapper (head,
styles) and anything that would close the quote early do not, nor images that were parts of it
(cid:), which the reply does not carry.
"""
import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3

from app.tools import mail_mime

QUOTED_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "*": {*nh3.ALLOWED_ATTRIBUTES.get("*", ()), "style", "dir"}}
DROPPED_WITH_CONTENT = {"script", "style", "head", "title"}
SOURCELESS_IMAGE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
QUOTE_STYLE = "margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"


@dataclass
class Quote:
    attribution: str  # "On <date>, <sender> wrote:"
    text: str  # the original as plain text
    markup: str  # the original's HTML, "" when it was plain text


def quote_of(payload: dict, head: dict, tz: str) -> Quote:
    """The quote of a message (Gmail's format=full payload, its lower-cased headers), dated in `tz`."""
    return Quote(attribution(head, tz), mail_mime.body_text(payload, plain=True), mail_mime.html_source(payload))


def under_text(body: str, quote: Quote) -> str:
    lines = quote.text.splitlines() or [""]
    return f"{body}\n\n{quote.attribution}\n" + "\n".join(f"> {line}" if line else ">" for line in lines) + "\n"


def under_html(body: str, quote: Quote) -> str:
    original = _clean(quote.markup) if quote.markup else html.escape(quote.text).replace("\n", "<br>")
    return (f'{body}<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">{html.escape(quote.attribution)}<br></div>'
            f'<blockquote class="gmail_quote" style="{QUOTE_STYLE}">{original}</blockquote></div>')


def attribution(head: dict, tz: str) -> str:
    """The line above the quote, dated in `tz`, from the original's lower-cased headers."""
    sender = head.get("from", "").strip() or "someone"
    try:
        sent = parsedate_to_datetime(head.get("date", ""))
        # The sender writes the Date header: one beyond the calendar (year 9999, -1200) must not stop the reply.
        local = sent.astimezone(ZoneInfo(tz)) if isinstance(sent, datetime) and sent.tzinfo else None
    except (TypeError, ValueError, OverflowError, ZoneInfoNotFoundError):
        local = None
    if local is None:
        return f"{sender} wrote:"
    return f"On {local:%a}, {local.day} {local:%b %Y} at {local:%H:%M}, {sender} wrote:"


def _clean(markup: str) -> str:
    cleaned = nh3.clean(markup, attributes=QUOTED_ATTRIBUTES, clean_content_tags=DROPPED_WITH_CONTENT)
    # nh3 drops a cid: source (not a web address) and leaves the image empty: it goes too. Its
    # output is well-formed, every tag closed by the next ">", so this scan stays linear.
    return SOURCELESS_IMAGE.sub("", cleaned).strip()
