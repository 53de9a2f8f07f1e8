"""Every HTML page sends the Content-Security-Policy and relies on nothing inline it blocks (bookstore/middleware.py).

The policy runs only the app's own static files: a page with an inline `<script>`, a
`<style>` element, a `style` attribute or an `on...` handler would lose it in the browser.
The browser test (e2e/test_browser.py) checks the same pages for CSP violations in chromium.
"""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

HTML = {"HTTP_ACCEPT": "text/html"}
FORM = "application/x-www-form-urlencoded"
# Script types a browser does not run: data blocks, which the policy does not govern.
DATA_SCRIPT_TYPES = {"application/json"}


class _InlineCode(HTMLParser):
    """Collects what a page would run or apply inline."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _assert_policed(response) -> None:
    assert response.status_code in (200, 400, 401, 403, 404, 405), response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert inline_code(response.content.decode()) == []


@pytest.fixture
def browser(password):
    """`browser(user)`: a browser logged in through the browsable API's login form (the JWT cookie)."""

    def login(user=None) -> Client:
        client = Client()
        if user is not None:
            form = {"tenant_id": user.tenant_id, "email": user.email, "password": password, "next": "/api/v1/"}
            response = client.post("/api/auth/login/", urlencode(form), content_type=FORM)
            assert response.status_code == 302
        return client

    return login


def test_the_policy_allows_only_the_apps_own_origin():
    directives = dict(d.split(" ", 1) for d in settings.CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"].split() == ["'self'", *settings.REDOC_STYLE_HASHES]
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in settings.CONTENT_SECURITY_POLICY
    assert "http" not in settings.CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/books?limit=2",  # with the Filters dialog
        "/api/v1/users/register",  # with an HTML form
        "/api/v1/users/profile",  # a 401 as a page
        "/api/auth/login/",
        "/api/docs/",
        "/api/redoc/",
    ],
)
def test_an_anonymous_visitors_pages(browser, tenant, book, path):
    client = browser()
    client.cookies["bookstore_tenant"] = tenant.tenant_id
    _assert_policed(client.get(path, **HTML))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/users/profile",  # with a PATCH form
        "/api/v1/books",  # the admin's create form and Filters
        "/api/v1/purchases/checkout",
        "/api/v1/admin/purchases",
        "/analytics/dashboard?from=2025-07-01&to=2025-07-31",
        "/analytics/dashboard?to=0001-01-05",  # the range explained on the page
    ],
)
def test_an_admins_pages(browser, admin, book, path):
    _assert_policed(browser(admin).get(path, **HTML))


def test_swagger_uis_start_up_script_is_a_file_of_its_own(api_client):
    page = api_client.get("/api/docs/", **HTML).content.decode()
    assert '<script src="/api/docs/?script="></script>' in page

    script = api_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_json_answers_carry_no_policy(api_client):
    response = api_client.get("/api/v1/health")
    assert response["Content-Type"] == "application/json"
    assert "Content-Security-Policy" not in response


def test_djangos_own_error_pages_carry_the_policy_too(browser):
    page = browser().get("/analytics/no-such-page")
    assert page.status_code == 404
    assert page["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
