"""Money is an integer count of minor units (cents) everywhere; this module is the only place that
converts between that and what a person reads or types. Never floats."""
import re
from decimal import Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
MINOR_DIGITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}


# Amounts come from forms and query strings, so they are bounded before any arithmetic: Decimal would
# accept "1e999990", and turning that into an integer burns half a minute of CPU (or, past the
# exponent limit, raises decimal.Overflow). A person types plain decimal notation, so that is all we read.
MAX_AMOUNT_TEXT = 64  # characters as typed, spaces, symbol and thousands commas included
MAX_WHOLE_DIGITS = 15  # far above any price, and the minor units still fit a 64-bit integer
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # ASCII digits, no exponent


class InvalidAmount(ValueError):
    pass


def _digits(currency):
    return MINOR_DIGITS.get(currency.upper(), 2)


def currency_symbol(currency="USD"):
    """"$" for USD; the code and a space ("CHF ") for a currency without a symbol here."""
    return SYMBOLS.get(currency.upper(), currency.upper() + " ")


def format_money(minor, currency="USD", whole_if_round=False):
    """1999, "USD" -> "$19.99"; negative amounts keep the sign in front of the symbol. With
    whole_if_round, 2500 -> "$25" (labels such as price ranges), 2549 still "$25.49"."""
    digits = _digits(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(int(minor)), 10**digits)
    text = f"{whole:,}"
    if digits and not (whole_if_round and fraction == 0):
        text += f".{fraction:0{digits}d}"
    return f"{sign}{currency_symbol(currency)}{text}"


def parse_money(text, currency="USD"):
    """"19.99" -> 1999. Accepts an optional symbol and thousands commas; refuses more precision than
    the currency has, so "1.999" is an error rather than a silent rounding. Anything that is not a plain
    decimal of at most MAX_WHOLE_DIGITS whole digits is refused before it is turned into a number."""
    text = str(text)
    if len(text) > MAX_AMOUNT_TEXT:
        raise InvalidAmount(f"{text[:20]!r}… is too long to be an amount")
    cleaned = text.strip().replace(",", "")
    for symbol in SYMBOLS.values():
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    if not PLAIN_DECIMAL.fullmatch(cleaned):
        raise InvalidAmount(f"{text!r} is not an amount")
    whole, _, fraction = cleaned.lstrip("+-").partition(".")
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise InvalidAmount(f"{text!r} is too large to be an amount")
    if len(fraction.rstrip("0")) > _digits(currency):
        raise InvalidAmount(f"{text!r} has more decimal places than {currency} allows")
    return int(Decimal(cleaned).scaleb(_digits(currency)))  # exact: the scaled value is whole


def to_decimal(minor, currency="USD"):
    return Decimal(int(minor)).scaleb(-_digits(currency))
