"""The browsable API as a place people work in: branding, identity, the tenant picker, forms and filters.

DRF's `BrowsableAPIRenderer` draws the page; this subclass adds what our views declare
(see `bookstore.api.BookstoreAPIView`) and what the navbar shows. It never changes a JSON
response: everything here exists only in the HTML page.
"""

import uuid
from urllib.parse import urlencode

from django.template import loader
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, HTMLFormRenderer

from bookstore.serializers import IDEMPOTENCY_FORM_FIELD

BRAND = "Bookstore"
# The admins' pages, by URL name (or path, for pages that may not exist yet): shown when they resolve.
ADMIN_LINKS = (
    (_("Create a book"), "book-list"),
    (_("All purchases"), "admin-purchases"),
    (_("Analytics dashboard"), "/analytics/dashboard"),
)


def _admin_links() -> list[tuple[str, str]]:
    links = []
    for label, target in ADMIN_LINKS:
        if target.startswith("/"):
            try:
                resolve(target)
            except Resolver404:
                continue
            links.append((label, target))
        else:
            try:
                links.append((label, reverse(target)))
            except NoReverseMatch:
                continue
    return links


def _caller(request):
    user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class BookstoreBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API with our navbar, forms from input serializers, filter forms and next-page links."""

    def get_rendered_html_form(self, data, view, method, request):
        form = super().get_rendered_html_form(data, view, method, request)
        if isinstance(form, str) and method == "POST" and getattr(view, "idempotent_form", False):
            # One key per rendered form: a double-clicked submit replays the first order.
            form = form + format_html(
                '<input type="hidden" name="{}" value="{}">', IDEMPOTENCY_FORM_FIELD, uuid.uuid4()
            )
        return form

    def get_filter_form(self, data, view, request):
        """A GET's query parameters as a form (DRF's Filters dialog), from the view's `query_serializer`."""
        query_serializer_class = getattr(view, "query_serializer_class", None)
        filter_class = query_serializer_class(request.method) if query_serializer_class else None
        if filter_class is None or request.method != "GET":
            return None
        from bookstore.errors import ApplicationError  # see get_context

        params = filter_class(data=request.query_params)
        try:
            params.is_valid()
        except ApplicationError:  # a rule across fields (a reversed report range) refused them: start afresh
            params = filter_class()
        if "cursor" in params.fields:
            del params.fields["cursor"]  # new filters start from the first page
        for field in params.fields.values():
            if isinstance(field, serializers.ChoiceField) and not field.required:
                field.allow_blank = True  # an empty choice means "any"
        form = HTMLFormRenderer().render(params.data, None, {"style": {"template_pack": "rest_framework/vertical"}})
        return loader.get_template("bookstore/filter_form.html").render({"form": form, "action": request.path})

    def get_context(self, data, accepted_media_type, renderer_context):
        # Imported here: DRF loads this renderer while bookstore.errors is still importing DRF.
        from bookstore.tenancy import picked_tenant
        from bookstore.tenants import tenant_is_active, tenant_name, tenants_list_active

        context = super().get_context(data, accepted_media_type, renderer_context)
        request = renderer_context["request"]
        view = renderer_context["view"]
        user = _caller(request)
        tenant_id = user.tenant_id if user else getattr(view, "tenant_id", None) or picked_tenant(request)
        if tenant_id and not tenant_is_active(tenant_id=tenant_id):
            tenant_id = None
        context.update(
            brand=f"{BRAND} — {tenant_name(tenant_id=tenant_id)}" if tenant_id else BRAND,
            caller=user,
            tenant_choices=[] if user else tenants_list_active(),
            picked_tenant=tenant_id,
            admin_links=_admin_links() if user and user.is_admin else [],
            next_page_url=self._next_page_url(data, request),
        )
        # DRF draws the Filters button with a style attribute, which the pages' CSP refuses: api.html draws it.
        context["filters_dialog"] = context.pop("filter_form", None)
        # Pygments' rules would be an inline <style>, for Markdown descriptions that no view has.
        context["code_style"] = None
        # DRF draws HTML forms for POST and PUT only; a view that changes things with PATCH alone
        # (profile, cart quantity, wishlist priority) gets its PATCH form too.
        if "PUT" not in context["allowed_methods"] and "PATCH" in context["allowed_methods"]:
            context["patch_form"] = self.get_rendered_html_form(data, view, "PATCH", request)
        return context

    @staticmethod
    def _next_page_url(data, request) -> str | None:
        """The link behind a list's `next` cursor: this page's URL with the cursor replaced."""
        if not (isinstance(data, dict) and "results" in data and isinstance(data.get("next"), str)):
            return None
        params = request.query_params.copy()
        params["cursor"] = data["next"]
        return f"{request.path}?{urlencode(list(params.lists()), doseq=True)}"
