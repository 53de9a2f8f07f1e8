"""A request's language (bookstore/languages.py, the hooks in bookstore/api.py): profile, Accept-Language, tenant.

Each error comes in Spanish and in English with the same code and status; the language
follows the profile first, then Accept-Language, then the tenant's default; the headers say
which, and the ETag of a read follows its body.
"""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from bookstore.errors import CommonError
from bookstore.tenants import TenancyError, tenant_create

BOOKS = "/api/v1/books"
REGISTER = "/api/v1/users/register"
LOGIN = "/api/v1/users/login"
PROFILE = "/api/v1/users/profile"


# The apps' codes, by value: the core's tests import no app (the layers contract).
BOOK_NOT_FOUND = ("book_not_found", "Book not found.", "Libro no encontrado.")
EMAIL_TAKEN = (
    "email_taken",
    "An account with this email already exists.",
    "Ya existe una cuenta con este correo electrónico.",
)


def spanish(code) -> str:
    if isinstance(code, tuple):
        return code[2]
    with translation.override("es"):
        return str(code.message)


def english(code) -> str:
    if isinstance(code, tuple):
        return code[1]
    with translation.override("en"):
        return str(code.message)


def value(code) -> str:
    return code[0] if isinstance(code, tuple) else code.value


def in_both(send) -> dict[str, object]:
    """The response to `send(headers)` under Accept-Language es and en."""
    return {language: send({"HTTP_ACCEPT_LANGUAGE": language}) for language in ("es", "en")}


def register(client, tenant_id: str, headers: dict):
    body = {"email": "taken@example.com", "password": "a-long-Passw0rd!", "tenant_id": tenant_id}
    return client.post(REGISTER, body, format="json", **headers)


@pytest.fixture
def error_in_both(api_client, tenant, settings):
    """`error_in_both(status)`: one request that fails with `status`, made in Spanish and in English."""
    settings.LOGIN_THROTTLE_PER_IP = (1, 300)
    register(api_client, tenant.tenant_id, {})  # the email every later registration finds taken
    senders = {
        400: lambda headers: api_client.get(BOOKS, **headers),  # names no tenant
        401: lambda headers: api_client.get("/api/v1/cart", HTTP_AUTHORIZATION="Bearer not-a-token", **headers),
        404: lambda headers: api_client.get(f"{BOOKS}/no-such-book", HTTP_X_TENANT_ID=tenant.tenant_id, **headers),
        409: lambda headers: register(api_client, tenant.tenant_id, headers),
        429: lambda headers: api_client.post(
            LOGIN,
            {"email": "x@example.com", "password": "wrong", "tenant_id": tenant.tenant_id},
            format="json",
            **headers,
        ),
    }

    def make(status: int):
        if status == 429:
            senders[429]({})  # the one failure the address may make
        return in_both(senders[status])

    return make


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, TenancyError.TENANT_REQUIRED),
        (401, CommonError.INVALID_TOKEN),
        (404, BOOK_NOT_FOUND),
        (409, EMAIL_TAKEN),
        (429, CommonError.THROTTLED),
    ],
)
def test_accept_language_es_answers_in_spanish_with_the_same_code(error_in_both, status, code):
    answers = error_in_both(status)
    for language, response in answers.items():
        assert response.status_code == status, response.content
        assert response.json()["error"]["code"] == value(code)
        assert response["Content-Language"] == language
        assert "Accept-Language" in response["Vary"]
    assert answers["es"].json()["error"]["message"] == spanish(code) != english(code)
    assert answers["en"].json()["error"]["message"] == english(code)


def test_the_spanish_catalogue_is_the_one_answering():
    assert (
        spanish(TenancyError.INVALID_TENANT_ID)
        == "Un id de tienda tiene de 3 a 40 letras minúsculas, dígitos o guiones."
    )


