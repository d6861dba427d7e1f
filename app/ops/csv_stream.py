"""Writing CSV downloads row by row (a generator for a streamed response: the file is never whole in
memory), with every cell guarded against CSV injection.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, which can
leak data or run commands on the machine of whoever opens the file. Such cells get an apostrophe in
front, which spreadsheets show as text. A cell that already starts with apostrophes before such a
character gets one more, so app.catalog.csv_format.unescape_cell can undo it exactly on import.
"""
import csv
import io
import re

FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if FORMULA_START.match(text) else text


def csv_lines(rows):
    """Yield each row (an iterable of values) as one CSV line of text, cells escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
