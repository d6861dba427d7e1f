"""URL converters. A path id bigger than any database id is simply not found: without a bound, werkzeug's
`int` passes 10**25 to the query, and SQLite (OverflowError) or PostgreSQL (integer out of range) fail
with a 500 instead of the 404 such an address deserves."""
from werkzeug.routing import IntegerConverter

from app.database import MAX_ID


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` limited to 0..MAX_ID unless the rule says otherwise."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app):
    app.url_map.converters["int"] = DatabaseIdConverter
