"""How Google Sheets reads a cell typed in (or imported from CSV), for sheets_append and drive_create_file.

A formula (=...) can fetch a web address when the sheet opens (IMPORTDATA, IMAGE) and so carry the
sheet's data out of the workspace: writing one asks first. Sheets also reads text starting with
+, - or @ as a formula ("+33 6 12 34 56 78" becomes #ERROR!, "+IMPORTDATA(...)" a formula), and
digits as a number, which holds no leading zero (a ZIP code's 02134 becomes 2134) and only 15
significant digits (a 16-digit card or account number is rounded).
"""
import re

Cell = str | float
# A number or an amount as typed: -45, +5, -4,500.50, -12.5%, -$1,200.00, -450 €, -1.200,50. Not
# +33 6 12 34 56 78, which Sheets would read as a formula (and show as #ERROR!).
AMOUNT = re.compile(r"[+-]?[$€£¥]?\s*(\d+|\d{1,3}([,.]\d{3})+)([.,]\d+)?\s*[$€£¥%]?")


def formulas(rows: list[list[Cell]], imported: bool = False) -> list[str]:
    """The cells Sheets will make formulas: those written as one and, in a CSV import (which enters
    text as it is, without the apostrophe sheets_append adds), those it reads as one."""
    return [cell for row in rows for cell in row
            if isinstance(cell, str) and (cell.lstrip().startswith("=") or imported and read_as_formula(cell))]


# Digits Sheets would make a number that loses some: a leading zero, or more than 15 of them.
DIGITS_LOST = re.compile(r"[+-]?(0\d[\d,]*|(\d,?){16,})(\.\d*)?")


def read_as_formula(cell: Cell) -> bool:
    """Text Sheets would take for a formula though not written as one (=): +, - or @ followed by
    anything but a number or an amount (a negative amount must stay a number that SUM adds)."""
    return isinstance(cell, str) and cell.lstrip()[:1] in ("+", "-", "@") and not AMOUNT.fullmatch(cell.strip())


def read_as_lossy_number(cell: Cell) -> bool:
    """Text Sheets would turn into a number that no longer says what the text said: 02134, 0612345678,
    1234567890123456789 (IDs, codes and phone numbers are text, though written in digits)."""
    return isinstance(cell, str) and DIGITS_LOST.fullmatch(cell.strip()) is not None
