"""catalog/services.py: book writes keep ISBN claims, facet counts and versions consistent."""

import threading
from decimal import Decimal

import pytest

from bookstore.dynamodb.base import connection
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.transactions import LabelledTransaction
from bookstore.errors import ApplicationError
from bookstore.models import UniqueKey
from catalog.errors import CatalogError
from catalog.models import Book, BookStock
from catalog.selectors import authors_list, book_get, book_get_stocked, categories_list, isbn_claim_key
from catalog.services import book_create, book_delete, book_update
from catalog.stock import reserve_stock, stock_change

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def category_counts(tenant_id="tenant1"):
    return {facet.name: facet.book_count for facet in categories_list(tenant_id=tenant_id)}


def author_counts(tenant_id="tenant1"):
    return {facet.name: facet.book_count for facet in authors_list(tenant_id=tenant_id, limit=100).items}


def test_create_claims_the_isbn_and_counts_category_and_author(book_factory):
    book = book_factory(category="Poetry", author="Gloria Fuertes")
    book_factory(category="Poetry", author="Pablo Neruda")

    claim = UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn=book.isbn))
    assert claim.owner_id == book.book_id
    assert category_counts() == {"Poetry": 2}
    assert author_counts() == {"Gloria Fuertes": 1, "Pablo Neruda": 1}
    assert book.version == 1


def test_duplicate_isbn_is_refused_and_nothing_is_written(book_factory):
    book_factory(isbn="9780306406157", category="Poetry")
    with pytest.raises(ApplicationError) as exc:
        book_factory(isbn="0-306-40615-2", category="History")  # the ISBN-10 form of the same book
    assert exc.value.code == CatalogError.ISBN_TAKEN
    assert category_counts() == {"Poetry": 1}
    assert len(list(Book.scan(Book.sk == Book.SORT_KEY))) == 1


def test_invalid_isbn_is_refused_by_the_service_too(tenant):
    with pytest.raises(ApplicationError) as exc:
        book_create(tenant_id="tenant1", isbn="9780306406158", title="T", author="A", category="C", price=Decimal(1))
    assert exc.value.code == CatalogError.INVALID_ISBN


def test_recategorise_and_change_author_move_the_counts(book_factory):
    book = book_factory(category="Fiction", author="Ana")
    book_factory(category="Fiction", author="Ana")

    updated = book_update(tenant_id="tenant1", book_id=book.book_id, category="Mystery", author="Bea").book

    assert updated.version == 2
    assert category_counts() == {"Fiction": 1, "Mystery": 1}
    assert author_counts() == {"Ana": 1, "Bea": 1}


def test_category_change_in_case_or_accents_only_keeps_one_facet(book_factory):
    book = book_factory(category="Ciencia Ficción")
    book_update(tenant_id="tenant1", book_id=book.book_id, category="ciencia ficcion")
    assert category_counts() == {"Ciencia Ficción": 1}


def test_delete_uncounts_and_hides_and_reactivation_restores(book_factory):
    book = book_factory(category="Fiction", author="Ana")
    book_factory(category="History", author="Ana")

    book_delete(tenant_id="tenant1", book_id=book.book_id)
    assert category_counts() == {"History": 1}
    assert author_counts() == {"Ana": 1}
    with pytest.raises(ApplicationError):
        book_get(tenant_id="tenant1", book_id=book.book_id)
    stored = book_get(tenant_id="tenant1", book_id=book.book_id, include_inactive=True)
    assert stored.is_active is False
    assert stored.catalog_key is None
    assert stored.category_key is None

    book_delete(tenant_id="tenant1", book_id=book.book_id)  # deleting again changes nothing
    assert category_counts() == {"History": 1}
    assert book_get(tenant_id="tenant1", book_id=book.book_id, include_inactive=True).version == 2

    book_update(tenant_id="tenant1", book_id=book.book_id, is_active=True)
    assert category_counts() == {"Fiction": 1, "History": 1}
    assert author_counts() == {"Ana": 2}


