import pytest

from app.money import InvalidAmount, format_money, parse_money


@pytest.mark.parametrize("minor, text", [(0, "$0.00"), (1999, "$19.99"), (123456789, "$1,234,567.89"), (-5, "-$0.05")])
def test_format(minor, text):
    assert format_money(minor, "USD") == text


def test_format_other_currencies():
    assert format_money(1000, "EUR") == "€10.00"
    assert format_money(1000, "JPY") == "JPY 1,000"  # no minor digits, no symbol on file


@pytest.mark.parametrize("text, minor", [("19.99", 1999), ("$1,000", 100000), (" 0.5 ", 50), ("7", 700)])
def test_parse(text, minor):
    assert parse_money(text) == minor


@pytest.mark.parametrize("text", ["", "abc", "1.999", "NaN", "Infinity", "1e400x"])
def test_parse_refuses(text):
    with pytest.raises(InvalidAmount):
        parse_money(text)
