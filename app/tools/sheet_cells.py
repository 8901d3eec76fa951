"""How Google Sheets reads a cell typed in (or imported from CSV), for sheets_append and drive_create_file.

A formula (=...) can fetch a web address when the sheet opens (IMPORTDATA, IMAGE) and so carry the
sheet's data out of the workspace: writing one asks first. Sheets also reads text starting with
+, - or @ as a formula ("+33 6 12 34 56 78" becomes #ERROR!, "+IMPORTDATA(...)" a formula).
"""
import re

Cell = str | float
NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?%?")  # -45, +5, -4,500.50, -12.5%; not +33 6 12 34 56 78


def formulas(rows: list[list[Cell]], imported: bool = False) -> list[str]:
    """The cells Sheets will make formulas: those written as one and, in a CSV import (which enters
    text as it is, without the apostrophe sheets_append adds), those it reads as one."""
    return [cell for row in rows for cell in row
            if isinstance(cell, str) and (cell.lstrip().startswith("=") or imported and read_as_formula(cell))]


def read_as_formula(cell: Cell) -> bool:
    """Text Sheets would take for a formula though not written as one (=)."""
    return isinstance(cell, str) and cell.lstrip()[:1] in ("+", "-", "@") and not NUMBER.fullmatch(cell.strip())