def test_a_regional_variant_and_quality_order_pick_the_language(api_client):
    assert api_client.get(BOOKS, HTTP_ACCEPT_LANGUAGE="fr, es-MX;q=0.8, en;q=0.5")["Content-Language"] == "es"
    assert api_client.get(BOOKS, HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "en"


def test_a_refusal_outside_the_views_is_in_the_request_language(api_client):
    response = api_client.get("/api/v1/no-such-route", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "No encontrado.", "details": {}}


def test_a_profile_language_of_es_wins_over_accept_language_en(api_client, customer, password):
    login = {"email": customer.email, "password": password, "tenant_id": customer.tenant_id}
    first = api_client.post(LOGIN, login, format="json").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    changed = api_client.patch(PROFILE, {"language": "es"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["language"] == "es"

    second = api_client.post(LOGIN, login, format="json").json()  # the new token carries the language
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {second['access']}")
    missing = api_client.get(f"{BOOKS}/no-such-book", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.json()["error"] == {"code": "book_not_found", "message": "Libro no encontrado.", "details": {}}
    assert missing["Content-Language"] == "es"
    # Known from the token before the permissions run: their refusal is in Spanish too.
    refused = api_client.post(BOOKS, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.json()["error"]["code"] == "permission_denied"
    assert refused.json()["error"]["message"] == spanish(CommonError.PERMISSION_DENIED)

    cleared = api_client.patch(PROFILE, {"language": None}, format="json")
    assert cleared.json()["language"] is None


def test_a_profile_language_must_be_one_the_api_speaks(customer_client):
    response = customer_client.patch(PROFILE, {"language": "fr"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"language"}


def test_a_tenant_default_of_es_applies_when_the_request_names_no_language(user_factory, client_for):
    shop = tenant_create(tenant_id="tienda-es", name="Tienda", language="es").tenant
    anonymous = APIClient()
    anonymous.credentials(HTTP_X_TENANT_ID=shop.tenant_id)
    assert anonymous.get(f"{BOOKS}/no-such-book").json()["error"]["message"] == "Libro no encontrado."
    english_reader = anonymous.get(f"{BOOKS}/no-such-book", HTTP_ACCEPT_LANGUAGE="en")
    assert english_reader.json()["error"]["message"] == "Book not found."

    customer = client_for(user_factory(shop))
    response = customer.get(f"{BOOKS}/no-such-book")
    assert response.json()["error"]["message"] == "Libro no encontrado."
    assert response["Content-Language"] == "es"


def test_a_json_read_is_the_same_in_both_languages_with_one_etag(api_client, tenant, book):
    url = f"{BOOKS}/{book.book_id}"
    answers = in_both(lambda headers: api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id, **headers))
    assert answers["es"].content == answers["en"].content
    assert answers["es"]["ETag"] == answers["en"]["ETag"]
    for response in answers.values():
        assert "Accept-Language" not in response["Vary"]  # a shared cache keeps one copy
        assert not response.has_header("Content-Language")
    again = api_client.get(
        url, HTTP_X_TENANT_ID=tenant.tenant_id, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=answers["es"]["ETag"]
    )
    assert again.status_code == 304  # the body is the same, so the copy is too


def test_a_page_differs_by_language_and_so_does_its_etag(api_client, tenant, book):
    url = f"{BOOKS}/{book.book_id}"
    pages = in_both(
        lambda headers: api_client.get(url, HTTP_X_TENANT_ID=tenant.tenant_id, HTTP_ACCEPT="text/html", **headers)
    )
    assert "Raíz de la API" in pages["es"].content.decode()
    assert "API root" in pages["en"].content.decode()
    assert pages["es"]["ETag"] != pages["en"]["ETag"]
    for language, page in pages.items():
        assert page["Content-Language"] == language
        assert "Accept-Language" in page["Vary"]


def test_a_message_outside_a_request_follows_the_profile_then_the_tenant():
    from bookstore.languages import preferred_language

    assert preferred_language("es", "en") == "es"
    assert preferred_language(None, "es") == "es"
    assert preferred_language("fr", None) == "en"


def test_the_schema_is_in_the_request_language_and_says_so(api_client):
    spanish_schema = api_client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="es", HTTP_ACCEPT="application/json")
    assert spanish_schema.status_code == 200
    assert "Libro no encontrado." in spanish_schema.content.decode()
    assert spanish_schema["Content-Language"] == "es"
    assert "Accept-Language" in spanish_schema["Vary"]
