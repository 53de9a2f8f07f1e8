"""The browsable API (bookstore/browsable.py, bookstore/api.py, bookstore/views.py): root, forms, filters, picker."""

import re
import uuid

import pytest
from django.conf import settings
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

HTML = {"HTTP_ACCEPT": "text/html"}
FORM_IDS = {"post": "post-object-form", "put": "put-object-form", "patch": "patch-object-form"}


def _url_names(resolver, namespace: str = "") -> set[str]:
    names = {f"{namespace}{key}" for key in resolver.reverse_dict if isinstance(key, str)}
    for prefix, (_, inner) in resolver.namespace_dict.items():
        names |= _url_names(inner, f"{namespace}{prefix}:")
    return names


def _form_fields(html: str, form_id: str) -> set[str]:
    """The input names of one of the page's HTML forms (DRF's `post-object-form`, ...)."""
    start = html.index(f'id="{form_id}"')
    return set(re.findall(r'name="([^"]+)"', html[start : html.index("</form>", start)]))


def _request_fields(schema: dict, body: dict) -> set[str]:
    """The form field names of an OpenAPI request body: nested objects as `parent.child`, lists left out."""

    def props(ref: str) -> dict:
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {})

    fields = set()
    for name, prop in props(body["content"]["application/json"]["schema"]["$ref"]).items():
        if prop.get("readOnly") or prop.get("type") == "array":
            continue
        ref = prop.get("$ref") or next((p["$ref"] for p in prop.get("allOf", []) if "$ref" in p), None)
        if ref:
            fields |= {f"{name}.{sub}" for sub, p in props(ref).items() if p.get("type") != "array"}
        else:
            fields.add(name)
    return fields


def test_root_redirects_to_the_api_root(api_client):
    response = api_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/"


def test_api_root_lists_every_url_name_of_the_url_conf(api_client):
    root = api_client.get("/api/v1/").json()
    listed = {name for group in root.values() for name in group}
    assert _url_names(get_resolver()) <= listed
    assert root["catalog"]["book-list"] == "http://testserver/api/v1/books"
    assert root["catalog"]["book-detail"] == "http://testserver/api/v1/books/{book_id}"
    assert root["documentation"]["redoc"] == "http://testserver/api/redoc/"


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_load_only_local_static_assets(api_client, page):
    html = api_client.get(page).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page loads no script"
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), "an asset from another host"
    for asset in assets:
        # The sidecar's files, our page rules, and Swagger UI's start-up script from the same view.
        assert asset.startswith(("/static/drf_spectacular_sidecar/", "/static/bookstore/", f"{page}?script")), asset
        served = api_client.get(asset)
        assert served.status_code == 200, asset
        if served.streaming:
            b"".join(served.streaming_content)


