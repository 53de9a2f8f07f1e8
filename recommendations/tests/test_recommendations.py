"""recommendations over HTTP against the emulator and noida-db: reasons, exclusions, fallback, access, cost."""

from decimal import Decimal

import pytest

from recommendations.ranking import Taste, rank


def url(user) -> str:
    return f"/api/v1/books/recommendations/{user.user_id}"


@pytest.fixture
def shelf(book_factory, index_books):
    """Books of tenant1 by title, indexed."""
    specs = [
        ("Clean Code", "Robert C. Martin", "Software"),
        ("Clean Architecture", "Robert C. Martin", "Software"),
        ("Refactoring", "Martin Fowler", "Software"),
        ("Cien años de soledad", "Gabriel García Márquez", "Fiction"),
        ("Crónica de una muerte anunciada", "Gabriel García Márquez", "Fiction"),
        ("Veinte poemas de amor", "Pablo Neruda", "Poesía"),
        ("Canto general", "Pablo Neruda", "Poesía"),
    ]
    books = {title: book_factory(title=title, author=author, category=category) for title, author, category in specs}
    books["Agotado"] = book_factory(title="Agotado", author="Pablo Neruda", category="Poesía", stock_quantity=0)
    index_books(*books.values())
    return books


def recommended(client, user) -> dict[str, str]:
    response = client.get(url(user))
    assert response.status_code == 200, response.content
    return {r["book"]["title"]: r["reason"] for r in response.json()["results"]}


def test_a_new_user_gets_the_best_sellers(shelf, customer, other_customer, client_for, placed_order, consume_streams):
    placed_order(other_customer, shelf["Refactoring"], quantity=3)
    placed_order(other_customer, shelf["Canto general"])
    consume_streams("--tables", "purchases")  # the sales counters follow the purchases stream
    got = recommended(client_for(customer), customer)
    assert got == {"Refactoring": "a best-seller in this shop", "Canto general": "a best-seller in this shop"}
    assert next(iter(got)) == "Refactoring"  # more units first


def test_a_preferred_category_is_a_reason(shelf, customer, client_for):
    from accounts.services import profile_update

    profile_update(tenant_id="tenant1", user_id=customer.user_id, preferences={"categories": ["Poesía"]})
    got = recommended(client_for(customer), customer)
    assert got == {
        "Veinte poemas de amor": "in your favourite category Poesía",
        "Canto general": "in your favourite category Poesía",
    }  # not "Agotado": out of stock


def test_a_favourite_authors_other_books_are_recommended(shelf, customer, client_for):
    from accounts.services import favorite_add

    favorite_add(tenant_id="tenant1", user_id=customer.user_id, book_id=shelf["Cien años de soledad"].book_id)
    got = recommended(client_for(customer), customer)
    assert got["Crónica de una muerte anunciada"] == "by Gabriel García Márquez, an author you like"


def test_bought_together_is_the_strongest_reason_and_bought_books_are_excluded(
    shelf, customer, other_customer, client_for, placed_order, consume_streams
):
    placed_order(other_customer, shelf["Clean Code"], shelf["Canto general"])
    placed_order(customer, shelf["Clean Code"])
    consume_streams("--tables", "purchases")
    got = recommended(client_for(customer), customer)
    assert "Clean Code" not in got
    assert next(iter(got)) == "Canto general"
    assert got["Canto general"] == "bought together with Clean Code"
    assert got["Clean Architecture"] == "by Robert C. Martin, an author you like"
    assert got["Refactoring"] == "like the Software books you chose"


def test_another_users_recommendations_are_refused(shelf, customer, other_customer, client_for, admin_client):
    response = client_for(other_customer).get(url(customer))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert admin_client.get(url(customer)).status_code == 200


def test_recommendations_need_a_login(api_client, customer):
    assert api_client.get(url(customer), HTTP_X_TENANT_ID="tenant1").status_code == 401


def test_an_unknown_user_is_a_404_for_an_admin(admin_client, tenant):
    response = admin_client.get("/api/v1/books/recommendations/no-such-user")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "user_not_found"


def test_the_cost_does_not_grow_with_the_history(shelf, customer, client_for, placed_order, dynamodb_calls):
    """User, favourites + their books, purchases, best-sellers + their books, <= 3 partner reads, tenant lookup."""
    from accounts.services import favorite_add

    client = client_for(customer)

    def cost_after(books) -> dict[str, int]:
        for book in books:
            favorite_add(tenant_id="tenant1", user_id=customer.user_id, book_id=book.book_id)
            placed_order(customer, book)
        dynamodb_calls.clear()
        recommended(client, customer)
        return dict(dynamodb_calls)

    cost_after([shelf["Clean Code"]])
    three = cost_after([shelf["Refactoring"], shelf["Canto general"]])
    many = cost_after(
        [
            book
            for title, book in shelf.items()
            if title not in ("Clean Code", "Refactoring", "Canto general", "Agotado")
        ]
    )
    assert three == many
    assert sum(many.values()) <= 10


# --- ranking rules, on their own ----------------------------------------------------------------


def hit(book_id: str, *, category="Fiction", author="A", in_stock=True, rating=None):
    from catalog.search.queries import BookHit

    return BookHit(
        book_id=book_id,
        isbn="9780000000000",
        title=book_id,
        author=author,
        editorial="",
        category=category,
        price=Decimal("10.00"),
        description="",
        cover_image_url=None,
        in_stock=in_stock,
        publication_year=None,
        language="es",
        rating=rating,
        listed_at="2024-01-01T00:00:00.000Z",
    )


def test_rank_sums_signals_and_shows_the_strongest():
    taste = Taste(categories=("fiction",), authors=("B",), bestsellers=("b",), bought_together={"c": "Clean Code"})
    ranked = rank([hit("a"), hit("b", author="B"), hit("c", category="Poesía")], taste, limit=10)
    assert [(r.book.book_id, r.reason) for r in ranked] == [
        ("c", "bought together with Clean Code"),
        ("b", "by B, an author you like"),
        ("a", "like the Fiction books you chose"),
    ]


def test_rank_drops_bought_out_of_stock_and_unmatched_books_and_keeps_the_limit():
    taste = Taste(categories=("Fiction",), exclude=frozenset({"a"}))
    candidates = [hit("a"), hit("b", in_stock=False), hit("c", category="Other"), hit("d"), hit("e", rating=Decimal(5))]
    assert [r.book.book_id for r in rank(candidates, taste, limit=1)] == ["e"]
