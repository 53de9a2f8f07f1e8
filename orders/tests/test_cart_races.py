"""The cart's caps under concurrent requests, and the cart header every line write keeps true.

orders/cart_header.py: move_header, header_refusal; orders/services.py: the cart writes and
checkout that move it. Concurrent requests go through the API from threads (one client each).
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from bookstore.money import ZERO
from orders.models import CartHeader, CartLine

CART = "/api/v1/cart"


@pytest.fixture
def concurrently():
    """`concurrently(calls)`: run every zero-argument call at once, one thread each; the results in order."""

    def run(calls):
        with ThreadPoolExecutor(len(calls)) as pool:
            return list(pool.map(lambda call: call(), calls))

    return run


@pytest.fixture
def header_of():
    """`header_of(user)`: the user's cart header, or None."""

    def read(user):
        try:
            return CartHeader.get(
                CartHeader.key(user.tenant_id, user.user_id), CartHeader.SORT_KEY, consistent_read=True
            )
        except CartHeader.DoesNotExist:
            return None

    return read


@pytest.fixture
def lines_of():
    """`lines_of(user)`: the user's cart lines as stored (never the header)."""
    return lambda user: list(
        CartLine.query(
            CartLine.key(user.tenant_id, user.user_id), CartLine.sk.startswith("CART#"), consistent_read=True
        )
    )


@pytest.fixture
def header_is_true(header_of, lines_of):
    """`header_is_true(user)`: assert the header counts the stored lines and sums their priced amounts."""

    def check(user):
        header, lines = header_of(user), lines_of(user)
        assert header is not None
        assert int(header.line_count) == len(lines)
        assert header.priced_total == sum((line.priced_amount or ZERO for line in lines), ZERO)

    return check


def _add(client, book, quantity=1):
    return lambda: client.post(f"{CART}/add", {"book_id": book.book_id, "quantity": quantity}, format="json")


def test_sixteen_concurrent_adds_to_a_31_line_cart_leave_32_lines_and_refuse_with_cart_full(
    customer, client_for, book_factory, cart_with, concurrently, lines_of, header_is_true, settings
):
    for _ in range(settings.CART_MAX_LINES - 1):
        cart_with(customer, book_factory(), 1)
    books = [book_factory() for _ in range(16)]

    responses = concurrently([_add(client_for(customer), book) for book in books])

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 400: 15}, [r.json() for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 400} == {"cart_full"}
    assert len(lines_of(customer)) == settings.CART_MAX_LINES
    header_is_true(customer)


def test_concurrent_adds_never_pass_the_order_total_cap(
    customer, client_for, book_factory, concurrently, lines_of, header_is_true, settings
):
    settings.MAX_ORDER_TOTAL = Decimal("100.00")
    books = [book_factory(price=Decimal("30.00")) for _ in range(12)]

    responses = concurrently([_add(client_for(customer), book) for book in books])

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 3, 400: 9}, [r.json() for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 400} == {"order_total_too_large"}
    assert len(lines_of(customer)) == 3
    header_is_true(customer)


def test_concurrent_quantity_raises_of_one_line_never_pass_the_order_total_cap(
    customer, client_for, book_factory, cart_with, concurrently, lines_of, header_is_true, settings
):
    settings.MAX_ORDER_TOTAL = Decimal("100.00")
    book = book_factory(price=Decimal("10.00"), stock_quantity=50)
    cart_with(customer, book, 1)

    responses = concurrently([_add(client_for(customer), book, 3) for _ in range(8)])

    assert {r.status_code for r in responses} <= {200, 400, 409}, [r.json() for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code != 200} <= {
        "order_total_too_large",
        "cart_changed",
    }
    (line,) = lines_of(customer)
    assert int(line.quantity) == 1 + 3 * sum(r.status_code == 200 for r in responses) <= 10
    header_is_true(customer)


def test_every_line_write_keeps_the_header_true(
    customer, customer_client, book_factory, header_is_true, http_checkout, header_of
):
    first, second, third = (book_factory(price=Decimal(price)) for price in ("10.00", "12.50", "7.25"))
    for book in (first, second, third):
        assert _add(customer_client, book, 2)().status_code == 200
    header_is_true(customer)
    assert customer_client.patch(f"{CART}/items/{first.book_id}", {"quantity": 5}, format="json").status_code == 200
    header_is_true(customer)
    assert customer_client.patch(f"{CART}/items/{second.book_id}", {"quantity": 0}, format="json").status_code == 200
    header_is_true(customer)
    assert customer_client.delete(f"{CART}/items/{third.book_id}").status_code == 204
    assert customer_client.delete(f"{CART}/items/{third.book_id}").status_code == 204  # not there: no error
    header_is_true(customer)
    assert customer_client.delete(CART).status_code == 204
    header_is_true(customer)
    assert int(header_of(customer).line_count) == 0

    assert _add(customer_client, first, 1)().status_code == 200
    assert _add(customer_client, second, 1)().status_code == 200
    assert http_checkout(customer_client).status_code == 201
    header_is_true(customer)
    assert (int(header_of(customer).line_count), header_of(customer).priced_total) == (0, ZERO)


def test_a_cart_without_a_header_is_counted_from_its_lines(
    customer, customer_client, book_factory, header_of, lines_of, header_is_true, settings
):
    # Lines as an old local snapshot holds them: no header item, no priced amount.
    books = [book_factory() for _ in range(settings.CART_MAX_LINES)]
    key = CartLine.key(customer.tenant_id, customer.user_id)
    for book in books[:-1]:
        CartLine(
            key, CartLine.sort_key(book.book_id), book_id=book.book_id, quantity=1, created_at=book.created_at
        ).save()
    assert header_of(customer) is None
    assert customer_client.get(CART).json()["item_count"] == settings.CART_MAX_LINES - 1

    assert _add(customer_client, books[-1])().status_code == 200
    header_is_true(customer)
    assert int(header_of(customer).line_count) == settings.CART_MAX_LINES
    full = _add(customer_client, book_factory())()
    assert (full.status_code, full.json()["error"]["code"]) == (400, "cart_full")

    assert customer_client.delete(f"{CART}/items/{books[0].book_id}").status_code == 204
    header_is_true(customer)
    assert customer_client.delete(CART).status_code == 204
    assert lines_of(customer) == []
    header_is_true(customer)


def test_a_full_cart_of_distinct_categories_checks_out_in_one_transaction_of_100_actions(
    customer, customer_client, book_factory, cart_with, http_checkout, header_is_true, dynamodb_calls, settings
):
    # 32 lines of 32 categories: 32 stock items, 32 lines, 32 category tallies, the purchase, the
    # idempotency record, the total tally and the cart's header; DynamoDB refuses more than 100.
    for n in range(settings.CART_MAX_LINES):
        cart_with(customer, book_factory(category=f"Category {n}"), 1)
    dynamodb_calls.clear()

    response = http_checkout(customer_client)

    assert response.status_code == 201, response.json()
    assert len(response.json()["items"]) == settings.CART_MAX_LINES
    assert dynamodb_calls["TransactWriteItems"] == 1
    header_is_true(customer)
