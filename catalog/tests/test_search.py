"""catalog/search over HTTP against noida-db: text matching, filters, facets, sorts, pages, isolation, indexing."""

from decimal import Decimal

import pytest

SEARCH = "/api/v1/books/search"
SUGGEST = "/api/v1/books/suggest"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}


@pytest.fixture
def library(book_factory, index_books):
    """Five books of tenant1, indexed; returned by title."""
    books = [
        book_factory(
            title="Clean Code",
            author="Robert C. Martin",
            category="Software",
            price=Decimal("32.50"),
            language="en",
            stock_quantity=5,
            rating=Decimal("4.70"),
            publication_year=2008,
            description="A handbook of agile software craftsmanship.",
        ),
        book_factory(title="Cien años de soledad", rating=Decimal("4.80"), publication_year=1967),
        book_factory(
            title="El amor en los tiempos del cólera",
            price=Decimal("15.00"),
            stock_quantity=0,
            rating=Decimal("4.50"),
        ),
        book_factory(
            title="La canción de Rolando",
            author="Anónimo",
            category="Poesía",
            price=Decimal("9.50"),
            stock_quantity=3,
        ),
        book_factory(
            title="The Pragmatic Programmer",
            author="Andrew Hunt",
            category="Software",
            price=Decimal("41.00"),
            language="en",
            stock_quantity=2,
            rating=Decimal("4.60"),
        ),
    ]
    index_books(*books)
    return {book.title: book for book in books}


def search(client, query: str = "", **headers):
    response = client.get(f"{SEARCH}?{query}", **(headers or TENANT1))
    assert response.status_code == 200, response.content
    return response.json()


def titles(body) -> list[str]:
    return [hit["title"] for hit in body["results"]]


# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("clen cod", "Clean Code"),  # two typos
        ("Clean Code", "Clean Code"),
        ("anos soledades", "Cien años de soledad"),  # no accent, and the plural of the Spanish stem
        ("cancion", "La canción de Rolando"),  # accent folded
        ("cólera", "El amor en los tiempos del cólera"),
        ("pragmatic programmers", "The Pragmatic Programmer"),  # English stem
        ("garcia marquez", "Cien años de soledad"),  # author, no accents
    ],
)
def test_text_finds_the_book(api_client, library, q, expected):
    body = search(api_client, f"q={q}")
    assert expected in titles(body)
    assert titles(body)[0] == expected or q == "garcia marquez"


def test_a_search_returns_the_documented_shape(api_client, library):
    body = search(api_client, "q=clean")
    assert set(body) == {"results", "total", "facets", "next"}
    hit = body["results"][0]
    book = library["Clean Code"]
    assert hit["book_id"] == book.book_id
    assert hit["price"] == "32.50"  # a decimal string, exactly as written
    assert hit["rating"] == "4.70"
    assert hit["in_stock"] is True  # the flag, never the count: sales do not reindex
    assert body["total"] == 1


def test_an_unrelated_word_finds_nothing(api_client, library):
    body = search(api_client, "q=zzzzqqq")
    assert body == {"results": [], "total": 0, "facets": {"category": [], "language": []}, "next": None}


def test_an_empty_q_lists_every_book(api_client, library):
    body = search(api_client)
    assert body["total"] == 5
    assert sorted(titles(body)) == sorted(library)


def test_a_tenant_without_an_index_gets_an_empty_result(api_client, tenant):
    assert search(api_client, "q=anything")["total"] == 0


# --- filters, facets and sorts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=Software", {"Clean Code", "The Pragmatic Programmer"}),
        ("category=poesia", {"La canción de Rolando"}),  # case and accents folded, as GET books does
        ("author=Gabriel Garcia Marquez", {"Cien años de soledad", "El amor en los tiempos del cólera"}),
        ("min_price=19.99", {"Clean Code", "The Pragmatic Programmer", "Cien años de soledad"}),
        ("max_price=15", {"El amor en los tiempos del cólera", "La canción de Rolando"}),
        ("min_price=15&max_price=19.99", {"El amor en los tiempos del cólera", "Cien años de soledad"}),
        ("language=en", {"Clean Code", "The Pragmatic Programmer"}),
        ("in_stock=false", {"El amor en los tiempos del cólera"}),
        ("in_stock=true&language=es", {"Cien años de soledad", "La canción de Rolando"}),
        ("q=code&category=Fiction", set()),
    ],
)
def test_each_filter(api_client, library, query, expected):
    body = search(api_client, query)
    assert set(titles(body)) == expected
    assert body["total"] == len(expected)


