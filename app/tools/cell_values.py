"""A spreadsheet cell as the person sees it: 12.5% rather than 0.125, €4,200.00 rather than 4200.

An .xlsx stores numbers and how to show them (the cell's number format) apart.
Read raw, a percentage would be off by a hundred and a price would lose its
currency. This renders the parts of Excel's number formats that change what a
number means or reads as: percent, decimals, thousands separators and scaling
(0.0,,"M" shows millions), zero padding (00000 for a ZIP code), digits spread
over literal text (a phone number's (000) 000-0000), currency and other
literal text around the number, the negative and zero sections, and dates.
Anything rarer (scientific, fractions, conditions, a date format on a plain
number) is shown as the plain number: never a garbled or sign-flipped one.

Standard library only: it runs in the file reading process (app.tools.reader_process).
"""
import datetime
import decimal
import re

# One token of a format section: quoted text, [$€-407] (a currency), [Red] and the like, an
# escaped character, a space's width (_x), a fill (*x), a run of number placeholders, or any other character.
TOKEN = re.compile(r'"([^"]*)"|\[\$([^\]-]*)[^\]]*\]|\[[^\]]*\]|\\(.)|_.|\*(.)|([0#?.,]+)|(.)')
# Shown as the plain number: scientific, fractions, text, conditions ([>=1000]); and date and time codes.
RARE = re.compile(r"[eE][+-]|\?/|@|\[[<>=]")
DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)
# A run of placeholders: integer digits, then commas that each divide by a thousand, then decimals and more such commas.
PLACEHOLDERS = re.compile(r"(?P<integer>[#0?,]*?)(?P<scale>,*)(?:\.(?P<decimals>[#0?]*))?(?P<scaled>,*)")


def displayed(value, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    if not isinstance(value, (int, float)):
        return str(value)
    return _number(value, number_format or "General")


def _duration(value: datetime.timedelta) -> str:
    """A duration ([h]:mm) as hours and minutes: 36:00, not "1 day, 12:00:00"."""
    seconds = round(value.total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds_left = divmod(rest, 60)
    return ("-" if seconds < 0 else "") + f"{hours}:{minutes:02d}" + (f":{seconds_left:02d}" if seconds_left else "")


def _number(value: float, number_format: str) -> str:
    shown = _formatted(abs(value), value < 0, value == 0, number_format.split(";"))
    return _plain(value) if shown is None else shown


def _formatted(number: float, negative: bool, zero: bool, sections: list[str]) -> str | None:
    """The number (without its sign) in its format's section for its sign, or None for a format
    shown as the plain number."""
    section, sign = sections[0], "-" if negative else ""
    if negative and len(sections) > 1 and sections[1]:
        # Its own way to show the sign, e.g. (1,200.00); without one (0.00;[Red]0.00 shows red,
        # which text cannot), the minus is kept, or a loss would read as a gain.
        section = sections[1]
        sign = "" if re.search(r"[-(]", "".join(literal for literal, _ in _parts(section))) else "-"
    elif zero and len(sections) > 2:
        section = sections[2]
        if not section:
            return ""  # 0;-0;;@ hides zeros
    if section.strip().lower() == "general" or RARE.search(section) or DATE_CODES.search("".join(_unquoted(section))):
        return None
    parts = list(_parts(section))
    runs = [run for _, run in parts if run]
    if not runs:
        return "".join(literal for literal, _ in parts).strip() or None  # e.g. "-" for zero
    digits = _spread(number, runs) if len(runs) > 1 else _digits(number, runs[0], "%" in _unquoted(section))
    if digits is None:
        return None
    filled = iter(digits)
    return sign + "".join(next(filled) if run else literal for literal, run in parts).strip()


def _parts(section: str):
    """(literal, "") or ("", placeholders) for each token of a format section, in order."""
    for quoted, currency, escaped, fill, digits, other in TOKEN.findall(section):
        if digits:
            yield "", digits
        else:
            # A fill repeats its character across the cell: a space fill reads as one space.
            yield quoted or currency or escaped or (" " if fill == " " else "") or other, ""


def _unquoted(section: str) -> list[str]:
    return [other for *_, other in TOKEN.findall(section) if other]


def _digits(value: float, run: str, percent: bool) -> list[str] | None:
    """The number in one run of placeholders, e.g. #,##0.0,, (millions, one decimal), or None
    when the run is not one Excel could mean (#.##0,00)."""
    match = PLACEHOLDERS.fullmatch(run)
    if match is None:
        return None
    integer, decimals = match["integer"], match["decimals"] or ""
    thousands = len(match["scale"]) + len(match["scaled"])
    try:
        # Spreadsheets round halves away from zero: 12.5% with no decimals is 13%.
        number = (decimal.Decimal(repr(value)).scaleb(-3 * thousands) * (100 if percent else 1)).quantize(
            decimal.Decimal(1).scaleb(-len(decimals)), rounding=decimal.ROUND_HALF_UP)
    except decimal.InvalidOperation:  # infinite, or more digits than decimal's 28
        return None
    whole, _, fraction = f"{number:f}".partition(".")
    # Zeros are padding (00000 shows a ZIP code's 02134); # and ? show no leading zero.
    whole = whole.zfill(integer.count("0")) if whole != "0" or "0" in integer else ""
    if "," in integer:
        whole = re.sub(r"\B(?=(\d{3})+$)", ",", whole)
    required = len(decimals.rstrip("#"))  # 0.0# shows 1.5 and 1.25
    fraction = fraction[:required] + fraction[required:].rstrip("0")
    return [whole + (f".{fraction}" if fraction else "")]


def _spread(value: float, runs: list[str]) -> list[str] | None:
    """A whole number's digits spread over runs split by literal text, from the right, as
    (000) 000-0000 shows a phone number; the first run takes any digits left over."""
    if any(not re.fullmatch(r"[0#?]+", run) for run in runs):
        return None
    digits = str(round(value)).zfill(sum(run.count("0") for run in runs))
    spread = []
    for run in reversed(runs[1:]):
        digits, last = digits[:-len(run)], digits[-len(run):]
        spread.insert(0, last)
    return [digits, *spread]


def _plain(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:.15g}" if isinstance(value, float) else str(value)
