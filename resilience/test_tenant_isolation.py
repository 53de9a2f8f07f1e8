"""The tenant isolation matrix: every endpoint of the URL conf, tried by tenant A against tenant B.

The test walks the URL conf, so a new endpoint is in the matrix from the day it lands: its
path parameters are filled from the two worlds by name (`book_id`, `purchase_id`,
            "webhook_id": endpoints[0].endpoint_id,
            "delivery_id": deliveries[0].delivery_id,
            "message_id": sent_email(owner, endpoint_id="wh_1"),
        }
        secrets = [b.book_id for b in books] + [p.purchase_id for p in purchases] + [owner.user_id, owner.email, title]
        secrets.append(review.review_id)
        secrets += [e.endpoint_id for e in endpoints] + [e.secret for e in endpoints] + [e.url for e in endpoints]
        secrets += [d.delivery_id for d in deliveries] + [d.event_id for d in deliveries]
        sent_email(owner, endpoint_id="wh_2")  # a second email: the outbox's first page has a cursor

- by id: B's ids in the path (and in the body, for endpoints that take an id there);
- by the `tenant_id` query parameter, by the `X-Tenant-ID` header and by a `tenant_id`
  in the body, naming B while asking for A's own resources;
- with B's cursor, on every list B can page through.

Each gets 403 or 404 (a foreign cursor may also be refused as 400 `invalid_cursor`, and a
DELETE of a foreign id from one's own list is the usual idempotent 204 that removes nothing), no
response carries any of B's data, and B's items in every table are unchanged.
"""

import json
import re
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.slow

METHODS = ("get", "post", "put", "patch", "delete")
# Routes tenant A cannot use against tenant B at all, and why.
EXEMPT = {
    "": "redirects to the API root",
    "api/v1/": "no tenant: the API root lists links to every endpoint",
    "api/v1/health": "no tenant: liveness only",
    "api/redoc/": "no tenant: the Redoc page",
    "api/auth/tenant/": "sets the anonymous visitor's own shop-picker cookie; a token's tenant always wins",
    "api/schema/": "no tenant: the OpenAPI document",
    "api/docs/": "no tenant: the Swagger UI page",
    "api/auth/login/": "the browser form over users/login, which the matrix tries",
    "api/auth/logout/": "clears the caller's own cookie; names no tenant",
    "api/v1/users/register": "public by design: anyone may register in any tenant, as a new user of it",
}
# Routes where the tenant comes from the body or the token by design (no tenant resolution).
TENANT_FROM_BODY = {"api/v1/users/login", "api/v1/users/token/refresh", "api/v1/users/logout"}
ADDRESS = {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}
SECRET_TITLE = "Secret catalogue of tenant two"


