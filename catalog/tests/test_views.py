"""catalog/views.py over HTTP: validation, permissions, tenant isolation, cursors, counts and conflicts."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from catalog.models import Book
from catalog.services import catalog_seed

BOOKS = "/api/v1/books"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}


def error_of(response):
    return response.json()["error"]


def categories(client, **headers):
    return {c["name"]: c["count"] for c in client.get(f"{BOOKS}/categories", **headers).json()["results"]}


# --- validation ---------------------------------------------------------------------------

NEXT_YEAR = datetime.now(UTC).year + 1
INVALID_FIELDS = [
    ("isbn", "978-0-307-47472-9"),  # wrong check digit
    ("isbn", "12345"),
    ("isbn", "97803074747ab"),
    ("isbn", ""),
    ("price", "0"),
    ("price", "-1.00"),
    ("price", "19.999"),  # more than 2 decimals
    ("price", "cheap"),
    ("stock_quantity", -1),
    ("stock_quantity", "many"),
    ("publication_year", 1200),
    ("publication_year", NEXT_YEAR),
    ("language", "english"),
    ("language", "xx"),
    ("cover_image_url", "ftp://example.com/cover.jpg"),
    ("cover_image_url", "javascript:alert(1)"),
    ("cover_image_url", "not a url"),
    # The listed rating is the mean of the readers' reviews (catalog/ratings.py): no admin sets it.
    ("rating", "4.50"),
    ("pages", 0),
    ("title", ""),
    ("title", "x" * 301),
    ("author", "x" * 201),
    ("category", "x" * 101),
    ("editorial", "x" * 201),
    ("description", "x" * 5001),
]


@pytest.mark.parametrize(("field", "value"), INVALID_FIELDS)
def test_an_invalid_field_is_a_400_naming_it_and_nothing_is_written(admin_client, book_body, field, value):
    response = admin_client.post(BOOKS, {**book_body, field: value}, format="json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"
    assert list(error_of(response)["details"]) == [field]
    assert list(Book.scan(Book.sk == Book.SORT_KEY)) == []


@pytest.mark.parametrize("field", ["isbn", "title", "author", "category", "price"])
def test_required_fields(admin_client, book_body, field):
    body = {k: v for k, v in book_body.items() if k != field}
    response = admin_client.post(BOOKS, body, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["details"]


def test_create_normalises_the_isbn_and_keeps_money_exact(admin_client, book_body):
    response = admin_client.post(BOOKS, {**book_body, "isbn": "0 8044 2957 x", "price": 19.9}, format="json")
    assert response.status_code == 201
    assert response.json()["isbn"] == "080442957X"
    assert response.json()["price"] == "19.90"


def test_a_duplicate_isbn_is_409(admin_client, book_body):
    assert admin_client.post(BOOKS, book_body, format="json").status_code == 201
    response = admin_client.post(BOOKS, {**book_body, "isbn": "0307474720"}, format="json")  # same book, ISBN-10
    assert response.status_code == 409
    assert error_of(response)["code"] == "isbn_taken"


def test_update_validates_like_create(admin_client, book_body):
    book_id = admin_client.post(BOOKS, book_body, format="json").json()["book_id"]
    response = admin_client.patch(f"{BOOKS}/{book_id}", {"price": "1.001"}, format="json")
    assert response.status_code == 400
    assert "price" in error_of(response)["details"]
    empty = admin_client.patch(f"{BOOKS}/{book_id}", {}, format="json")
    assert empty.status_code == 400


# --- who may write ------------------------------------------------------------------------


def test_writes_are_for_admins_only(customer_client, api_client, book_factory, book_body):
    book = book_factory()
    detail = f"{BOOKS}/{book.book_id}"
    for client, expected in ((customer_client, 403), (api_client, 401)):
        assert client.post(BOOKS, book_body, format="json", **TENANT1).status_code == expected
        assert client.put(detail, book_body, format="json", **TENANT1).status_code == expected
        assert client.patch(detail, {"title": "X"}, format="json", **TENANT1).status_code == expected
        assert client.delete(detail, **TENANT1).status_code == expected
    assert customer_client.get(detail).json()["title"] == book.title


def test_tenant_in_body_must_be_the_tokens(admin_client, book_body):
    assert admin_client.post(BOOKS, {**book_body, "tenant_id": "tenant2"}, format="json").status_code == 403
    response = admin_client.post(BOOKS, {**book_body, "tenant_id": "tenant1"}, format="json")
    assert response.status_code == 201
    assert response.json()["tenant_id"] == "tenant1"


def test_put_replaces_and_patch_changes_only_what_is_sent(admin_client, book_body):
    book_id = admin_client.post(BOOKS, book_body, format="json").json()["book_id"]

    patched = admin_client.patch(f"{BOOKS}/{book_id}", {"stock_quantity": 3}, format="json").json()
    # The stock is the stock item's: the book, and so its version, is not written.
    assert (patched["stock_quantity"], patched["description"], patched["version"]) == (3, book_body["description"], 1)

    body = {"isbn": book_body["isbn"], "title": "Nuevo", "author": "A", "category": "Classics", "price": "9.00"}
    replaced = admin_client.put(f"{BOOKS}/{book_id}", body, format="json").json()
    assert replaced["title"] == "Nuevo"
    assert (replaced["version"], replaced["stock_quantity"]) == (2, 0)  # PUT: an omitted stock is the default
    assert (replaced["description"], replaced["pages"], replaced["cover_image_url"]) == ("", None, None)


def test_a_stale_version_is_409(admin_client, book_body):
    book_id = admin_client.post(BOOKS, book_body, format="json").json()["book_id"]
    assert admin_client.patch(f"{BOOKS}/{book_id}", {"title": "A", "version": 1}, format="json").status_code == 200
    response = admin_client.patch(f"{BOOKS}/{book_id}", {"title": "B", "version": 1}, format="json")
    assert response.status_code == 409
    assert error_of(response)["code"] == "version_conflict"
    stale_delete = admin_client.delete(f"{BOOKS}/{book_id}?version=1")
    assert stale_delete.status_code == 409
    assert admin_client.get(f"{BOOKS}/{book_id}").json()["title"] == "A"


# --- reads and soft delete ----------------------------------------------------------------


def test_deleted_books_are_hidden_from_the_public_but_not_from_admins(admin_client, customer_client, api_client, book):
    assert admin_client.delete(f"{BOOKS}/{book.book_id}").status_code == 204

    for client in (api_client, customer_client):
        response = client.get(f"{BOOKS}/{book.book_id}", **TENANT1)
        assert response.status_code == 404
        assert error_of(response)["code"] == "book_not_found"
        assert client.get(f"{BOOKS}/isbn/{book.isbn}", **TENANT1).status_code == 404
        assert client.get(BOOKS, **TENANT1).json()["results"] == []
    assert admin_client.get(f"{BOOKS}/{book.book_id}").json()["is_active"] is False
    assert admin_client.get(f"{BOOKS}/isbn/{book.isbn}").status_code == 200

    restored = admin_client.patch(f"{BOOKS}/{book.book_id}", {"is_active": True}, format="json")
    assert restored.status_code == 200
    assert api_client.get(f"{BOOKS}/{book.book_id}", **TENANT1).status_code == 200


@pytest.mark.parametrize("book_id", ["not-a-uuid", "123", "8d88dc21-fa58-42d4-b38b-10dd7f07358"])
def test_a_malformed_book_id_is_404_never_500(admin_client, api_client, book_id):
    assert api_client.get(f"{BOOKS}/{book_id}", **TENANT1).status_code == 404
    assert admin_client.patch(f"{BOOKS}/{book_id}", {"title": "X"}, format="json").status_code == 404
    assert admin_client.delete(f"{BOOKS}/{book_id}").status_code == 404


def test_lookup_by_isbn_accepts_hyphens_and_the_other_form(api_client, admin_client, book_body):
    admin_client.post(BOOKS, book_body, format="json")
    by_hyphens = api_client.get(f"{BOOKS}/isbn/978-0-307-47472-8", **TENANT1)
    by_isbn10 = api_client.get(f"{BOOKS}/isbn/0307474720", **TENANT1)
    assert by_hyphens.json()["title"] == by_isbn10.json()["title"] == book_body["title"]
    bad = api_client.get(f"{BOOKS}/isbn/0307474721", **TENANT1)
    assert bad.status_code == 400
    assert error_of(bad)["code"] == "invalid_isbn"


def test_public_reads_need_a_tenant(api_client, book):
    assert error_of(api_client.get(BOOKS))["code"] == "tenant_required"
    assert api_client.get(f"{BOOKS}?tenant_id=tenant1").json()["results"][0]["book_id"] == book.book_id
    assert error_of(api_client.get(BOOKS, HTTP_X_TENANT_ID="nope"))["code"] == "tenant_not_found"


# --- tenant isolation ---------------------------------------------------------------------


def test_a_tenant1_book_is_invisible_through_tenant2(api_client, other_tenant_admin_client, admin_client, book_body):
    book = admin_client.post(BOOKS, book_body, format="json").json()
    tenant2 = {"HTTP_X_TENANT_ID": "tenant2"}

    assert api_client.get(f"{BOOKS}/{book['book_id']}", **tenant2).status_code == 404
    assert api_client.get(f"{BOOKS}/isbn/{book['isbn']}", **tenant2).status_code == 404
    assert api_client.get(BOOKS, **tenant2).json()["results"] == []
    assert api_client.get(f"{BOOKS}?category=Fiction", **tenant2).json()["results"] == []
    assert categories(api_client, **tenant2) == {}
    assert other_tenant_admin_client.get(f"{BOOKS}/{book['book_id']}").status_code == 404
    patch = other_tenant_admin_client.patch(f"{BOOKS}/{book['book_id']}", {"title": "Mine"}, format="json")
    assert patch.status_code == 404
    # The ISBN is unique per tenant, not globally.
    assert other_tenant_admin_client.post(BOOKS, book_body, format="json").status_code == 201
    assert admin_client.get(f"{BOOKS}/{book['book_id']}").json()["title"] == book_body["title"]


def test_a_token_for_tenant2_cannot_read_tenant1_by_naming_it(other_tenant_admin_client, book):
    response = other_tenant_admin_client.get(BOOKS, **TENANT1)
    assert response.status_code == 403
    assert error_of(response)["code"] == "tenant_mismatch"


# --- listing and cursors ------------------------------------------------------------------


def collect(client, query: str) -> tuple[list[str], list[int]]:
    """Follow `next` from the first page of `query` to the end: ids and page sizes."""
    ids, sizes, cursor = [], [], None
    while True:
        url = f"{BOOKS}?{query}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url, **TENANT1)
        assert response.status_code == 200, response.json()
        body = response.json()
        ids += [b["book_id"] for b in body["results"]]
        sizes.append(len(body["results"]))
        cursor = body["next"]
        if cursor is None:
            return ids, sizes


def test_walking_250_books_over_http_has_no_duplicates_and_no_gaps(api_client, tenant):
    catalog_seed(tenant_id="tenant1", target=250, seed=5)
    everything = {
        b.book_id: b for b in Book.scan((Book.tenant_id == "tenant1") & (Book.sk == Book.SORT_KEY))
    }  # test-only ground truth

    ids, sizes = collect(api_client, "limit=20")
    assert sizes == [20] * 12 + [10]
    assert len(ids) == len(set(ids)) == 250
    assert set(ids) == set(everything)

    ids, sizes = collect(api_client, "limit=7&category=Fiction&language=es")
    expected = {i for i, b in everything.items() if b.category == "Fiction" and b.language == "es"}
    assert len(ids) == len(set(ids))
    assert set(ids) == expected
    assert all(size == 7 for size in sizes[:-1])


def test_cursors_are_tamper_proof_and_bound_to_their_query(api_client, other_tenant, book_factory):
    for _ in range(3):
        book_factory(category="Fiction")
    first = api_client.get(f"{BOOKS}?limit=1&category=Fiction", **TENANT1).json()
    cursor = first["next"]
    assert api_client.get(f"{BOOKS}?limit=1&category=Fiction&cursor={cursor}", **TENANT1).status_code == 200

    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for url, headers in (
        (f"{BOOKS}?limit=1&category=Fiction&cursor={tampered}", TENANT1),
        (f"{BOOKS}?limit=1&category=Poetry&cursor={cursor}", TENANT1),  # another query
        (f"{BOOKS}?limit=1&category=Fiction&sort=price&cursor={cursor}", TENANT1),  # another sort
        (f"{BOOKS}?limit=1&category=Fiction&cursor={cursor}", {"HTTP_X_TENANT_ID": "tenant2"}),  # another tenant
        (f"{BOOKS}?limit=1&category=Fiction&cursor=garbage", TENANT1),
    ):
        response = api_client.get(url, **headers)
        assert response.status_code == 400, url
        assert error_of(response)["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=x",
        "sort=cheapest",
        "min_price=-1",
        "min_price=20&max_price=10",
        "language=english",
        "in_stock=maybe",
        "max_price=1.234",
    ],
)
def test_bad_listing_parameters_are_400(api_client, tenant, query):
    response = api_client.get(f"{BOOKS}?{query}", **TENANT1)
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"


def test_listing_filters_over_http(api_client, book_factory):
    cheap = book_factory(price=Decimal("5.00"), stock_quantity=0, language="es", author="Ana María Matute")
    dear = book_factory(price=Decimal("50.00"), stock_quantity=2, language="en", author="Ana María Matute")

    def ids(query):
        return [b["book_id"] for b in api_client.get(f"{BOOKS}?{query}", **TENANT1).json()["results"]]

    assert ids("sort=price") == [cheap.book_id, dear.book_id]
    assert ids("sort=-price") == [dear.book_id, cheap.book_id]
    assert ids("min_price=10") == [dear.book_id]
    assert ids("max_price=5") == [cheap.book_id]
    assert ids("in_stock=true") == [dear.book_id]
    assert ids("language=es") == [cheap.book_id]
    assert ids("author=ana maria matute&sort=price") == [cheap.book_id, dear.book_id]


# --- categories and authors ---------------------------------------------------------------


def test_category_counts_follow_create_update_recategorise_and_delete(admin_client, api_client, book_body):
    first = admin_client.post(BOOKS, book_body, format="json").json()
    second = admin_client.post(BOOKS, {**book_body, "isbn": "9780306406157"}, format="json").json()
    assert categories(api_client, **TENANT1) == {"Fiction": 2}

    admin_client.patch(f"{BOOKS}/{first['book_id']}", {"stock_quantity": 0, "price": "5.00"}, format="json")
    assert categories(api_client, **TENANT1) == {"Fiction": 2}

    admin_client.patch(f"{BOOKS}/{first['book_id']}", {"category": "Classics"}, format="json")
    assert categories(api_client, **TENANT1) == {"Classics": 1, "Fiction": 1}

    admin_client.delete(f"{BOOKS}/{second['book_id']}")
    assert categories(api_client, **TENANT1) == {"Classics": 1}


def test_authors_endpoint_filters_by_prefix_and_paginates(api_client, book_factory):
    for author in ("Gabriel García Márquez", "Gabriela Mistral", "Gloria Fuertes"):
        book_factory(author=author)
    first = api_client.get(f"{BOOKS}/authors?prefix=GABRI&limit=1", **TENANT1).json()
    second = api_client.get(f"{BOOKS}/authors?prefix=GABRI&limit=1&cursor={first['next']}", **TENANT1).json()

    assert [a["name"] for a in first["results"] + second["results"]] == ["Gabriel García Márquez", "Gabriela Mistral"]
    assert second["next"] is None
    assert first["results"][0]["count"] == 1
    other_prefix = api_client.get(f"{BOOKS}/authors?prefix=glo&cursor={first['next']}", **TENANT1)
    assert other_prefix.status_code == 400
