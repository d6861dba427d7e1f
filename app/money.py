"""Money is an integer count of minor units (cents) everywhere; this module is the only place that
converts between that and what a person reads or types. Never floats."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
MINOR_DIGITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}


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
    the currency has, so "1.999" is an error rather than a silent rounding."""
    cleaned = str(text).strip().replace(",", "")
    for symbol in SYMBOLS.values():
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidAmount(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise InvalidAmount(f"{text!r} is not an amount")
    scaled = value.scaleb(_digits(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{text!r} has more decimal places than {currency} allows")
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def to_decimal(minor, currency="USD"):
    return Decimal(int(minor)).scaleb(-_digits(currency))