def walk_urlconf() -> list[tuple[str, type]]:
    """(route, view class) of every endpoint in the URL conf."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
                found.append((prefix + str(pattern.pattern), view))

    walk(get_resolver().url_patterns, "")
    return found


def _tenant_state(tenant_id: str) -> list[str]:
    """Every item in every table (rate-limit counters aside) that belongs to `tenant_id`, as sorted JSON."""
    from bookstore.dynamodb.registry import registered_models

    items = []
    for model in registered_models():
        if "rate" in model.Meta.table_name:
            continue
        for item in model.scan(consistent_read=True):
            text = json.dumps(item.serialize(null_check=False), sort_keys=True, default=str)
            if tenant_id in text:
                items.append(text)
    return sorted(items)


@pytest.fixture
def worlds(
    tenant, other_tenant, user_factory, book_factory, cart_with, placed_order, client_for, review_factory, outbox
):
    """Tenant A (the attacker's) and tenant B (the victim's), each with a book, lists, a cart, purchases and emails."""
    from bookstore.authentication import ROLE_ADMIN
    from testing.factories import sent_email

    def build(shop, title: str):
        admin = user_factory(shop, role=ROLE_ADMIN)
        customer = user_factory(shop)
        books = [book_factory(shop, title=f"{title} {n}", stock_quantity=50) for n in range(3)]
        owner = admin if shop is tenant else customer
        purchases = [placed_order(owner, books[n], payment_method="transfer") for n in range(2)]
        for book in books[:2]:
            client_for(owner).post(f"/api/v1/users/favorites/{book.book_id}")
            client_for(owner).post(f"/api/v1/users/wishlist/{book.book_id}", {"priority": 2}, format="json")
            cart_with(owner, book, 1)
        review = review_factory(customer, books[0], score=4, title=f"Review in {title}")
        client_for(owner).post(f"/api/v1/books/{books[1].book_id}/reviews", {"score": 5}, format="json")
        endpoints = [_webhook(shop.tenant_id, n) for n in range(2)]
        deliveries = [_delivery(endpoints[0], n) for n in range(2)]
        ids = {
            "review_id": review.review_id,
            "book_id": books[0].book_id,
            "isbn": books[0].isbn,
            "purchase_id": purchases[0].purchase_id,
            "user_id": owner.user_id,
            "webhook_id": endpoints[0].endpoint_id,
            "delivery_id": deliveries[0].delivery_id,
            "message_id": sent_email(owner, endpoint_id="wh_1"),
        }
        secrets = [b.book_id for b in books] + [p.purchase_id for p in purchases] + [owner.user_id, owner.email, title]
        secrets.append(review.review_id)
        secrets += [e.endpoint_id for e in endpoints] + [e.secret for e in endpoints] + [e.url for e in endpoints]
        secrets += [d.delivery_id for d in deliveries] + [d.event_id for d in deliveries]
        sent_email(owner, endpoint_id="wh_2")  # a second email: the outbox's first page has a cursor
        return {"admin": admin, "owner": owner, "ids": ids, "secrets": secrets}

    return build(tenant, "Catalogue of tenant one"), build(other_tenant, SECRET_TITLE)


def _webhook(tenant_id: str, n: int):
    """An endpoint of the tenant, registered through the service."""
    from webhooks.services import webhook_create

    url = f"http://127.0.0.1:9/{tenant_id}/hook-{n}"
    return webhook_create(tenant_id=tenant_id, url=url, events=["order.created"])


def _delivery(endpoint, n: int):
    """A delivery to the endpoint, as the stream handlers record it."""
    from bookstore.dynamodb.clock import now
    from webhooks.models import WebhookDelivery

    delivery_id, event_id = f"dlv_{uuid.uuid4().hex[:24]}", f"evt_{uuid.uuid4().hex[:24]}"
    delivery = WebhookDelivery(
        WebhookDelivery.key(endpoint.tenant_id, endpoint.endpoint_id),
        WebhookDelivery.sort_key(delivery_id),
        tenant_id=endpoint.tenant_id,
        endpoint_id=endpoint.endpoint_id,
        delivery_id=delivery_id,
        event_id=event_id,
        event_type="order.created",
        payload=json.dumps({"id": event_id, "type": "order.created", "tenant_id": endpoint.tenant_id}),
        status="failed",
        created_at=now() - timedelta(minutes=n),
    )
    delivery.save()
    return delivery


def _body(route: str, method: str, ids: dict, world: dict) -> dict:
    """A valid body for the route, naming the resources in `ids`."""
    from accounts.tokens import tokens_for_user

    if route.endswith("cart/add"):
        return {"book_id": ids["book_id"], "quantity": 1}
    if route.endswith("purchases/checkout"):
        return {"payment_method": "card", "shipping_address": ADDRESS}
    if route.endswith("users/login"):
        return {"email": world["admin"].email, "password": "correct-horse-battery-staple"}
    if route.endswith(("token/refresh", "users/logout")):
        return {"refresh": tokens_for_user(world["admin"])["refresh"]}
    if route.endswith("users/password"):
        return {"current_password": "correct-horse-battery-staple", "new_password": "another-long-password"}
    if route.endswith("users/profile"):
        return {"first_name": "Eve"}
    if "wishlist/" in route:
        return {"priority": 5}
    if "cart/items/" in route:
        return {"quantity": 3}
    if route.endswith("reviews/mine"):
        return {"score": 3}
    if route.endswith("/reviews"):
        return {"score": 4, "title": "Planted"}
    if route.endswith("/vote"):
        return {"helpful": True}
    if route.endswith("reviews/moderation"):
        return {"moderated": True}
    if route.endswith("/hide"):
        return {"reason": "Planted"}
    if route.endswith("admin/webhooks"):
        return {"url": "http://127.0.0.1:9/planted", "events": ["order.created"]}
    if route.endswith("admin/webhooks/<str:webhook_id>"):
        return {"description": "Planted", "active": True}
    if route.endswith("books") or "books/<str:book_id>" in route:
        return {"isbn": "9780306406157", "title": "Planted", "author": "Eve", "category": "Fiction", "price": "1.00"}
    return {}


def _url(route: str, ids: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in ids:
            pytest.fail(f"{route}: the matrix cannot fill the path parameter {name!r}; teach it in worlds()")
        return ids[name]

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


TRIED: Counter[str] = Counter()


def _assert_refused(response, attack: str, route: str, method: str, secrets: list[str], allowed=(403, 404)):
    TRIED[attack] += 1
    where = f"{method.upper()} {route} ({attack})"
    assert response.status_code in allowed, f"{where}: {response.status_code} {response.content[:300]!r}"
    text = response.content.decode(errors="replace")
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"{where} leaked {leaked}"


def test_tenant_a_never_reaches_tenant_b(worlds, client_for, api_client):
    world_a, world_b = worlds
    b_id = world_b["admin"].tenant_id
    attacker = client_for(world_a["admin"])
    victim = client_for(world_b["owner"])
    endpoints = walk_urlconf()
    covered = []
    TRIED.clear()
    for route, view in endpoints:
        if route in EXEMPT:
            continue
        assert view is not None, f"{route}: not a class-based view; try it in the matrix or exempt it"
        methods = [m for m in METHODS if hasattr(view, m)]
        before = _tenant_state(b_id)
        for method in methods:
            send = getattr(attacker, method)
            idempotency = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
            own_url, foreign_url = _url(route, world_a["ids"]), _url(route, world_b["ids"])
            own_body = _body(route, method, world_a["ids"], world_a)
            with_body = method in ("post", "put", "patch")

            if route in TENANT_FROM_BODY:
                # The tenant named in the body is the one acted in; A's credentials mean nothing in B.
                response = send(own_url, {**own_body, "tenant_id": b_id}, format="json", **idempotency)
                _assert_refused(response, "body", route, method, world_b["secrets"], allowed=(200, 204, 401))
                if response.status_code == 200 and "access" in response.json():
                    from rest_framework_simplejwt.tokens import AccessToken

                    assert AccessToken(response.json()["access"])["tenant_id"] == world_a["admin"].tenant_id
                covered.append(route)
                continue

            if foreign_url != own_url or (with_body and own_body.get("book_id")):
                foreign_body = _body(route, method, world_b["ids"], world_b)
                kwargs = {"format": "json"} if with_body else {}
                response = send(foreign_url, foreign_body if with_body else None, **kwargs, **idempotency)
                # Removing from one's own list something it never held is an idempotent no-op (204, empty).
                allowed = (204, 403, 404) if method == "delete" else (403, 404)
                _assert_refused(response, "by id", route, method, world_b["secrets"], allowed=allowed)

            data = own_body if with_body else None
            kwargs = {"format": "json"} if with_body else {}
            response = send(f"{own_url}?tenant_id={b_id}", data, **kwargs, **idempotency)
            _assert_refused(response, "query", route, method, world_b["secrets"], allowed=(403,))
            response = send(own_url, data, HTTP_X_TENANT_ID=b_id, **kwargs, **idempotency)
            _assert_refused(response, "header", route, method, world_b["secrets"], allowed=(403,))
            if with_body:
                response = send(own_url, {**own_body, "tenant_id": b_id}, format="json", **idempotency)
                _assert_refused(response, "body", route, method, world_b["secrets"], allowed=(403,))
            if method == "get":
                page = victim.get(foreign_url, {"limit": 1}) if "admin/" not in route else None
                if page is None:
                    page = client_for(world_b["admin"]).get(foreign_url, {"limit": 1})
                cursor = page.json().get("next") if page.status_code == 200 and isinstance(page.json(), dict) else None
                if cursor:
                    response = attacker.get(own_url, {"cursor": cursor, "limit": 1})
                    _assert_refused(response, "cursor", route, method, world_b["secrets"], allowed=(400, 403, 404))
            covered.append(route)
        assert _tenant_state(b_id) == before, f"{route}: tenant B's data changed"
    missing = {route for route, _ in endpoints} - set(covered) - set(EXEMPT)
    assert not missing, f"endpoints neither tried nor exempted: {sorted(missing)}"
    assert min(TRIED[a] for a in ("by id", "query", "header", "body", "cursor")) >= 3, TRIED
    # Anonymous callers naming B reach only B's public catalogue, never its private data.
    response = api_client.get("/api/v1/purchases", HTTP_X_TENANT_ID=b_id)
    _assert_refused(response, "anonymous", "api/v1/purchases", "get", world_b["secrets"], allowed=(401,))
