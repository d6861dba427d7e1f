"""The product CSV's shape, shared by the import and the export so that an export imports unchanged.

Exports escape cells that a spreadsheet would run as a formula (app/ops/csv_stream.py); the import
removes exactly one leading apostrophe before such a character, so the round trip gives the original
text back.
"""
import re

PRODUCT_COLUMNS = ("sku", "name", "slug", "brand", "category", "description", "price", "stock", "active", "featured")
ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})


def unescape_cell(text):
    return text[1:] if ESCAPED_FORMULA.match(text) else text


def format_flag(value):
    return "yes" if value else "no"


def parse_flag(text):
    """True/False from yes/no, y/n, true/false, 1/0 (any case), or None when it is none of them."""
    word = text.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
