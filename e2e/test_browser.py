"""A person in a browser: pick a shop, browse, register, log in, fill the cart, check out; an admin adds a book.

The order placed in the browser reaches the shop's webhook receiver (signed) and the local
outbox (the confirmation email), as `make run` wires them.

Every page runs under the app's Content-Security-Policy: each test ends with no violation of it
(an inline script or style the policy blocks would be one), and the docs and the dashboard
render with it.
"""

import json
import re
import urllib.request
import uuid

from playwright.sync_api import expect

from testing.waiting import wait_until

ADMIN = ("admin@tenant1.example.com", "tenant1-admin-pass")  # printed by `make run`
SHOP = "Demo Bookshop One"


def _isbn13() -> str:
    """A valid ISBN-13 (979-8 prefix) no demo book has."""
    body = "9798" + f"{uuid.uuid4().int % 10**8:08d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _response_body(page) -> str:
    return page.locator(".response-info").inner_text()


def _submit(page, form_id: str) -> None:
    page.locator(f"#{form_id} button.btn-primary").click()
    page.wait_for_load_state()


def test_a_visitor_picks_a_shop_registers_buys_and_sees_the_purchase(
    base_url, webhook_receiver_url, page, shot, csp_violations
):
    page.goto(base_url)
    expect(page).to_have_url(f"{base_url}/api/v1/")
    expect(page.locator("#brand")).to_have_text("Bookstore")
    shot("api-root")

    # Pick the shop in the navbar: public pages need no ?tenant_id= from now on.
    page.select_option("#tenant-picker select", label=SHOP)
    expect(page.locator("#brand")).to_have_text(f"Bookstore — {SHOP}")
    page.goto(f"{base_url}/api/v1/books")
    expect(page.locator(".response-info")).to_contain_text("HTTP 200 OK")
    shot("books")
    page.locator("#next-page").click()
    expect(page).to_have_url(re.compile(r"cursor="))
    shot("books-next-page")

    # Filter on books in stock through the Filters dialog.
    page.get_by_role("button", name="Filters").click()
    page.locator("#filtersModal input[name=in_stock]").check()
    page.locator("#filtersModal button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"in_stock=true"))
    assert "cursor=" not in page.url
    assert "category=" not in page.url
    shot("books-in-stock")
    book_id = re.search(r'"book_id": "([^"]+)"', _response_body(page)).group(1)

    # Register through the HTML form.
    email, password = f"reader-{uuid.uuid4().hex[:8]}@example.com", "a-long-reader-password"
    page.goto(f"{base_url}/api/v1/users/register")
    form = page.locator("#post-object-form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=first_name]").fill("Ana")
    form.locator("input[name=tenant_id]").fill("tenant1")
    _submit(page, "post-object-form")
    expect(page.locator(".response-info")).to_contain_text("HTTP 201 Created")
    shot("registered")

    # Log in through the login form (the picked shop is already filled in).
    page.goto(f"{base_url}/api/v1/books")
    page.locator("#login").click()
    expect(page.locator("input[name=tenant_id]")).to_have_value("tenant1")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    shot("login-form")
    page.locator("button[type=submit]").click()
    expect(page.locator("#identity")).to_have_text(f"{email} · customer")
    shot("logged-in")

    # Add the book to the cart through the form (the link's query string fills in the book).
    page.goto(f"{base_url}/api/v1/cart/add?book_id={book_id}")
    expect(page.locator("#post-object-form input[name=book_id]")).to_have_value(book_id)
    page.locator("#post-object-form input[name=quantity]").fill("2")
    _submit(page, "post-object-form")
    expect(page.locator(".response-info")).to_contain_text('"quantity": 2')
    shot("cart")

    # Check out through the form; a double click is still one order (the form carries one Idempotency-Key).
    page.goto(f"{base_url}/api/v1/purchases/checkout")
    form = page.locator("#post-object-form")
    form.locator("select[name=payment_method]").select_option("card")
    form.locator("input[name='shipping_address.line1']").fill("Calle Mayor 1")
    form.locator("input[name='shipping_address.city']").fill("Madrid")
    form.locator("input[name='shipping_address.postal_code']").fill("28013")
    form.locator("input[name='shipping_address.country']").fill("ES")
    shot("checkout-form")
    form.locator("button.btn-primary").dblclick()
    page.wait_for_load_state()
    expect(page.locator(".response-info")).to_contain_text("HTTP 201 Created")
    purchase_id = re.search(r'"purchase_id": "([^"]+)"', _response_body(page)).group(1)
    shot("purchase")

    page.goto(f"{base_url}/api/v1/purchases")
    history = _response_body(page)
    assert history.count('"purchase_id"') == 1
    assert purchase_id in history
    assert book_id in history
    shot("history")

    page.locator("#logout").click()
    expect(page.locator("#login")).to_be_visible()
    shot("logged-out")

    # The order went out: to the shop's webhook receiver, signed, and as an email in the local outbox.
    def received() -> list[dict]:
        with urllib.request.urlopen(webhook_receiver_url, timeout=5) as response:
            deliveries = json.load(response)
        return [d for d in deliveries if d["payload"]["data"].get("order", {}).get("purchase_id") == purchase_id]

    wait_until(lambda: len(received()) == 2, what="order.created and order.paid at the receiver", timeout=60)
    assert sorted(d["event_type"] for d in received()) == ["order.created", "order.paid"]
    assert all(d["signature_valid"] for d in received())
    _log_in(page, base_url, *ADMIN)

    def confirmation_listed() -> bool:
        page.goto(f"{base_url}/api/v1/admin/outbox")
        return email in _response_body(page)

    wait_until(confirmation_listed, what="the order confirmation in the outbox", timeout=60)
    shot("outbox")
    assert csp_violations == []


def _log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/api/auth/login/?next=/api/v1/")
    page.fill("input[name=tenant_id]", "tenant1")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").click()
    expect(page.locator("#identity")).to_have_text(f"{email} · admin")


def test_an_admin_logs_in_and_creates_a_book_through_the_form(base_url, page, shot, csp_violations):
    page.goto(f"{base_url}/api/auth/login/?next=/api/v1/")
    page.fill("input[name=tenant_id]", "tenant1")
    page.fill("input[name=email]", ADMIN[0])
    page.fill("input[name=password]", ADMIN[1])
    page.locator("button[type=submit]").click()
    expect(page.locator("#identity")).to_have_text(f"{ADMIN[0]} · admin")
    expect(page.locator("#brand")).to_have_text(f"Bookstore — {SHOP}")
    shot("admin-root")

    page.get_by_role("link", name="Create a book").click()
    form = page.locator("#post-object-form")
    isbn = _isbn13()
    form.locator("input[name=isbn]").fill(isbn)
    form.locator("input[name=title]").fill("Rayuela")
    form.locator("input[name=author]").fill("Julio Cortázar")
    form.locator("input[name=category]").fill("Fiction")
    form.locator("input[name=price]").fill("18.50")
    form.locator("input[name=stock_quantity]").fill("5")
    form.locator("select[name=language]").select_option("es")
    shot("book-form")
    _submit(page, "post-object-form")
    expect(page.locator(".response-info")).to_contain_text("HTTP 201 Created")
    body = _response_body(page)
    assert isbn in body
    assert '"price": "18.50"' in body
    shot("book-created")

    page.get_by_role("link", name="All purchases").click()
    expect(page.locator(".response-info")).to_contain_text("HTTP 200 OK")
    shot("all-purchases")
    assert csp_violations == []


def test_the_docs_and_the_dashboard_render_under_the_content_security_policy(base_url, page, shot, csp_violations):
    response = page.goto(f"{base_url}/api/docs/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Bookstore API")
    page.locator(".opblock-summary-path", has_text="/api/v1/health").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    shot("swagger-ui")

    page.goto(f"{base_url}/api/redoc/")
    expect(page.locator("h1").first).to_contain_text("Bookstore API")
    expect(page.get_by_role("menuitem").first).to_be_visible()
    # The menu's width comes from the styles Redoc generates: the policy let them apply.
    assert page.locator(".menu-content").evaluate("menu => getComputedStyle(menu).width") == "260px"
    # No screenshot: Redoc's full page is every operation, too tall for one.
    # Redoc always draws its maker's logo from cdn.redoc.ly: the policy blocks that request, as it should.
    csp_violations[:] = [v for v in csp_violations if not ("https://cdn.redoc.ly/" in v and "img-src" in v)]
    assert csp_violations == []

    page.goto(f"{base_url}/api/auth/login/?next=/analytics/dashboard")
    page.fill("input[name=tenant_id]", "tenant1")
    page.fill("input[name=email]", ADMIN[0])
    page.fill("input[name=password]", ADMIN[1])
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/analytics/dashboard")
    expect(page.locator("#sales-by-day svg")).to_be_visible()
    assert page.locator(".dashboard-summary").evaluate("table => getComputedStyle(table).maxWidth") != "none"
    shot("dashboard")

    page.goto(f"{base_url}/api/v1/books")
    filters = page.get_by_role("button", name="Filters")
    assert filters.evaluate("button => getComputedStyle(button).float") == "right"  # from browsable.css
    filters.click()
    expect(page.locator("#filtersModal form")).to_be_visible()
    shot("filters")
    assert csp_violations == []


def test_a_spanish_browser_gets_the_browsable_api_in_spanish(base_url, page, shot, csp_violations):
    page.set_extra_http_headers({"Accept-Language": "es-ES,es;q=0.9"})
    page.goto(f"{base_url}/api/v1/books/no-such-book?tenant_id=tenant1")
    expect(page.locator("#login")).to_have_text("Iniciar sesión")
    expect(page.locator(".navbar")).to_contain_text("Raíz de la API")
    expect(page.locator(".response-info")).to_contain_text('"code": "book_not_found"')
    expect(page.locator(".response-info")).to_contain_text("Libro no encontrado.")
    shot("book-not-found-in-spanish")
    assert csp_violations == []
