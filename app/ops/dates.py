"""Dates typed into admin forms and query strings."""
from datetime import date

# A date near the ends of the calendar overflows as soon as a day is added to it or taken from it
# (the day after 9999-12-31 does not exist); no order or event of this shop lies outside these.
EARLIEST, LATEST = date(2000, 1, 1), date(9998, 12, 31)


def parse_day(text):
    """A YYYY-MM-DD date between 2000 and 9998; ValueError for anything else."""
    day = date.fromisoformat(text.strip())
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{text!r} is outside {EARLIEST.year}–{LATEST.year}")
    return day
