"""Money: amounts are Decimal (never float), kept in whole cents, and half a cent rounds up.

Every amount the API or the data lake computes (a line's subtotal, a cart's total, an
average order value, a lake row's price) is rounded here, so the purchases summary and the
analytics reports round the same way.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal | int | str) -> Decimal:
    """`amount` in whole cents; half a cent rounds up (0.125 → 0.13)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def average_amount(total: Decimal, count: int) -> Decimal:
    """The mean of `count` amounts that add up to `total`, in cents; zero when there are none."""
    return to_cents(total / count) if count else ZERO
