"""Text that goes into names and spreadsheets: control characters dropped, formulas neutralised."""

import re

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode direction overrides (which reorder what
# a reader sees): nothing a person types on purpose into a name.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A cell starting with one of these is a formula to Excel, LibreOffice and WPS (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def without_controls(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value) if value else value


def one_line(value: str) -> str:
    """A name or an address: no control characters, no line breaks, single spaces."""
    return " ".join(without_controls(value or "").split())


def spreadsheet_cell(value):
    """A text cell for CSV or Excel: no control characters, and a leading = + - @ made literal with a quote."""
    if not isinstance(value, str):
        return value
    text = without_controls(value).replace("\t", " ")
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[\s\-\.·_/()（）—–]+(?=[0-9Xx])")


def comparable(value: str) -> str:
    """Text as the privacy guard compares it: full-width forms folded (１３８ is 138, Ｘ is X; NFKC), case folded,
    and the spaces, dashes and dots people put between digits removed (138 0013 8000 is 13800138000)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value or "").casefold()
    return _BETWEEN_DIGITS.sub("", text)


def mentions(text: str, value: str) -> bool:
    """Does `text` contain `value` however it is spaced or written (full-width digits, spaces in a name)?"""
    needle = "".join(comparable(value).split())
    if not needle:
        return False
    haystack = comparable(text)
    return needle in haystack or needle in "".join(haystack.split())