def test_facets_count_the_matching_books(api_client, library):
    body = search(api_client)
    assert {f["value"]: f["count"] for f in body["facets"]["category"]} == {"Fiction": 2, "Software": 2, "Poesía": 1}
    assert {f["value"]: f["count"] for f in body["facets"]["language"]} == {"es": 3, "en": 2}
    filtered = search(api_client, "in_stock=true")
    in_stock = {f["value"]: f["count"] for f in filtered["facets"]["category"]}
    assert in_stock == {"Fiction": 1, "Software": 2, "Poesía": 1}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["La canción de Rolando", "El amor en los tiempos del cólera", "Cien años de soledad"]),
        ("-price", ["The Pragmatic Programmer", "Clean Code", "Cien años de soledad"]),
        ("rating", ["Cien años de soledad", "Clean Code", "The Pragmatic Programmer"]),
        ("newest", ["The Pragmatic Programmer", "La canción de Rolando", "El amor en los tiempos del cólera"]),
    ],
)
def test_each_sort(api_client, library, sort, expected):
    assert titles(search(api_client, f"sort={sort}&limit=3")) == expected


def test_rating_sort_puts_unrated_books_last(api_client, library):
    assert titles(search(api_client, "sort=rating"))[-1] == "La canción de Rolando"


def test_min_rating_keeps_books_rated_at_least_that(api_client, library):
    rated = titles(search(api_client, "min_rating=4.7&sort=rating"))
    assert rated == ["Cien años de soledad", "Clean Code"]
    assert "La canción de Rolando" not in titles(search(api_client, "min_rating=0"))  # unrated: never a match


def test_relevance_ranks_a_title_match_first(api_client, library):
    assert titles(search(api_client, "q=software&sort=relevance"))[0] != "Cien años de soledad"
    assert titles(search(api_client, "q=programmer"))[0] == "The Pragmatic Programmer"


@pytest.mark.parametrize(
    "query", ["sort=popular", "min_price=5&max_price=1", "language=xx", "limit=0", "limit=101", "min_rating=5.5"]
)
def test_bad_parameters_are_a_400(api_client, library, query):
    response = api_client.get(f"{SEARCH}?{query}", **TENANT1)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "price", "-price", "newest", "rating"])
def test_pages_cover_every_book_once(api_client, book_factory, index_books, sort):
    books = [
        book_factory(title=f"Libro {n}", price=Decimal(10 + n % 3), rating=None if n % 4 else Decimal("4.00"))
        for n in range(11)
    ]
    index_books(*books)
    seen, url, pages = [], f"{SEARCH}?q=libro&sort={sort}&limit=3", 0
    while url:
        body = api_client.get(url, **TENANT1).json()
        assert body["total"] == 11
        seen += [hit["book_id"] for hit in body["results"]]
        pages += 1
        url = f"{SEARCH}?q=libro&sort={sort}&limit=3&cursor={body['next']}" if body["next"] else None
    assert pages == 4
    assert sorted(seen) == sorted(book.book_id for book in books)


def test_a_cursor_only_resumes_its_own_query(api_client, library):
    cursor = search(api_client, "sort=price&limit=2")["next"]
    for other in (f"sort=-price&limit=2&cursor={cursor}", f"sort=price&limit=2&language=es&cursor={cursor}"):
        response = api_client.get(f"{SEARCH}?{other}", **TENANT1)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_cursor"
    response = api_client.get(f"{SEARCH}?sort=price&limit=2&cursor={cursor}x", **TENANT1)
    assert response.json()["error"]["code"] == "invalid_cursor"


