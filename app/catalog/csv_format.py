"""The product CSV's shape, shared by the import and the export so that an export imports unchanged.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, which can
leak data or run commands on the machine of whoever opens an export ("CSV injection"). Exports prefix
such cells with an apostrophe, which spreadsheets show as text; the import removes exactly one leading
apostrophe before such a character, so the round trip gives the original text back. A cell that already
starts with apostrophes before such a character gets one more, so the rule stays reversible.
"""
import re

PRODUCT_COLUMNS = ("sku", "name", "slug", "brand", "category", "description", "price", "stock", "active", "featured")
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})


def escape_cell(value):
    """A value as written to an exported cell (numbers pass unchanged: they never start with a sign)."""
    text = "" if value is None else str(value)
    return "'" + text if FORMULA_START.match(text) else text


def unescape_cell(text):
    return text[1:] if ESCAPED_FORMULA.match(text) else text


def format_flag(value):
    return "yes" if value else "no"


def parse_flag(text):
    """True/False from yes/no, y/n, true/false, 1/0 (any case), or None when it is none of them."""
    word = text.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
