"""The Drive query language (files.list `q`), parsed into a predicate over file records.

Grammar (the subset people and the tools use):

    query   := or
    or      := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | "(" or ")" | term
    term    := value "in" field          'ID' in parents, 'me' in owners
             | field op value            name contains 'Q3', modifiedTime > '2026-01-01'
             | "sharedWithMe"            a bare boolean term

A predicate is `pred(file, ctx) -> bool`; `ctx` gives what a term needs from
the state beyond the record (the root folder's id, the file's text).
"""
import operator
import re
from datetime import datetime, timezone

from app.sandbox.routing import ApiError

TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<op>!=|<=|>=|[=<>()])|(?P<word>[A-Za-z_][\w.]*|-?\d+))")
TIME_FIELDS = {"modifiedTime", "createdTime", "viewedByMeTime"}
BOOL_FIELDS = {"trashed", "starred"}
TEXT_FIELDS = {"name", "fullText", "mimeType"}
LIST_FIELDS = {"parents", "owners", "writers", "readers"}
COMPARISONS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def parse(query: str):
    """A predicate for `query`; raises ApiError 400 "Invalid Value" like Drive on bad syntax."""
    tokens = _tokenize(query)
    if not tokens:
        return lambda file, ctx: True
    parser = _Parser(tokens, query)
    predicate = parser.parse_or()
    if parser.position != len(tokens):
        parser.fail()
    return predicate


def _tokenize(query: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    query = query.rstrip()
    while position < len(query):
        match = TOKEN.match(query, position)
        if not match:
            raise _invalid(query)
        kind = match.lastgroup
        text = match.group(kind)
        if kind == "string":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        tokens.append((kind, text))
        position = match.end()
    return tokens


def _invalid(query: str) -> ApiError:
    return ApiError(400, f"Invalid Value: q={query!r}", "invalid")


class _Parser:
    def __init__(self, tokens, query):
        self.tokens = tokens
        self.query = query
        self.position = 0

    def fail(self):
        raise _invalid(self.query)

    def peek(self, offset=0):
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self, kind=None, text=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (text and token[1] != text):
            self.fail()
        self.position += 1
        return token[1]

    def at_word(self, word):
        kind, text = self.peek()
        return kind == "word" and text.lower() == word

    def parse_or(self):
        return self._joined("or", self.parse_and, any)

    def parse_and(self):
        return self._joined("and", self.parse_unary, all)

    def _joined(self, word, parse_operand, combine):
        terms = [parse_operand()]
        while self.at_word(word):
            self.position += 1
            terms.append(parse_operand())
        return terms[0] if len(terms) == 1 else (lambda f, c: combine(t(f, c) for t in terms))

    def parse_unary(self):
        if self.at_word("not"):
            self.position += 1
            inner = self.parse_unary()
            return lambda f, c: not inner(f, c)
        if self.peek() == ("op", "("):
            self.position += 1
            inner = self.parse_or()
            self.take("op", ")")
            return inner
        return self.parse_term()

    def parse_term(self):
        kind, text = self.peek()
        if kind == "string" and self.peek(1) == ("word", "in"):
            self.position += 2
            return _membership(text, self.take("word"), self)
        if kind == "word" and text == "sharedWithMe":
            self.position += 1
            return lambda f, c: bool(f.get("sharedWithMe"))
        field = self.take("word")
        op = self.take("word") if self.at_word("contains") else self.take("op")
        value_kind, value = self.peek()
        if value_kind not in ("string", "word"):
            self.fail()
        self.position += 1
        return _comparison(field, op, value, self)


def _membership(value: str, field: str, parser: _Parser):
    if field not in LIST_FIELDS:
        parser.fail()
    if field == "parents":
        return lambda f, c: c.resolve_folder(value) in f.get("parents", [])
    return lambda f, c: c.has_role(f, value, field)


def _comparison(field: str, op: str, value: str, parser: _Parser):
    if field in BOOL_FIELDS:
        if op not in ("=", "!=") or value not in ("true", "false"):
            parser.fail()
        wanted = (value == "true") == (op == "=")
        return lambda f, c: bool(f.get(field)) == wanted
    if field in TIME_FIELDS:
        moment = _time(value, parser)
        if op not in COMPARISONS:
            parser.fail()
        return lambda f, c: bool(f.get(field)) and COMPARISONS[op](_time(f[field], parser), moment)
    if field in TEXT_FIELDS:
        return _text_comparison(field, op, value, parser)
    parser.fail()


def _text_comparison(field: str, op: str, value: str, parser: _Parser):
    if op == "contains":
        if field == "mimeType":
            return lambda f, c: value in f.get("mimeType", "")
        # Drive matches whole words by prefix: 'plan' finds "Q3 planning", 'anning' does not.
        pattern = re.compile(r"(?<!\w)" + re.escape(value), re.IGNORECASE)
        if field == "fullText":
            return lambda f, c: bool(pattern.search(f.get("name", "")) or pattern.search(c.full_text(f)))
        return lambda f, c: bool(pattern.search(f.get("name", "")))
    if field == "fullText" or op not in ("=", "!="):
        parser.fail()
    return lambda f, c: (f.get(field) == value) == (op == "=")


def _time(value: str, parser: _Parser) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parser.fail()
    # Drive reads a time without an offset as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
