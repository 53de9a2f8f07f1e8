"""Favourites and wishlist (accounts/services.py: favorite_*, wishlist_*; accounts/selectors.py)."""

import uuid

from accounts.models import Favorite, WishlistItem
from catalog.services import book_delete

FAVORITES = "/api/v1/users/favorites"
WISHLIST = "/api/v1/users/wishlist"


def walk(client, url, limit):
    """Every entry of a paginated list, following `next`."""
    entries, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = client.get(url, params).json()
        entries += page["results"]
        cursor = page["next"]
        if not cursor:
            return entries


def test_favorites_add_twice_list_with_books_and_remove(customer_client, book_factory):
    first, second = book_factory(title="Ficciones"), book_factory(title="Pedro Páramo")
    created = customer_client.post(f"{FAVORITES}/{first.book_id}")
    assert created.status_code == 201
    assert created.json()["book"]["title"] == "Ficciones"
    assert customer_client.post(f"{FAVORITES}/{first.book_id}").status_code == 200
    customer_client.post(f"{FAVORITES}/{second.book_id}")
    assert len(list(Favorite.scan())) == 2

    listing = customer_client.get(FAVORITES).json()
    assert [f["book"]["title"] for f in listing["results"]] == ["Pedro Páramo", "Ficciones"]  # newest first
    assert listing["next"] is None

    assert customer_client.delete(f"{FAVORITES}/{first.book_id}").status_code == 204
    assert customer_client.delete(f"{FAVORITES}/{first.book_id}").status_code == 204
    assert [f["book_id"] for f in customer_client.get(FAVORITES).json()["results"]] == [second.book_id]


def test_favorites_paginate_without_gaps(customer_client, book_factory):
    books = [book_factory() for _ in range(7)]
    for book in books:
        customer_client.post(f"{FAVORITES}/{book.book_id}")
    entries = walk(customer_client, FAVORITES, limit=3)
    assert [e["book_id"] for e in entries] == [b.book_id for b in reversed(books)]


def test_unknown_inactive_and_foreign_books_are_404(customer_client, other_tenant_admin_client, book_factory):
    withdrawn = book_factory()
    book_delete(tenant_id="tenant1", book_id=withdrawn.book_id)
    for book_id in (str(uuid.uuid4()), "not-a-uuid", withdrawn.book_id):
        for url in (f"{FAVORITES}/{book_id}", f"{WISHLIST}/{book_id}"):
            response = customer_client.post(url, {}, format="json")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "book_not_found"
    mine = book_factory()
    assert other_tenant_admin_client.post(f"{FAVORITES}/{mine.book_id}").status_code == 404
    assert list(Favorite.scan()) == []
    assert list(WishlistItem.scan()) == []


def test_a_withdrawn_favourite_is_listed_without_its_book(customer_client, book):
    customer_client.post(f"{FAVORITES}/{book.book_id}")
    book_delete(tenant_id="tenant1", book_id=book.book_id)
    entry = customer_client.get(FAVORITES).json()["results"][0]
    assert (entry["book_id"], entry["book"]) == (book.book_id, None)


def test_wishlist_sorts_by_priority_then_date(customer_client, book_factory):
    books = [book_factory(title=f"Book {n}") for n in range(4)]
    customer_client.post(f"{WISHLIST}/{books[0].book_id}", {}, format="json")  # default priority 3
    customer_client.post(f"{WISHLIST}/{books[1].book_id}", {"priority": 1}, format="json")
    customer_client.post(f"{WISHLIST}/{books[2].book_id}", {"priority": 3}, format="json")
    created = customer_client.post(f"{WISHLIST}/{books[3].book_id}", {"priority": 5}, format="json")
    assert created.status_code == 201
    assert created.json()["priority"] == 5
    titles = [e["book"]["title"] for e in walk(customer_client, WISHLIST, limit=2)]
    assert titles == ["Book 1", "Book 0", "Book 2", "Book 3"]

    patched = customer_client.patch(f"{WISHLIST}/{books[3].book_id}", {"priority": 2}, format="json")
    assert patched.json()["priority"] == 2
    titles = [e["book"]["title"] for e in customer_client.get(WISHLIST).json()["results"]]
    assert titles == ["Book 1", "Book 3", "Book 0", "Book 2"]

    again = customer_client.post(f"{WISHLIST}/{books[1].book_id}", {"priority": 4}, format="json")
    assert (again.status_code, again.json()["priority"]) == (200, 1)
    assert len(list(WishlistItem.scan())) == 4

    assert customer_client.delete(f"{WISHLIST}/{books[1].book_id}").status_code == 204
    assert len(customer_client.get(WISHLIST).json()["results"]) == 3


def test_wishlist_validation_changes_nothing(customer_client, book):
    for priority in (0, 6, "high"):
        response = customer_client.post(f"{WISHLIST}/{book.book_id}", {"priority": priority}, format="json")
        assert response.status_code == 400
        assert "priority" in response.json()["error"]["details"]
    assert list(WishlistItem.scan()) == []
    missing = customer_client.patch(f"{WISHLIST}/{book.book_id}", {"priority": 2}, format="json")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "wishlist_item_not_found"
    customer_client.post(f"{WISHLIST}/{book.book_id}", {"priority": 2}, format="json")
    assert customer_client.patch(f"{WISHLIST}/{book.book_id}", {}, format="json").status_code == 400
    assert int(next(WishlistItem.scan()).priority) == 2


def test_lists_are_private_and_need_a_token(customer_client, other_customer_client, api_client, book):
    customer_client.post(f"{FAVORITES}/{book.book_id}")
    customer_client.post(f"{WISHLIST}/{book.book_id}", {}, format="json")
    for url in (FAVORITES, WISHLIST):
        assert other_customer_client.get(url).json()["results"] == []
        assert api_client.get(url).status_code == 401
    other_customer_client.delete(f"{FAVORITES}/{book.book_id}")
    assert len(customer_client.get(FAVORITES).json()["results"]) == 1


def test_bad_cursor_and_limit_are_400(customer_client, tenant):
    assert customer_client.get(FAVORITES, {"cursor": "forged"}).json()["error"]["code"] == "invalid_cursor"
    assert customer_client.get(WISHLIST, {"limit": 101}).status_code == 400