# --- tenants ------------------------------------------------------------------------------------


def test_tenants_never_see_each_others_books(api_client, library, other_tenant, book_factory, index_books):
    theirs = book_factory(other_tenant, title="Clean Architecture", author="Robert C. Martin")
    index_books(theirs, tenant_id="tenant2")
    assert "Clean Architecture" not in titles(search(api_client, "q=clean"))
    body = search(api_client, "q=clean", HTTP_X_TENANT_ID="tenant2")
    assert titles(body) == ["Clean Architecture"]


def test_an_unknown_tenant_is_a_404(api_client):
    response = api_client.get(f"{SEARCH}?q=x", HTTP_X_TENANT_ID="nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "tenant_not_found"


# --- indexing -----------------------------------------------------------------------------------


def test_a_removed_or_deactivated_book_disappears(api_client, library, index_books):
    from catalog.services import book_delete

    clean = library["Clean Code"]
    index_books(removals=(clean.book_id,))
    assert "Clean Code" not in titles(search(api_client))

    pragmatic = book_delete(tenant_id="tenant1", book_id=library["The Pragmatic Programmer"].book_id)
    index_books(pragmatic.book)  # its new image, inactive
    assert set(titles(search(api_client, "category=Software"))) == set()


def test_a_stale_replayed_version_never_overwrites_a_newer_one(api_client, library, index_books):
    from catalog.services import book_update

    old = library["Clean Code"]
    new = book_update(tenant_id="tenant1", book_id=old.book_id, title="Clean Code, Second Edition").book
    assert index_books(new).written == 1
    replay = index_books(old)  # the earlier stream record, delivered again
    assert (replay.written, replay.stale) == (0, 1)
    assert titles(search(api_client, "q=clean")) == ["Clean Code, Second Edition"]
    assert index_books(new).written == 1  # the same version again (external_gte) rewrites the same document
    assert titles(search(api_client, "q=clean")) == ["Clean Code, Second Edition"]


def test_a_failed_document_raises_so_the_record_is_retried(library, index_books):
    from catalog.search.engine import engine_for
    from catalog.search.index import alias_name
    from catalog.search.indexer import SearchIndexingError

    client = engine_for("tenant1")
    client.indices.put_settings(index=alias_name("tenant1"), settings={"index.blocks.write": True})
    try:
        with pytest.raises(SearchIndexingError) as failure:
            index_books(library["Clean Code"])
    finally:
        client.indices.put_settings(index=alias_name("tenant1"), settings={"index.blocks.write": False})
    assert failure.value.failures[0]["_id"] == library["Clean Code"].book_id
    assert failure.value.failures[0]["status"] == 403


# --- suggest ------------------------------------------------------------------------------------


def suggest(client, q):
    response = client.get(f"{SUGGEST}?q={q}", **TENANT1)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_suggest_completes_titles_and_authors(api_client, library):
    assert [s["title"] for s in suggest(api_client, "clea")] == ["Clean Code"]
    assert suggest(api_client, "cle")[0]["title"] == "Clean Code"  # an exact prefix before a fuzzy one
    by_author = suggest(api_client, "gabriel garc")
    assert {s["title"] for s in by_author} == {"Cien años de soledad", "El amor en los tiempos del cólera"}
    assert by_author[0]["author"] == "Gabriel García Márquez"
    assert set(by_author[0]) == {"book_id", "title", "author", "text"}


def test_suggest_tolerates_a_typo_and_lists_a_book_once(api_client, library, book_factory, index_books):
    assert "Clean Code" in [s["title"] for s in suggest(api_client, "clen")]
    index_books(book_factory(title="Martin Eden", author="Jack London"))
    ids = [s["book_id"] for s in suggest(api_client, "mart")]
    assert len(ids) == len(set(ids))


def test_suggest_needs_q(api_client, library):
    response = api_client.get(SUGGEST, **TENANT1)
    assert response.status_code == 400