def test_counts_ignore_stock_changes(book_factory):
    book = book_factory(category="Fiction", stock_quantity=3)
    book_update(tenant_id="tenant1", book_id=book.book_id, stock_quantity=0)
    assert category_counts() == {"Fiction": 1}


def test_isbn_change_moves_the_claim(book_factory):
    book = book_factory(isbn="9780306406157")
    book_update(tenant_id="tenant1", book_id=book.book_id, isbn="978-0-8044-2957-3")

    assert UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn="9780804429573")).owner_id == book.book_id
    freed = book_factory(isbn="9780306406157")  # the old ISBN is free again
    assert freed.isbn == "9780306406157"


def test_isbn_change_to_a_taken_isbn_is_refused_and_changes_nothing(book_factory):
    taken = book_factory()
    book = book_factory(title="Original")
    with pytest.raises(ApplicationError) as exc:
        book_update(tenant_id="tenant1", book_id=book.book_id, isbn=taken.isbn, title="Changed")
    assert exc.value.code == CatalogError.ISBN_TAKEN
    stored = book_get(tenant_id="tenant1", book_id=book.book_id)
    assert (stored.isbn, stored.title, stored.version) == (book.isbn, "Original", 1)
    assert UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn=book.isbn)).owner_id == book.book_id


def test_same_isbn_in_its_isbn10_form_keeps_the_claim(book_factory):
    book = book_factory(isbn="9780306406157")
    updated = book_update(tenant_id="tenant1", book_id=book.book_id, isbn="0306406152").book
    assert updated.isbn == "0306406152"
    assert UniqueKey.get(isbn_claim_key(tenant_id="tenant1", isbn="0306406152")).owner_id == book.book_id


def test_stale_version_is_a_conflict(book_factory):
    book = book_factory()
    book_update(tenant_id="tenant1", book_id=book.book_id, version=1, title="First")
    with pytest.raises(ApplicationError) as exc:
        book_update(tenant_id="tenant1", book_id=book.book_id, version=1, title="Second")
    assert exc.value.code == CatalogError.VERSION_CONFLICT
    assert book_get(tenant_id="tenant1", book_id=book.book_id).title == "First"


def _sell(book, quantity):
    """What checkout does to the catalogue: reserve copies on the stock item, in a transaction."""
    tx = LabelledTransaction()
    stock = BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True)
    reserve_stock(tx, stock=stock, quantity=quantity, price=stock.price)
    tx.commit()


def test_a_sale_leaves_the_book_item_and_its_version_alone(book_factory, stock_of):
    book = book_factory(stock_quantity=5)
    before = Book.get(book.pk, book.sk, consistent_read=True)
    _sell(book, 2)
    after = Book.get(book.pk, book.sk, consistent_read=True)
    assert stock_of(book) == 3
    assert after.attribute_values == before.attribute_values


def test_an_edit_with_the_version_read_before_a_sale_still_succeeds(book_factory, stock_of):
    book = book_factory(stock_quantity=5)
    _sell(book, 2)
    updated = book_update(tenant_id="tenant1", book_id=book.book_id, version=1, price=Decimal("12.00"))
    assert (updated.book.version, updated.stock_quantity) == (2, 3)
    stock = BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True)
    assert (stock.price, stock.stock_quantity) == (Decimal("12.00"), 3)  # the mirror moved with the book


def test_a_stock_edit_decided_before_a_sale_is_a_conflict(book_factory, stock_of):
    book = book_factory(stock_quantity=5)
    read = book_get_stocked(tenant_id="tenant1", book_id=book.book_id)
    _sell(book, 2)
    tx = LabelledTransaction()
    stock_change(tx, book=read.book, mirror=False, stock_quantity=50, read_quantity=read.stock_quantity, at=now())
    with pytest.raises(ApplicationError) as exc:
        tx.commit(on_cancel=lambda failures: ApplicationError(CatalogError.VERSION_CONFLICT))
    assert exc.value.code == CatalogError.VERSION_CONFLICT
    assert stock_of(book) == 3  # the sale is not overwritten


