"""A spreadsheet cell as the person sees it: 12.5% rather than 0.125, €4,200.00 rather than 4200.

An .xlsx stores numbers and how to show them (the cell's number format) apart.
Read raw, a percentage would be off by a hundred and a price would lose its
currency. This renders the parts of Excel's number formats that change what a
number means or reads as: percent, decimals, thousands separators, currency
and other literal text around the number, the negative section, and dates.
Anything rarer (scientific, fractions) is shown as the plain number.

Standard library only: it runs in the file reading process (app.tools.reader_process).
"""
import datetime
import decimal
import re

# One token of a format section: quoted text, [$€-407] (a currency), [Red] and the like, an
# escaped character, padding and fill (_x, *x), a run of number placeholders, or any other character.
TOKEN = re.compile(r'"([^"]*)"|\[\$([^\]-]*)[^\]]*\]|\[[^\]]*\]|\\(.)|[_*].|([0#?.,]+)|(.)')


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
    if not isinstance(value, (int, float)):
        return str(value)
    return _number(value, number_format or "General")


def _number(value: float, number_format: str) -> str:
    sections = number_format.split(";")
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1]:
        section, value = sections[1], -value  # its own sign, e.g. (1,200.00)
    elif value == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    if section.strip().lower() == "general" or re.search(r"[eE][+-]|\?/|@", section):
        return _plain(value)
    prefix, suffix, placeholders, percent = "", "", "", False
    for quoted, currency, escaped, digits, other in TOKEN.findall(section):
        if digits:
            placeholders += digits
            continue
        if other == "%":
            percent = True
        literal = quoted or currency or escaped or other
        if placeholders:
            suffix += literal
        else:
            prefix += literal
    if not placeholders:
        return prefix or _plain(value)  # e.g. "-" for zero
    decimals = len(re.sub(r"[^0#?]", "", placeholders.split(".", 1)[1])) if "." in placeholders else 0
    try:
        # Spreadsheets round halves away from zero: 12.5% with no decimals is 13%.
        number = (decimal.Decimal(repr(value)) * (100 if percent else 1)).quantize(
            decimal.Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP)
    except decimal.InvalidOperation:  # infinite, or more digits than decimal's 28
        return _plain(value)
    grouping = "," if "," in placeholders.split(".", 1)[0] else ""
    return f"{prefix}{number:{grouping}f}{suffix}"


def _plain(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:.15g}" if isinstance(value, float) else str(value)
