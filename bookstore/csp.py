"""The Content-Security-Policy of the HTML pages: the middleware that sends it, and the request's nonce.

The policy (CONTENT_SECURITY_POLICY, bookstore/settings/security.py) runs only the app's own
static files. A page that needs an inline element made by a library (Redoc's generated
<style>s) hands it the request's nonce (`{{ csp_nonce }}`), and only that page's policy names it.
"""

import secrets

from django.conf import settings
from django.utils.functional import SimpleLazyObject

CSP_NONCE_ENVIRON_KEY = "bookstore.csp_nonce"
NONCE_DIRECTIVES = ("script-src", "style-src")


def csp_nonce(request) -> str:
    """This request's CSP nonce, made on first use: the page that asks for one is sent a policy naming it.

    Kept in the request's WSGI environ under a namespaced key, as the request log keeps its tenant.
    """
    nonce = request.META.get(CSP_NONCE_ENVIRON_KEY)
    if nonce is None:
        nonce = request.META[CSP_NONCE_ENVIRON_KEY] = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str | None) -> str:
    """CONTENT_SECURITY_POLICY; with a nonce, its script-src and style-src also allow what carries it."""
    if nonce is None:
        return settings.CONTENT_SECURITY_POLICY
    directives = []
    for directive in settings.CONTENT_SECURITY_POLICY.split("; "):
        name = directive.split(" ", 1)[0]
        directives.append(f"{directive} 'nonce-{nonce}'" if name in NONCE_DIRECTIVES else directive)
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy with every HTML page: the browsable API, the docs, the login, the dashboard.

    A JSON body is not a document a browser runs, so it goes without. A page that used the
    request's nonce (`csp_nonce`, `{{ csp_nonce }}` in a template) is sent a policy naming it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            nonce = request.META.get(CSP_NONCE_ENVIRON_KEY)
            response.headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        return response


def csp_context(request) -> dict:
    """Template context processor: `csp_nonce`, this request's nonce, made only if the template uses it."""
    return {"csp_nonce": SimpleLazyObject(lambda: csp_nonce(request))}