def test_soft_delete_and_reactivation_keep_the_stock_item_in_step(book_factory):
    book = book_factory(stock_quantity=4)
    book_delete(tenant_id="tenant1", book_id=book.book_id)
    stock = BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True)
    assert (stock.is_active, stock.stock_quantity) == (False, 4)
    book_update(tenant_id="tenant1", book_id=book.book_id, is_active=True)
    assert BookStock.get(book.pk, BookStock.SORT_KEY, consistent_read=True).is_active is True


def test_racing_updates_without_a_version_never_lose_one_silently(book_factory):
    book = book_factory()
    outcomes = []
    barrier = threading.Barrier(6)

    def update(n):
        barrier.wait()
        try:
            book_update(tenant_id="tenant1", book_id=book.book_id, title=f"Title {n}")
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=update, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    successes = outcomes.count("ok")
    assert successes >= 1
    assert set(outcomes) <= {"ok", CatalogError.VERSION_CONFLICT}
    # Every success bumped the version from the one it read: none overwrote another unseen.
    assert book_get(tenant_id="tenant1", book_id=book.book_id).version == 1 + successes


def test_racing_stock_edits_never_lose_one_silently(book_factory, stock_of):
    book = book_factory(stock_quantity=0)
    outcomes = []
    start = threading.Barrier(6)
    # Every edit reads before any writes (a botocore hook holds each write until all six have
    # read), so all six are conditioned on the same stock however the threads are scheduled.
    all_read = threading.Barrier(6, timeout=60)
    clients = {id(c): c for c in [connection().client, BookStock._get_connection().connection.client]}

    def hold_until_all_have_read(model, **kwargs):
        if model.name in WRITES:
            all_read.wait()

    def update(quantity):
        start.wait()
        try:
            book_update(tenant_id="tenant1", book_id=book.book_id, stock_quantity=quantity)
            outcomes.append(quantity)
        except ApplicationError as exc:
            outcomes.append(exc.code)

    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", hold_until_all_have_read)
    try:
        threads = [threading.Thread(target=update, args=(q,)) for q in range(1, 7)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for client in clients.values():
            client.meta.events.unregister("before-call.dynamodb", hold_until_all_have_read)

    assert len(outcomes) == 6
    assert not all_read.broken
    won = [o for o in outcomes if isinstance(o, int)]
    assert set(outcomes) - set(won) <= {CatalogError.VERSION_CONFLICT}
    # Each edit is conditioned on the stock it read (0): exactly one can have replaced it.
    assert len(won) == 1
    assert stock_of(book) == won[0]
    assert book_get(tenant_id="tenant1", book_id=book.book_id).version == 1  # stock edits leave the book alone


def test_update_of_unknown_book_is_not_found(tenant):
    with pytest.raises(ApplicationError) as exc:
        book_update(tenant_id="tenant1", book_id="8d88dc21-fa58-42d4-b38b-10dd7f073589", title="X")
    assert exc.value.code == CatalogError.BOOK_NOT_FOUND


def test_no_op_update_writes_nothing(book_factory):
    book = book_factory(title="Same")
    assert book_update(tenant_id="tenant1", book_id=book.book_id, title="Same").book.version == 1


def test_names_that_grow_when_folded_stay_within_key_limits(book_factory):
    # U+FDFA folds (NFKD) into 18 characters; 200 of them must not break a key's size limit.
    long_name = "\ufdfa" * 200
    book = book_factory(author=long_name, category=long_name, title=long_name)
    assert author_counts() == {long_name: 1}
    assert book_get(tenant_id="tenant1", book_id=book.book_id).author == long_name