def test_every_write_endpoint_has_an_html_form_with_its_input_fields(
    tenant, admin, book, client_for, placed_order, customer, review_factory
):
    """Each documented request body becomes an HTML form with exactly those fields, for every write method."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    purchase = placed_order(admin, book)
    ids = {"book_id": book.book_id, "purchase_id": purchase.purchase_id, "isbn": book.isbn, "user_id": admin.user_id}
    ids["review_id"] = review_factory(customer, book).review_id
    ids["message_id"] = "20260101T000000000000Z-00000000"  # the outbox's pages take no body: never requested
    client = client_for(admin)
    webhook = client.post(
        "/api/v1/admin/webhooks", {"url": "http://127.0.0.1:9/", "events": ["order.paid"]}, format="json"
    )
    ids["webhook_id"], ids["delivery_id"] = (
        webhook.json()["webhook_id"],
        "dlv_none",
    )  # a POST-only page: no delivery read
    checked = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        for method in FORM_IDS.keys() & operations.keys():
            if method == "patch" and "put" in operations:
                continue  # DRF's PUT form edits the resource; PATCH stays in its raw-data tab
            html = client.get(url, **HTML).content.decode()
            assert f'id="{FORM_IDS[method]}"' in html, f"{method.upper()} {path} has no HTML form"
            fields = _form_fields(html, FORM_IDS[method])
            body = operations[method].get("requestBody")
            expected = _request_fields(schema, body) if body else set()
            assert expected <= fields, f"{method.upper()} {path}: {expected - fields} missing from the form"
            checked += 1
    assert checked >= 15


def test_choices_render_as_selects(client_for, customer):
    html = client_for(customer).get("/api/v1/purchases/checkout", **HTML).content.decode()
    form = html[html.index('id="post-object-form"') :]
    assert re.search(r'<select[^>]*name="payment_method"', form)
    assert 'value="cash_on_delivery"' in form


def test_a_query_string_prefills_the_form(client_for, customer, book):
    html = client_for(customer).get(f"/api/v1/cart/add?book_id={book.book_id}", **HTML).content.decode()
    assert re.search(rf'name="book_id"[^>]*value="{book.book_id}"', html)


def test_profile_form_starts_from_the_current_profile(client_for, user_factory, tenant):
    user = user_factory(tenant)
    html = client_for(user).get("/api/v1/users/profile", **HTML).content.decode()
    form = html[html.index('id="patch-object-form"') :]
    assert re.search(r'name="first_name"[^>]*value="Test"', form)


def test_the_checkout_form_carries_an_idempotency_key_so_a_double_submit_is_one_order(
    client_for, customer, book, cart_with, stock_of
):
    client = client_for(customer)
    cart_with(customer, book, 2)
    html = client.get("/api/v1/purchases/checkout", **HTML).content.decode()
    key = re.search(r'name="_idempotency_key" value="([^"]+)"', html).group(1)
    form = {
        "_idempotency_key": key,
        "payment_method": "card",
        "shipping_address.line1": "Calle Mayor 1",
        "shipping_address.city": "Madrid",
        "shipping_address.postal_code": "28013",
        "shipping_address.country": "ES",
    }
    first = client.post("/api/v1/purchases/checkout", form, format="multipart")
    second = client.post("/api/v1/purchases/checkout", form, format="multipart")
    assert first.status_code == 201, first.content
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["purchase_id"] == first.json()["purchase_id"]
    assert stock_of(book) == 8
    assert len(client.get("/api/v1/purchases").json()["results"]) == 1


def test_a_header_wins_over_the_forms_idempotency_key(client_for, customer, book, cart_with):
    client = client_for(customer)
    cart_with(customer, book)
    header_key = str(uuid.uuid4())
    form = {
        "_idempotency_key": "not-a-uuid",
        "payment_method": "card",
        "shipping_address.line1": "Calle Mayor 1",
        "shipping_address.city": "Madrid",
        "shipping_address.postal_code": "28013",
        "shipping_address.country": "ES",
    }
    response = client.post("/api/v1/purchases/checkout", form, format="multipart", HTTP_IDEMPOTENCY_KEY=header_key)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("url", "who", "fields"),
    [
        (
            "/api/v1/books",
            "anonymous",
            {"category", "author", "min_price", "max_price", "language", "in_stock", "sort"},
        ),
        ("/api/v1/purchases", "customer", {"status", "limit"}),
        ("/api/v1/admin/purchases", "admin", {"status", "date_from", "date_to"}),
    ],
)
def test_lists_show_a_filter_form_for_their_query_parameters(url, who, fields, tenant, customer, admin, client_for):
    client = APIClient() if who == "anonymous" else client_for(customer if who == "customer" else admin)
    html = client.get(url, {"tenant_id": tenant.tenant_id} if who == "anonymous" else {}, **HTML).content.decode()
    filters = html[html.index('id="filtersModal"') :]
    names = set(re.findall(r'name="([^"]+)"', filters[: filters.index("</form>")]))
    assert fields <= names
    assert "cursor" not in names


def test_a_filter_form_keeps_the_current_filters(tenant, api_client):
    html = api_client.get("/api/v1/books", {"tenant_id": tenant.tenant_id, "category": "Poetry"}, **HTML)
    filters = html.content.decode()[html.content.decode().index('id="filtersModal"') :]
    assert re.search(r'name="category"[^>]*value="Poetry"', filters)


def test_the_next_cursor_is_a_link(tenant, book_factory, api_client):
    for _ in range(3):
        book_factory()
    page = api_client.get("/api/v1/books", {"tenant_id": tenant.tenant_id, "limit": 2}, **HTML).content.decode()
    link = re.search(r'id="next-page" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    following = api_client.get(link, HTTP_ACCEPT="application/json")
    assert following.status_code == 200
    assert len(following.json()["results"]) == 1


# --- The tenant picker ------------------------------------------------------------------


def test_the_picker_lists_active_shops_by_name_with_one_query(tenant, other_tenant, api_client, dynamodb_calls):
    from bookstore.tenants import tenants_list_active

    dynamodb_calls.clear()
    shops = tenants_list_active()
    assert [(s.tenant_id, s.name) for s in shops] == [("tenant1", "Tenant One"), ("tenant2", "Tenant Two")]
    assert dynamodb_calls == {"Query": 1}
    html = api_client.get("/api/v1/", **HTML).content.decode()
    picker = html[html.index('id="tenant-picker"') : html.index("</form>", html.index('id="tenant-picker"'))]
    assert ">Tenant One</option>" in picker
    assert ">Tenant Two</option>" in picker


def test_an_inactive_shop_is_not_listed(tenant, tenant_factory):
    from bookstore.models import Tenant
    from bookstore.tenants import tenants_list_active

    closed = tenant_factory("closed-shop", "Closed")
    closed.update(actions=[Tenant.is_active.set(False)])
    assert [s.tenant_id for s in tenants_list_active()] == ["tenant1"]


def _pick(client: APIClient, tenant_id: str):
    client.get("/api/v1/", **HTML)
    return client.post(
        "/api/auth/tenant/",
        {"tenant_id": tenant_id, "next": "/api/v1/books", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )


def test_a_picked_shop_is_the_default_tenant_of_anonymous_requests(tenant, other_tenant, book_factory):
    book_factory(tenant, title="In shop one")
    book_factory(other_tenant, title="In shop two")
    client = APIClient(enforce_csrf_checks=True)
    response = _pick(client, "tenant2")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/books"
    assert response.cookies[settings.TENANT_COOKIE_NAME]["httponly"]
    assert [b["title"] for b in client.get("/api/v1/books").json()["results"]] == ["In shop two"]
    html = client.get("/api/v1/books", **HTML).content.decode()
    assert "Bookstore — Tenant Two" in html
    # A tenant named in the request still wins over the cookie.
    named = client.get("/api/v1/books", HTTP_X_TENANT_ID="tenant1").json()["results"]
    assert [b["title"] for b in named] == ["In shop one"]


def test_picking_an_unknown_shop_sets_nothing(tenant):
    client = APIClient(enforce_csrf_checks=True)
    response = _pick(client, "no-such-shop")
    assert response.status_code == 302
    assert settings.TENANT_COOKIE_NAME not in response.cookies


def test_the_tokens_tenant_wins_over_the_picked_shop(tenant, other_tenant, book_factory, customer, client_for):
    book_factory(tenant, title="In shop one")
    book_factory(other_tenant, title="In shop two")
    client = client_for(customer)
    client.cookies[settings.TENANT_COOKIE_NAME] = "tenant2"
    assert [b["title"] for b in client.get("/api/v1/books").json()["results"]] == ["In shop one"]
    mismatch = client.get("/api/v1/books", {"tenant_id": "tenant2"})
    assert mismatch.status_code == 403
    assert mismatch.json()["error"]["code"] == "tenant_mismatch"


def test_a_stale_picked_shop_is_tenant_not_found(tenant):
    client = APIClient()
    client.cookies[settings.TENANT_COOKIE_NAME] = "gone-shop"
    response = client.get("/api/v1/books")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "tenant_not_found"


# --- Branding, identity, admin navigation, logout ---------------------------------------


def test_the_navbar_shows_the_shop_the_email_and_the_role(tenant, customer, client_for):
    html = client_for(customer).get("/api/v1/users/profile", **HTML).content.decode()
    assert "<title>Profile · Bookstore — Tenant One</title>" in html
    assert "Django REST framework" not in html
    assert "customer@example.com · customer" in html
    assert "TokenUser" not in html
    assert 'class="admin-link"' not in html
    assert 'id="tenant-picker"' not in html


def test_admins_get_links_to_the_admin_pages(tenant, admin, client_for):
    html = client_for(admin).get("/api/v1/", **HTML).content.decode()
    links = dict(re.findall(r'<a class="admin-link" href="([^"]+)">([^<]+)</a>', html))
    assert links["/api/v1/books"] == "Create a book"
    assert links["/api/v1/admin/purchases"] == "All purchases"


def test_the_login_form_starts_with_the_picked_shop(tenant):
    client = APIClient()
    client.cookies[settings.TENANT_COOKIE_NAME] = "tenant1"
    html = client.get("/api/auth/login/").content.decode()
    assert re.search(r'name="tenant_id" value="tenant1"', html)


def test_reports_show_a_filter_form_from_their_query_serializer(admin, client_for):
    html = client_for(admin).get("/api/v1/analytics/top-books", **HTML).content.decode()
    filters = html[html.index('id="filtersModal"') :]
    assert {"from", "to", "limit"} <= set(re.findall(r'name="([^"]+)"', filters[: filters.index("</form>")]))


def test_a_report_range_the_page_refuses_still_draws_its_page(admin, client_for):
    response = client_for(admin).get("/api/v1/analytics/summary?from=2026-02-01&to=2026-01-01", **HTML)
    assert response.status_code == 400
    assert "range_reversed" in response.content.decode()
    assert 'id="filtersModal"' in response.content.decode()
