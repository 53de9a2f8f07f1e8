"""orders/sales_recount.py: the sales and co-purchase counters set to what the purchases table says."""

from catalog.models import BookSales, CoPurchase
from catalog.sales import sales_counter_set
from orders.lifecycle import purchase_cancel
from orders.sales_recount import sales_recount


def _units(tenant_id: str, book_id: str) -> int:
    return int(BookSales.get(f"{tenant_id}#{book_id}", BookSales.SORT_KEY, consistent_read=True).units_sold)


def test_counters_the_stream_never_moved_are_set_from_the_purchases_and_a_rerun_changes_nothing(
    customer, book_factory, placed_order
):
    first, second, third = book_factory(), book_factory(), book_factory()
    placed_order(customer, first, second, quantity=2)
    cancelled = placed_order(customer, third)
    purchase_cancel(tenant_id=customer.tenant_id, user_id=customer.user_id, purchase_id=cancelled.purchase_id)
    # A counter for a purchase the tables do not hold (a restore lost it): back to what they say.
    sales_counter_set(tenant_id=customer.tenant_id, book_id=third.book_id, category="Novel", units=5, seen=None)

    result = sales_recount(tenant_id=customer.tenant_id)

    assert result.purchases == 2
    assert (_units(customer.tenant_id, first.book_id), _units(customer.tenant_id, second.book_id)) == (2, 2)
    assert _units(customer.tenant_id, third.book_id) == 0
    pairs = {(c.pk.split("#", 1)[1], c.partner_id, int(c.times)) for c in CoPurchase.scan()}
    assert pairs == {(first.book_id, second.book_id, 1), (second.book_id, first.book_id, 1)}
    assert sales_recount(tenant_id=customer.tenant_id).changes == []


def test_a_dry_run_reports_and_writes_nothing(customer, book, placed_order):
    placed_order(customer, book)

    result = sales_recount(tenant_id=customer.tenant_id, dry_run=True)

    assert [(c.kind, c.before, c.after) for c in result.changes] == [("sales", 0, 1)]
    assert list(BookSales.scan()) == []


def test_the_command_recounts_every_tenant(customer, book, placed_order):
    from io import StringIO

    from django.core.management import call_command

    placed_order(customer, book)
    out = StringIO()

    call_command("recount_sales", all=True, stdout=out)

    assert f"sales {book.book_id}: 0 → 1" in out.getvalue()
    assert _units(customer.tenant_id, book.book_id) == 1
