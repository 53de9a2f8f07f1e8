"""The OpenAPI schema as a reference (bookstore/openapi.py): tags, summaries, inputs and error codes."""

import re

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from bookstore.errors import CommonError, ErrorCode
from bookstore.openapi import ERRORS_ANYWHERE, tag_for_path

METHODS = ("get", "post", "put", "patch", "delete")
# Codes no endpoint answers through a view: operator commands and exports, and unknown paths.
NOT_FROM_VIEWS = {"invalid_tenant_id", "unknown_plan", "unknown_language", "tenant_exists", "not_found"}
NOT_FROM_VIEWS_MODULES = ("bookstore.dynamodb.exports", "bookstore.backups")  # commands only


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _all_error_codes(cls=ErrorCode) -> set[ErrorCode]:
    codes = set()
    for sub in cls.__subclasses__():
        if not sub.__module__.startswith(NOT_FROM_VIEWS_MODULES):
            codes |= set(sub) | _all_error_codes(sub)
    return codes


def test_every_operation_has_one_tag_of_the_declared_set_and_every_tag_is_used(schema):
    declared = [tag["name"] for tag in settings.SPECTACULAR_SETTINGS["TAGS"]]
    assert set(declared) >= {"accounts", "catalogue", "search", "cart", "purchases", "analytics", "admin"}
    used = set()
    for path, method, operation in _operations(schema):
        assert operation["tags"] == [tag_for_path(path)], f"{method.upper()} {path}"
        assert operation["tags"][0] in declared, f"{method.upper()} {path}: {operation['tags']}"
        used.add(operation["tags"][0])
    assert used == set(declared)


@pytest.mark.parametrize(
    ("path", "tag"),
    [
        ("/api/v1/users/wishlist/{book_id}", "accounts"),
        ("/api/v1/books/{book_id}", "catalogue"),
        ("/api/v1/books/recommendations/{user_id}", "catalogue"),
        ("/api/v1/books/search", "search"),
        ("/api/v1/books/suggest", "search"),
        ("/api/v1/cart/items/{book_id}", "cart"),
        ("/api/v1/purchases/checkout", "purchases"),
        ("/api/v1/purchases/analytics/summary", "purchases"),
        ("/api/v1/analytics/top-books", "analytics"),
        ("/api/v1/admin/purchases", "admin"),
        ("/api/v1/health", "project"),
    ],
)
def test_paths_are_tagged_by_domain(schema, path, tag):
    assert {op["tags"][0] for p, _, op in _operations(schema) if p == path} == {tag}


def test_every_operation_has_a_one_line_summary(schema):
    for path, method, operation in _operations(schema):
        summary = operation.get("summary", "")
        assert summary.strip(), f"{method.upper()} {path} has no summary"
        assert "\n" not in summary
    summaries = [op["summary"] for p, _, op in _operations(schema) if p == "/api/v1/users/wishlist/{book_id}"]
    assert len(set(summaries)) == 3, "each method of a view says what it does"


def test_every_operation_lists_its_error_codes_in_its_description_and_responses(schema):
    for path, method, operation in _operations(schema):
        where = f"{method.upper()} {path}"
        codes = operation["x-error-codes"]
        listed = re.findall(r"^- (\d{3}) `(\w+)`: .+$", operation["description"], re.MULTILINE)
        assert [code for _, code in listed] == codes, where
        assert ERRORS_ANYWHERE in operation["description"], where
        for status, code in listed:
            response = operation["responses"][status]
            assert f"`{code}`" in response["description"], where
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOutput"}
        if operation["tags"] != ["project"]:
            assert codes, f"{where} declares no error code"


def test_every_error_code_a_view_can_raise_is_declared_by_some_operation(schema):
    declared = {code for _, _, operation in _operations(schema) for code in operation["x-error-codes"]}
    anywhere = set(re.findall(r"`(\w+)`", ERRORS_ANYWHERE))
    known = {code.value for code in _all_error_codes()}
    assert anywhere <= {code.value for code in CommonError}
    assert known - declared - anywhere - NOT_FROM_VIEWS == set()
    assert declared <= known


def test_operations_declare_what_their_view_declares(schema):
    """The error codes follow the view's access: who may call it, and what a handler raises."""
    codes = {(path, method): set(op["x-error-codes"]) for path, method, op in _operations(schema)}
    assert {"tenant_required", "tenant_not_found"} <= codes[("/api/v1/books", "get")]
    assert not {"not_authenticated", "permission_denied"} & codes[("/api/v1/books", "get")]
    assert {"not_authenticated", "permission_denied", "isbn_taken"} <= codes[("/api/v1/books", "post")]
    assert "tenant_not_found" not in codes[("/api/v1/cart", "get")]  # a token's tenant is checked with the token
    assert {"idempotency_key_required", "insufficient_stock"} <= codes[("/api/v1/purchases/checkout", "post")]
    assert "invalid_cursor" in codes[("/api/v1/purchases", "get")]
    assert codes[("/api/v1/health", "get")] == set()


def test_request_bodies_and_query_parameters_come_from_the_declared_serializers(schema):
    paths = schema["paths"]
    body = paths["/api/v1/purchases/checkout"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CheckoutInputRequest"}
    assert "requestBody" not in paths["/api/v1/purchases/{purchase_id}/cancel"]["post"]  # takes no body
    assert {p["name"] for p in paths["/api/v1/books"]["get"]["parameters"]} >= {"category", "sort", "limit", "cursor"}
    assert [p["name"] for p in paths["/api/v1/books/{book_id}"]["delete"]["parameters"] if p["in"] == "query"] == [
        "version"
    ]
    assert not [p for p in paths["/api/v1/books/{book_id}"]["get"].get("parameters", []) if p["in"] == "query"]
    assert {p["name"] for p in paths["/api/v1/analytics/top-books"]["get"]["parameters"]} >= {"from", "to", "limit"}


def test_component_names_follow_the_serializer_names(schema):
    names = set(schema["components"]["schemas"])
    for name in names:
        assert re.search(r"(Output|InputRequest|Enum)$", name), name


def test_the_schema_description_links_to_the_docs():
    description = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    for page in (
        "docs/README.md",
        "docs/api/errors.md",
        "docs/api/tenancy-and-auth.md",
        "docs/api/pagination-and-caching.md",
    ):
        assert f"`{page}`" in description


def test_the_served_schema_has_the_tags_and_description(api_client):
    served = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert [tag["name"] for tag in served["tags"]] == [t["name"] for t in settings.SPECTACULAR_SETTINGS["TAGS"]]
    assert "docs/api/errors.md" in served["info"]["description"]
