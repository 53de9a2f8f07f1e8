"""The recount_facets command and catalog/services.py: facets_recount (repairs, idempotent, dry run)."""

import pytest
from django.core.management import CommandError, call_command

from catalog import keys
from catalog.models import BookFacet
from catalog.selectors import categories_list
from catalog.services import book_update, catalog_seed, facets_recount


def counts(tenant_id="tenant1", kind=keys.CATEGORY):
    return {f.sk: int(f.book_count) for f in BookFacet.query(keys.facet_partition(tenant_id, kind))}


@pytest.fixture
def interrupted_seed(tenant, connection_client):
    """A seed that stopped after writing its books, before it added their counts."""

    def stop_at_the_counts(**kwargs):
        # Fault injection: the process dies when the seed starts adding the counts.
        raise KeyboardInterrupt

    connection_client(BookFacet).meta.events.register("before-call.dynamodb.UpdateItem", stop_at_the_counts)
    try:
        with pytest.raises(KeyboardInterrupt):
            catalog_seed(tenant_id="tenant1", target=40, seed=1)
    finally:
        connection_client(BookFacet).meta.events.unregister("before-call.dynamodb.UpdateItem", stop_at_the_counts)


@pytest.fixture
def connection_client():
    return lambda model: model._get_connection().connection.client


def test_recount_repairs_the_counts_an_interrupted_seed_left_short(interrupted_seed, book_factory, capsys):
    book_factory(category="Poetry", author="Gloria Fuertes")  # its own transaction counted it
    assert counts() == {"poetry": 1}

    call_command("recount_facets", tenant="tenant1", dry_run=True)
    out = capsys.readouterr().out
    assert "Recounted 'tenant1' from 41 active books: would correct" in out
    assert counts() == {"poetry": 1}

    call_command("recount_facets", tenant="tenant1")
    assert "corrected" in capsys.readouterr().out
    categories = {f.name: int(f.book_count) for f in categories_list(tenant_id="tenant1")}
    assert sum(categories.values()) == 41
    assert categories["Poetry"] == 1
    assert sum(counts(kind=keys.AUTHOR).values()) == 41

    again = facets_recount(tenant_id="tenant1")
    assert (again.books, again.changes, again.raced) == (41, [], [])


def test_recount_zeroes_a_count_whose_books_are_gone_and_keeps_the_item(tenant, book_factory):
    book = book_factory(category="Poetry")
    BookFacet(pk=keys.facet_partition("tenant1", keys.CATEGORY), sk="poetry").update(
        actions=[BookFacet.book_count.add(5)]
    )
    book_update(tenant_id="tenant1", book_id=book.book_id, is_active=False)
    assert counts() == {"poetry": 5}
    result = facets_recount(tenant_id="tenant1")
    assert [(c.name, c.before, c.after) for c in result.changes] == [("Poetry", 5, 0)]
    assert counts() == {"poetry": 0}


def test_a_count_changed_during_the_recount_is_left_for_a_re_run(tenant, book_factory, connection_client):
    book_factory(category="Poetry")
    BookFacet(pk=keys.facet_partition("tenant1", keys.CATEGORY), sk="poetry").update(
        actions=[BookFacet.book_count.add(3)]
    )
    sent = []

    def a_book_is_added_meanwhile(**kwargs):
        # Fault injection: an admin adds a Poetry book just before the recount writes.
        if not sent:
            sent.append(1)
            book_factory(category="Poetry")

    client = connection_client(BookFacet)
    client.meta.events.register("before-call.dynamodb.UpdateItem", a_book_is_added_meanwhile)
    try:
        result = facets_recount(tenant_id="tenant1")
    finally:
        client.meta.events.unregister("before-call.dynamodb.UpdateItem", a_book_is_added_meanwhile)
    assert [(c.name, c.before, c.after) for c in result.raced] == [("Poetry", 4, 1)]
    assert counts()["poetry"] == 5  # the admin's +1 was not overwritten
    facets_recount(tenant_id="tenant1")
    assert counts()["poetry"] == 2


def test_recount_of_an_unknown_tenant_fails_cleanly(emulator):
    with pytest.raises(CommandError, match="Tenant not found"):
        call_command("recount_facets", tenant="nobody")
