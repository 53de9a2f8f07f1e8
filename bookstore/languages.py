"""Which language a request is answered in, and the headers that say which.

The API speaks English and Spanish (LANGUAGES). A request is answered in, in this order:
its user's profile language, the first language of `Accept-Language` the API speaks, its
tenant's default language (`en` unless the tenant sets another), and English. The error
`code` never changes with the language: clients branch on the code, people read the message.

The profile language travels in the access token (the `lang` claim, set at login and at
each refresh), so choosing it reads nothing: no request reads the users table to authenticate.

Three moments choose the language, each with the one rule of `preferred_language`:

- `LanguageMiddleware`, outermost, before any layer can refuse the request: Accept-Language,
  else English. What is refused before a view knows the caller (an unknown route, a body
  over the cap, a bad or missing token) answers in that language.
- the base view (`bookstore.api`), once DRF has authenticated the caller (the profile
  language) and once the tenant is resolved (its default). DRF authenticates inside the
  view, after every middleware, so the view is the first place that knows the profile; the
  tenant's default comes with the tenant lookup the request makes anyway, so it costs no
  call, and it is never read for a tenant the request has not been let through to.

A response whose body is in a language (an error message, an HTML page) carries
`Content-Language` and `Vary: Accept-Language`. A JSON read is data, the same in both
languages (titles and categories are shown as entered): it carries neither, so a shared
cache keeps one copy of it, and its ETag (a hash of the body, `bookstore.caching`) is the
same whatever the language; a body that differs by language has an ETag of its own.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


def language_codes() -> tuple[str, ...]:
    """The languages the API speaks: `en`, `es`."""
    return tuple(code for code, _name in settings.LANGUAGES)


def spoken(code: str | None) -> str | None:
    """`code` if the API speaks it, else None."""
    return code if code in language_codes() else None


def accepted_language(request) -> str | None:
    """The first language of the request's Accept-Language the API speaks (`es-ES` is `es`), if any."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        language = spoken(code.split("-")[0])
        if language:
            return language
    return None


def preferred_language(*choices: str | None) -> str:
    """The first of `choices`, in order of preference, that the API speaks; else LANGUAGE_CODE.

    The one rule behind every choice of language. A message sent outside a request (an email
    from a stream handler) has no Accept-Language: it is written under
    `translation.override(preferred_language(user.language, tenant_language))`.
    """
    return next((code for code in choices if spoken(code)), settings.LANGUAGE_CODE)


def request_language(request, *, profile_language: str | None = None, tenant_language: str | None = None) -> str:
    """The language to answer a request in: the profile's, Accept-Language's, the tenant's default, else English."""
    return preferred_language(profile_language, accepted_language(request), tenant_language)


def activate_request_language(request, *, user=None, tenant_language: str | None = None) -> str:
    """Answer this request in its language, given what is known of it so far; returns the language."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    language = request_language(
        request,
        profile_language=getattr(user, "language", None) if authenticated else None,
        tenant_language=tenant_language,
    )
    translation.activate(language)
    return language


def mark_in_a_language(response) -> None:
    """Say that this successful JSON response is written in the request's language (the OpenAPI schema)."""
    response.in_a_language = True


def body_in_a_language(response) -> bool:
    """Whether the response's body is text for people (a message, a page), not data."""
    return (
        response.status_code >= 400
        or response.get("Content-Type", "").startswith("text/html")
        or getattr(response, "in_a_language", False)
    )


class LanguageMiddleware:
    """Activate the request's language before any layer runs; say which on responses written in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_request_language(request)
        try:
            response = self.get_response(request)
            if body_in_a_language(response):
                response.headers.setdefault("Content-Language", translation.get_language())
                patch_vary_headers(response, ("Accept-Language",))
        finally:
            translation.deactivate()  # a worker thread's next request starts from nothing
        return response
