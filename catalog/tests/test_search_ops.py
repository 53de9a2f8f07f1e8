"""Search operations against noida-db: rebuild with an alias swap, engine outages, per-tenant clusters, health."""

import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings

from testing.waiting import wait_until

SEARCH = "/api/v1/books/search"
TENANT1 = {"HTTP_X_TENANT_ID": "tenant1"}


def behind_alias(tenant_id: str = "tenant1") -> list[str]:
    from catalog.search.engine import engine_for
    from catalog.search.index import alias_name, indices_behind

    return indices_behind(engine_for(tenant_id), alias_name(tenant_id))


def test_rebuild_builds_a_new_index_and_swaps_the_alias(api_client, book_factory, index_books):
    books = [book_factory(title=f"Libro {n}") for n in range(5)]
    index_books(*books[:2])  # the index lags: three books never reached it
    assert behind_alias() == ["bookstore-test-books-tenant1-v1"]

    call_command("rebuild_search_index", tenant="tenant1")
    assert behind_alias() == ["bookstore-test-books-tenant1-v2"]
    assert api_client.get(f"{SEARCH}?q=libro", **TENANT1).json()["total"] == 5

    call_command("rebuild_search_index", all=True)  # safe to re-run
    assert behind_alias() == ["bookstore-test-books-tenant1-v3"]
    assert api_client.get(f"{SEARCH}?q=libro", **TENANT1).json()["total"] == 5


def test_rebuild_leaves_out_inactive_books_and_builds_a_first_index(api_client, book_factory):
    from catalog.services import book_delete

    kept, gone = book_factory(title="Kept"), book_factory(title="Gone")
    book_delete(tenant_id="tenant1", book_id=gone.book_id)
    call_command("rebuild_search_index", tenant="tenant1")
    assert behind_alias() == ["bookstore-test-books-tenant1-v1"]
    body = api_client.get(SEARCH, **TENANT1).json()
    assert [hit["book_id"] for hit in body["results"]] == [kept.book_id]


def test_searches_keep_answering_while_the_alias_swaps(api_client, book_factory, index_books):
    books = [book_factory(title=f"Novela {n}", price=Decimal(n + 1)) for n in range(40)]
    index_books(*books)
    answers, done = [], threading.Event()

    def keep_searching():
        while not done.is_set():
            response = api_client.get(f"{SEARCH}?q=novela&limit=1", **TENANT1)
            answers.append((response.status_code, response.json().get("total")))

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        wait_until(lambda: answers, what="a first search answer")
        for _ in range(3):
            call_command("rebuild_search_index", tenant="tenant1")
        swapped = len(answers)
        wait_until(lambda: len(answers) > swapped, what="a search answer after the last swap")
    finally:
        done.set()
        searcher.join()
    assert set(answers) == {(200, 40)}
    assert behind_alias() == ["bookstore-test-books-tenant1-v4"]


def test_rebuild_of_an_unknown_tenant_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Tenant not found"):
        call_command("rebuild_search_index", tenant="nope")


def test_a_stopped_engine_gives_503_then_recovers(api_client, book_factory, index_books, search_engine):
    index_books(book_factory(title="Clean Code"))
    search_engine.stop()
    try:
        for url in (f"{SEARCH}?q=clean", "/api/v1/books/suggest?q=cle"):
            response = api_client.get(url, **TENANT1)
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "search_unavailable"
        health = api_client.get("/api/v1/health")
        assert health.status_code == 200
        assert health.json()["services"] == {"search": "unavailable"}
        assert api_client.get("/api/v1/books", **TENANT1).status_code == 200  # the listing does not need it
    finally:
        search_engine.start()
    body = api_client.get(f"{SEARCH}?q=clean", **TENANT1).json()
    assert [hit["title"] for hit in body["results"]] == ["Clean Code"]
    assert api_client.get("/api/v1/health").json()["services"] == {"search": "ok"}


def test_a_stopped_engine_makes_the_indexer_raise_so_records_are_retried(book_factory, index_books, search_engine):
    from elasticsearch import TransportError

    book = book_factory()
    search_engine.stop()
    try:
        with pytest.raises(TransportError):
            index_books(book)
    finally:
        search_engine.start()


@pytest.fixture
def second_cluster(tmp_path):
    """Another noida-db, standing in for a tenant's own Elasticsearch cluster."""
    from local_stack.processes import free_port
    from local_stack.search_engine import start_search_engine

    engine = start_search_engine(port=free_port(), data_dir=tmp_path / "second")
    yield engine
    engine.stop()


def test_a_tenant_url_map_sends_each_tenant_to_its_cluster(
    api_client, tenant, other_tenant, book_factory, index_books, second_cluster, search_engine
):
    from elasticsearch import Elasticsearch

    from catalog.search.engine import engine_url

    with override_settings(ELASTICSEARCH_URLS={"tenant2": second_cluster.url}):
        assert engine_url("tenant2") == second_cluster.url
        assert engine_url("tenant1") == search_engine.url
        index_books(book_factory(title="Uno"))
        index_books(book_factory(other_tenant, title="Dos"), tenant_id="tenant2")
        assert [h["title"] for h in api_client.get(SEARCH, **TENANT1).json()["results"]] == ["Uno"]
        theirs = api_client.get(SEARCH, HTTP_X_TENANT_ID="tenant2").json()
        assert [h["title"] for h in theirs["results"]] == ["Dos"]
    second = Elasticsearch(second_cluster.url)
    assert list(second.indices.get(index="bookstore-test-books-*")) == ["bookstore-test-books-tenant2-v1"]
    first = Elasticsearch(search_engine.url)
    assert list(first.indices.get(index="bookstore-test-books-*")) == ["bookstore-test-books-tenant1-v1"]


def test_a_star_entry_serves_every_unlisted_tenant():
    from catalog.search.engine import engine_url

    urls = {"tenant1": "http://es-tenant1:9201", "*": "http://es-shared:9200"}
    with override_settings(ELASTICSEARCH_URLS=urls, ELASTICSEARCH_URL="http://default:9200"):
        assert engine_url("tenant1") == "http://es-tenant1:9201"
        assert engine_url("tenant9") == "http://es-shared:9200"
    with override_settings(ELASTICSEARCH_URLS={}, ELASTICSEARCH_URL="http://default:9200"):
        assert engine_url("tenant9") == "http://default:9200"
