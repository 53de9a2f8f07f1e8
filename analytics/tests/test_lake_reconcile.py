"""analytics/lake_reconcile.py: the lake's purchase rows made to say what the purchases table says."""

from datetime import UTC, datetime

from analytics.lake import write_rows
from analytics.lake_reconcile import lake_reconcile
from orders.lifecycle import purchase_cancel


def _keys(rows: list[dict]) -> set[tuple]:
    return {(row["purchase_id"], row["line"], row["event_type"]) for row in rows}


def test_rows_of_purchases_the_tables_lack_go_and_missing_ones_come(
    customer, book_factory, placed_order, lake_dir, lake_rows
):
    first, second = book_factory(), book_factory()
    kept = placed_order(customer, first, second)
    cancelled = placed_order(customer, first)
    purchase_cancel(tenant_id=customer.tenant_id, user_id=customer.user_id, purchase_id=cancelled.purchase_id)
    # The lake holds a purchase the tables do not (a crash rolled the tables back before it).
    ghost = {
        "tenant_id": customer.tenant_id, "purchase_id": "ghost", "line": 1, "event_type": "purchased",
        "event_time": datetime.now(UTC), "user_id": customer.user_id, "book_id": first.book_id, "title": "t",
        "category": "c", "author": "a", "quantity": 1, "unit_price": 100, "subtotal": 100, "total_amount": 100,
        "payment_method": "card", "status": "paid", "created_at": datetime.now(UTC),
    }  # fmt: skip
    write_rows([ghost], first_record_id="ghost-batch")

    result = lake_reconcile(tenant_id=customer.tenant_id)

    assert (result.rows_removed, result.removed) == (1, {"ghost"})
    assert result.added == {kept.purchase_id, cancelled.purchase_id}
    assert _keys(lake_rows()) == {
        (kept.purchase_id, 1, "purchased"),
        (kept.purchase_id, 2, "purchased"),
        (cancelled.purchase_id, 1, "purchased"),
        (cancelled.purchase_id, 1, "cancelled"),
    }
    again = lake_reconcile(tenant_id=customer.tenant_id)
    assert (again.rows_removed, again.rows_added) == (0, 0)


def test_the_command_with_dry_run_reports_and_writes_nothing(customer, book, placed_order, lake_rows):
    from io import StringIO

    from django.core.management import call_command

    placed_order(customer, book)
    out = StringIO()

    call_command("reconcile_lake", tenant=customer.tenant_id, dry_run=True, stdout=out)

    assert "would add 1 rows of 1 purchases" in out.getvalue()
    assert lake_rows() == []
