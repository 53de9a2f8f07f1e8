"""Every refusal under /api/ is JSON in the error shape, whatever layer makes it (bookstore/middleware.py, errors.py).

Each test runs with DEBUG off and on: Django's technical pages must not reach an API client.
"""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.management import get_commands, load_command_class
from rest_framework.test import APIClient

from bookstore.errors import exception_handler
from bookstore.tenants import Tenant

FORM = "application/x-www-form-urlencoded"
MANY_FIELDS = "&".join(f"field{i}=1" for i in range(1200))


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json", response.content[:300]
    error = response.json()["error"]
    assert error["code"] == code
    assert set(error) == {"code", "message", "details"}
    return error


def _multipart(fields: int) -> tuple[bytes, str]:
    """A multipart body of `fields` one-character fields (short parts: it stays under the body cap)."""
    parts = [f'--b\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\n1\r\n' for i in range(fields)]
    return ("".join(parts) + "--b--\r\n").encode(), "multipart/form-data; boundary=b"


@pytest.mark.parametrize("path", ["/api/v1/users/login", "/api/v1/users/register", "/api/v1/cart/add"])
def test_too_many_form_fields_is_a_400_in_the_error_shape(debug, customer_client, path):
    error = _error(customer_client.generic("POST", path, MANY_FIELDS, content_type=FORM), 400, "too_many_fields")
    assert error["details"] == {"max_fields": 1000}

    body, content_type = _multipart(1001)
    _error(customer_client.generic("POST", path, body, content_type=content_type), 400, "too_many_fields")


def test_a_host_not_served_is_a_400_in_the_error_shape(debug, api_client, tenant):
    response = api_client.get("/api/v1/books", HTTP_HOST="evil.example", HTTP_X_TENANT_ID=tenant.tenant_id)
    _error(response, 400, "disallowed_host")


def test_an_unknown_route_is_a_404_in_the_error_shape(debug, api_client):
    _error(api_client.get("/api/v1/no-such-thing"), 404, "not_found")
    _error(api_client.post("/api/no-such-version/books", {}, format="json"), 404, "not_found")


def test_an_unknown_method_is_a_405_in_the_error_shape(debug, api_client):
    response = api_client.generic("BREW", "/api/v1/health")
    _error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_bug_is_a_500_in_the_error_shape(debug, tenant):
    client = Tenant._get_connection().connection.client

    def bug(request, **kwargs):
        raise RuntimeError("a bug, not a backing service down")

    client.meta.events.register_first("before-send.dynamodb", bug)
    try:
        response = APIClient(raise_request_exception=False).get("/api/v1/books", HTTP_X_TENANT_ID=tenant.tenant_id)
    finally:
        client.meta.events.unregister("before-send.dynamodb", bug)
    error = _error(response, 500, "internal_error")
    assert "RuntimeError" not in response.content.decode()
    assert error["message"] == "An unexpected error occurred."


def test_a_body_over_the_cap_read_by_a_view_is_413():
    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert response.data["error"]["code"] == "payload_too_large"


def test_pages_for_people_keep_their_html_errors(debug, api_client):
    assert api_client.get("/analytics/no-such-page")["Content-Type"].startswith("text/html")
    login_form = api_client.generic("POST", "/api/auth/login/", MANY_FIELDS, content_type=FORM)
    assert login_form.status_code == 400
    assert login_form["Content-Type"].startswith("text/html")


def test_the_browsable_api_shows_its_errors_as_a_page(debug, api_client):
    response = api_client.get("/api/v1/users/profile", HTTP_ACCEPT="text/html")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/html")


def test_the_dev_server_answers_a_path_out_of_static_with_404(settings):
    """`make run`'s runserver leaves static files to WhiteNoise, which refuses any path that is not canonical."""
    settings.DEBUG = True
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = command.create_parser("manage.py", "runserver").parse_args([])
    handler = command.get_handler(**vars(options))
    statuses = []
    for path in ("/static/../../etc/passwd", "/static/rest_framework/../../../../etc/passwd"):
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "127.0.0.1"}
        setup_testing_defaults(environ)
        handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses == ["404 Not Found", "404 Not Found"]
    environ = {"PATH_INFO": "/static/rest_framework/css/default.css", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses[-1] == "200 OK"
