"""seed_catalog and catalog/services.py: catalog_seed (batch writes, idempotent, exact counts, conditional claims)."""

import pytest
from django.core.management import CommandError, call_command

from bookstore.models import UniqueKey
from catalog.isbn import to_isbn13
from catalog.models import Book, BookStock
from catalog.seed_data import seed_records
from catalog.selectors import BookFilters, books_list, categories_list, isbn_claim_key
from catalog.services import book_create, book_update, catalog_seed


def stored_books(tenant_id="tenant1"):
    return list(Book.scan((Book.tenant_id == tenant_id) & (Book.sk == Book.SORT_KEY)))  # test-only ground truth


def assert_counts_match_the_books(tenant_id="tenant1"):
    expected = {}
    for book in stored_books(tenant_id):
        if book.is_active:
            expected[book.category] = expected.get(book.category, 0) + 1
    assert {f.name: f.book_count for f in categories_list(tenant_id=tenant_id)} == expected


def test_seeding_twice_creates_no_duplicates_and_keeps_counts_exact(tenant, capsys):
    call_command("seed_catalog", tenant="tenant1", target=120, seed=3)
    assert "120 books added (0 ISBNs already there); the catalogue holds 120" in capsys.readouterr().out
    first = {b.book_id: b.isbn for b in stored_books()}
    assert len(first) == 120
    assert_counts_match_the_books()

    call_command("seed_catalog", tenant="tenant1", target=120, seed=3)
    assert "0 books added (0 ISBNs already there); the catalogue holds 120" in capsys.readouterr().out
    assert {b.book_id: b.isbn for b in stored_books()} == first
    assert_counts_match_the_books()


def test_every_seeded_book_has_its_stock_item(tenant):
    catalog_seed(tenant_id="tenant1", target=40, seed=5)
    records = {to_isbn13(r["isbn"]): r for r in seed_records(count=200, seed=5)}
    books = stored_books()
    stocks = {s.book_id: s for s in BookStock.batch_get([(b.pk, BookStock.SORT_KEY) for b in books])}
    assert len(stocks) == len(books) == 40
    for book in books:
        stock = stocks[book.book_id]
        quantity = records[to_isbn13(book.isbn)]["stock_quantity"]
        assert (stock.stock_quantity, stock.price, stock.is_active) == (quantity, book.price, book.is_active)
        assert book.in_stock is (quantity > 0)


def test_target_is_the_catalogue_size_not_a_number_to_add(tenant, book_factory):
    book_factory()  # a book added through the API counts towards the target
    result = catalog_seed(tenant_id="tenant1", target=30, seed=0)
    assert (result.created, result.total) == (29, 30)
    assert len(stored_books()) == 30

    assert catalog_seed(tenant_id="tenant1", target=10, seed=0).created == 0  # already above it
    assert_counts_match_the_books()


def test_another_seed_adds_only_new_isbns(tenant):
    catalog_seed(tenant_id="tenant1", target=100, seed=1)
    result = catalog_seed(tenant_id="tenant1", target=150, seed=2)

    books = stored_books()
    isbns = [to_isbn13(b.isbn) for b in books]
    assert len(isbns) == len(set(isbns)) == 150
    assert result.created == 50
    assert result.skipped >= 68  # the curated core was already there
    assert_counts_match_the_books()


def test_seeded_books_are_claimed_listed_and_editable(tenant):
    catalog_seed(tenant_id="tenant1", target=30, seed=0)
    record = next(seed_records(count=1, seed=0))

    claim = UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn=record["isbn"]))
    book = Book.get(Book.key("tenant1", claim.owner_id), Book.SORT_KEY)
    assert (book.title, book.version) == (record["title"], 1)
    assert len(books_list(tenant_id="tenant1", filters=BookFilters(), limit=100).items) == 30
    assert book_update(tenant_id="tenant1", book_id=book.book_id, version=1, title="Edited").book.version == 2


def test_seeding_skips_an_isbn_already_added_through_the_api(tenant):
    record = next(seed_records(count=1, seed=0))
    book_create(
        tenant_id="tenant1", isbn=record["isbn"], title="Mine", author="Me", category="Fiction", price=record["price"]
    )
    result = catalog_seed(tenant_id="tenant1", target=5, seed=0)
    assert (result.created, result.skipped, result.total) == (4, 1, 5)
    assert len(stored_books()) == 5
    assert_counts_match_the_books()


def test_seeding_an_unknown_tenant_fails_cleanly(emulator):
    with pytest.raises(CommandError, match="Tenant not found"):
        call_command("seed_catalog", tenant="nobody", target=5)


def test_an_isbn_an_admin_adds_during_the_seed_is_never_overwritten(tenant):
    from bookstore.dynamodb.base import connection

    record = next(seed_records(count=1, seed=0))
    calls, admins = [], []

    def admin_adds_the_same_isbn(**kwargs):
        # Fault injection: between the seed's claim check and its claim write, an admin adds the book.
        calls.append(1)
        if len(calls) == 1:
            fields = {"title": "Mine", "author": "Me", "category": "Fiction", "price": record["price"]}
            admins.append(book_create(tenant_id="tenant1", isbn=record["isbn"], **fields).book)

    client = connection().client
    client.meta.events.register("before-call.dynamodb.TransactWriteItems", admin_adds_the_same_isbn)
    try:
        result = catalog_seed(tenant_id="tenant1", target=5, seed=0)
    finally:
        client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", admin_adds_the_same_isbn)

    assert (result.created, result.skipped) == (5, 1)  # the seed goes on to reach its target
    claim = UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn=record["isbn"]))
    assert claim.owner_id == admins[0].book_id
    same_isbn = [b for b in stored_books() if to_isbn13(b.isbn) == to_isbn13(record["isbn"])]
    assert [b.title for b in same_isbn] == ["Mine"]
    assert_counts_match_the_books()


def test_a_seed_interrupted_after_its_claims_completes_on_the_next_run(tenant):
    from bookstore.dynamodb.base import connection

    def stop_before_the_books(**kwargs):
        # Fault injection: the process dies after claiming the ISBNs, before writing the books.
        raise KeyboardInterrupt

    client = Book._get_connection().connection.client
    client.meta.events.register("before-call.dynamodb.BatchWriteItem", stop_before_the_books)
    try:
        with pytest.raises(KeyboardInterrupt):
            catalog_seed(tenant_id="tenant1", target=10, seed=0)
    finally:
        client.meta.events.unregister("before-call.dynamodb.BatchWriteItem", stop_before_the_books)
    assert stored_books() == []
    assert connection().client.scan(TableName=UniqueKey.Meta.table_name)["Count"] == 10

    result = catalog_seed(tenant_id="tenant1", target=10, seed=0)
    assert (result.created, result.skipped) == (10, 0)
    assert len(stored_books()) == 10
    assert_counts_match_the_books()


def test_a_dry_run_counts_and_writes_nothing(tenant, capsys):
    catalog_seed(tenant_id="tenant1", target=5, seed=0)
    call_command("seed_catalog", tenant="tenant1", target=12, seed=0, dry_run=True)
    out = capsys.readouterr().out
    assert "Would seed 'tenant1': 7 books added (5 ISBNs already there); the catalogue would hold 12" in out
    assert len(stored_books()) == 5
    assert_counts_match_the_books()
