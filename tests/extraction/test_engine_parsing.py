import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extraction.engine.parsing import detect_currency, find_dates, money, parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("12,50", "12.50"),
        ("€ 399,00", "399.00"),
        ("RM 80.90", "80.90"),
        ("-3.00", "-3.00"),
        ("3.00-", "-3.00"),
        ("(15.00)", "-15.00"),
        ("1.234", "1234"),
        ("1'234.50", "1234.50"),
        ("0,5", "0.5"),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_amount(text, expected):
    got = parse_amount(text)
    assert (None if got is None else got) == (None if expected is None else Decimal(expected))


@given(st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_parse_amount_round_trips_both_conventions(value):
    us = f"{value:,.2f}"
    eu = us.replace(",", " ").replace(".", ",").replace(" ", ".")
    assert parse_amount(us) == value
    assert parse_amount(eu) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invoice date: 19 april 2014", "2014-04-19"),
        ("Rechnungsdatum 7. Mai 2014", "2014-05-07"),
        ("Date 2018-12-25", "2018-12-25"),
        ("25/12/2018", "2018-12-25"),
        ("12/30/2016", "2016-12-30"),
        ("03.04.2024", "2024-04-03"),
        ("Jan 5, 2023", "2023-01-05"),
        ("5th January 2023", "2023-01-05"),
        ("20-10-2015", "2015-10-20"),
        ("28 Mar 18 18:32", "2018-03-28"),
        ("kuupäev 01.02.23", "2023-02-01"),
        ("20041215", "2004-12-15"),
        ("no date here", None),
        ("31/02/2020", None),
    ],
)
def test_parse_date(text, expected):
    got = parse_date(text)
    assert (got.isoformat() if got else None) == expected


def test_date_order_hint_only_decides_ambiguous_dates():
    assert parse_date("03/04/2024", "MDY") == dt.date(2024, 3, 4)
    assert parse_date("03/04/2024", "DMY") == dt.date(2024, 4, 3)
    assert parse_date("13/04/2024", "MDY") == dt.date(2024, 4, 13)
    # A dotted date is European whatever the hint says.
    assert parse_date("03.04.2024", "MDY") == dt.date(2024, 4, 3)
    found = find_dates("13/04/2024 and 03/04/2024")
    assert [f[3] for f in found] == [True, False]


def test_detect_currency():
    assert detect_currency("Totaal € 717,97") == "EUR"
    assert detect_currency("Total EUR 34,73") == "EUR"
    assert detect_currency("Grand Total Rs. 319") == "INR"
    assert detect_currency("TOTAL RM 80.90") == "MYR"
    assert detect_currency("Total 12.00") is None


def test_money_rounds_half_up():
    assert money(Decimal("67.225")) == "67.23"
    assert money(Decimal("5")) == "5.00"
