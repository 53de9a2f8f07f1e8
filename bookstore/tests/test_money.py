"""Money rounding (bookstore/money.py): whole cents, half a cent up."""

from decimal import Decimal

import pytest

from bookstore.money import ZERO, average_amount, to_cents


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("0.124", "0.12"),
        ("7.5", "7.50"),
        (3, "3.00"),
        (Decimal("19.99"), "19.99"),
    ],
)
def test_to_cents_rounds_half_up(amount, cents):
    assert str(to_cents(amount)) == cents


def test_average_amount_is_in_cents_and_zero_for_nothing():
    assert average_amount(Decimal("10.00"), 3) == Decimal("3.33")
    assert average_amount(Decimal("0.25"), 2) == Decimal("0.13")
    assert average_amount(Decimal("0.00"), 0) == ZERO
