"""The admin dashboard: a browser login, the inline SVG charts, and who may not see it."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

DASHBOARD = "/analytics/dashboard"
JULY = "from=2025-07-01&to=2025-07-31"


@pytest.fixture
def browser_for(password):
    """`browser_for(user, next=...)`: a browser logged in through the browsable API's login form."""

    def login(user, next_url: str = "/api/v1/users/profile"):
        browser = Client()
        response = browser.post(
            "/api/auth/login/",
            urlencode({"tenant_id": user.tenant_id, "email": user.email, "password": password, "next": next_url}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302
        return browser, response["Location"]

    return login


def _figure(html: str, figure_id: str) -> str:
    match = re.search(rf'<figure id="{figure_id}">(.*?)</figure>', html, re.S)
    assert match, f"no {figure_id} figure"
    return match.group(1)


def test_an_admin_sees_one_bar_per_day_with_sales(sales, admin, browser_for):
    browser, landing = browser_for(admin, next_url=f"{DASHBOARD}?{JULY}")
    assert landing == f"{DASHBOARD}?{JULY}"

    response = browser.get(landing)

    assert response.status_code == 200
    html = response.content.decode()
    days_with_sales = sorted(
        {p.created_at.date().isoformat() for p in sales if p.tenant_id == "tenant1" and not p.cancelled}
    )
    bars = re.findall(r'<rect class="bar" data-key="([^"]+)"', _figure(html, "sales-by-day"))
    assert bars == days_with_sales
    categories = re.findall(r'<rect class="bar" data-key="([^"]+)"', _figure(html, "revenue-by-category"))
    assert set(categories) == {
        i.category for p in sales if p.tenant_id == "tenant1" and not p.cancelled for i in p.items
    }
    top_rows = re.search(r'<table class="table table-striped" id="top-books">(.*?)</table>', html, re.S).group(1)
    assert 1 <= top_rows.count("<tr>") - 1 <= 10  # the header row, then at most ten books
    assert 'type="date" id="from" name="from" value="2025-07-01"' in html
    assert "<script" not in html.split("</head>")[1]  # no JavaScript in the page body


def test_the_range_picker_narrows_the_charts(sales, admin, browser_for):
    browser, _ = browser_for(admin)

    html = browser.get(f"{DASHBOARD}?from=2025-07-02&to=2025-07-02").content.decode()

    assert re.findall(r'<rect class="bar" data-key="([^"]+)"', _figure(html, "sales-by-day")) == ["2025-07-02"]


def test_a_bad_range_is_explained_on_the_page(lake, admin, browser_for):
    browser, _ = browser_for(admin)

    response = browser.get(f"{DASHBOARD}?from=2025-07-10&to=2025-07-01")

    assert response.status_code == 400
    assert "`from` must be on or before `to`." in response.content.decode()


def test_a_day_out_of_range_is_explained_on_the_page(lake, admin, browser_for):
    browser, _ = browser_for(admin)

    response = browser.get(f"{DASHBOARD}?to=0001-01-05")

    assert response.status_code == 400
    assert "between 1970-01-01 and 2999-12-31" in response.content.decode()


def test_a_customer_is_forbidden(lake, customer, browser_for):
    browser, _ = browser_for(customer)

    response = browser.get(DASHBOARD)

    assert response.status_code == 403
    assert "<svg" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(lake):
    response = Client().get(f"{DASHBOARD}?{JULY}")

    assert response.status_code == 302
    assert (
        response["Location"] == "/api/auth/login/?next=%2Fanalytics%2Fdashboard%3Ffrom%3D2025-07-01%26to%3D2025-07-31"
    )


def test_the_browsable_api_links_admins_to_the_dashboard(lake, admin, customer, browser_for):
    admin_browser, _ = browser_for(admin)
    customer_browser, _ = browser_for(customer)

    admin_page = admin_browser.get("/api/v1/users/profile", HTTP_ACCEPT="text/html").content.decode()
    customer_page = customer_browser.get("/api/v1/users/profile", HTTP_ACCEPT="text/html").content.decode()

    assert f'href="{DASHBOARD}"' in admin_page
    assert f'href="{DASHBOARD}"' not in customer_page
