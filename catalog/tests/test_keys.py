"""catalog/keys.py: folded names and sort keys that order like the values they encode."""

from datetime import UTC, datetime
from decimal import Decimal

from catalog import keys


def test_fold_ignores_case_accents_and_spacing():
    assert keys.fold("  Gabriel  García MÁRQUEZ ") == "gabriel garcia marquez"


def test_price_keys_sort_numerically_and_bounds_include_the_limits():
    prices = [Decimal("9.99"), Decimal("10.00"), Decimal("100.50"), Decimal("1000")]
    assert sorted(prices, key=lambda p: keys.price_key(p, "id")) == prices
    key = keys.price_key(Decimal("10.00"), "ffffffff-ffff-ffff-ffff-ffffffffffff")
    assert keys.price_floor(Decimal("10.00")) <= key <= keys.price_ceiling(Decimal("10.00"))
    assert key < keys.price_floor(Decimal("10.01"))


def test_listed_at_is_fixed_width_so_it_sorts_by_time():
    whole_second = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = datetime(2024, 1, 1, 12, 0, 0, 500, tzinfo=UTC)
    assert keys.listed_at(whole_second, "a") < keys.listed_at(later, "a")
