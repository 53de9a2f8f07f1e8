"""Where noida-db differs from Elasticsearch 8: each test states Elasticsearch's documented behaviour.

Our code follows Elasticsearch; these strict xfails record the local server's gaps and
start failing (XPASS) the day noida-db closes one, so the note can go.
"""

import pytest


@pytest.fixture
def client(search_engine):
    from elasticsearch import Elasticsearch

    client = Elasticsearch(search_engine.url)
    yield client
    client.indices.delete(index="bookstore-test-books-gaps", ignore_unavailable=True)
    client.close()


@pytest.mark.xfail(
    strict=True,
    reason="noida-db 0.2.3 indexes a numeric string in a scaled_float for sorting but not for range "
    "queries; Elasticsearch coerces it (`coerce` defaults to true). Our documents send JSON numbers.",
)
def test_a_numeric_string_is_coerced_into_a_scaled_float(client):
    client.indices.create(
        index="bookstore-test-books-gaps",
        mappings={"properties": {"price": {"type": "scaled_float", "scaling_factor": 100}}},
    )
    client.index(index="bookstore-test-books-gaps", id="1", document={"price": "9.10"}, refresh=True)
    hits = client.search(index="bookstore-test-books-gaps", query={"range": {"price": {"lte": 10}}})["hits"]
    assert hits["total"]["value"] == 1


@pytest.mark.xfail(
    strict=True,
    reason="noida-db 0.2.3's `spanish` analyzer leaves `code` whole; Elasticsearch's Spanish snowball "
    "stemmer removes the final vowel (`code` -> `cod`). Searches still find it through fuzziness.",
)
def test_the_spanish_analyzer_removes_a_final_vowel(client):
    tokens = client.indices.analyze(analyzer="spanish", text="code")["tokens"]
    assert [t["token"] for t in tokens] == ["cod"]


@pytest.mark.xfail(
    strict=True,
    reason="noida-db 0.2.3 ignores `boost` on a terms query in a bool should; Elasticsearch multiplies "
    "the clause's constant score by it. Recommendations rank with function_score weights instead.",
)
def test_a_terms_boost_raises_the_score(client):
    client.indices.create(index="bookstore-test-books-gaps", mappings={"properties": {"c": {"type": "keyword"}}})
    client.index(index="bookstore-test-books-gaps", id="1", document={"c": "a"}, refresh=True)
    query = {"bool": {"should": [{"terms": {"c": ["a"], "boost": 5}}]}}
    hits = client.search(index="bookstore-test-books-gaps", query=query)["hits"]["hits"]
    assert hits[0]["_score"] == 5
