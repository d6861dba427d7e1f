import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("text", ["", "abc", "1.999", "NaN", "Infinity", "1e400x", "1e3", "1_000", "١٢", ".",
                                  "9" * 16, "1" * 65])
def test_parse_refuses(text):
    with pytest.raises(InvalidAmount):
        parse_money(text)


# --- properties (Hypothesis) ----------------------------------------------------------------------------
# The probe's inputs: a huge exponent took 31.6 s of CPU in int(), past the exponent limit it raised
# decimal.Overflow (a 500).
PROBES = ["1e999990", "9e999998", "1e999999", "1e300000", "-1e999999", "1E+999999", "0e999999999"]
AMOUNT_LIKE = st.from_regex(r"\A[ $€£+-]{0,2}[0-9,]{0,30}(\.[0-9]{0,8})?([eE][+-]?[0-9]{1,9})?[ ]?\Z")


def best_of_three(function, *args):
    """Seconds taken by the fastest of three calls. A bound on the work done, not a benchmark: one call
    may be slowed by a GC pause or a busy core, never all three."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        try:
            function(*args)
        except InvalidAmount:
            pass
        times.append(time.perf_counter() - started)
    return min(times)


@settings(max_examples=300, deadline=None)
@given(st.one_of(AMOUNT_LIKE, st.text(max_size=200)))
@example("1e999990")
@example("9e999998")
@example("1e300000")
def test_parse_money_answers_any_text_at_once(text):
    try:
        minor = parse_money(text)
    except InvalidAmount:
        pass  # the only refusal: callers turn it into a notice or a form error
    else:
        assert isinstance(minor, int) and abs(minor) < 10 ** 17  # at most 15 whole digits
    assert best_of_three(parse_money, text) < 0.005


@pytest.mark.parametrize("text", PROBES)
def test_huge_exponents_are_refused_at_once(text):
    with pytest.raises(InvalidAmount):
        parse_money(text)
    assert best_of_three(parse_money, text) < 0.005


@given(st.integers(min_value=-(10 ** 17) + 1, max_value=10 ** 17 - 1))
def test_what_format_money_writes_parse_money_reads(minor):
    assert parse_money(format_money(minor)) == minor
