"""Error codes of the catalog app."""

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode


class CatalogError(ErrorCode):
    BOOK_NOT_FOUND = ("book_not_found", 404, _("Book not found."))
    ISBN_TAKEN = ("isbn_taken", 409, _("A book with this ISBN already exists in this catalogue."))
    VERSION_CONFLICT = (
        "version_conflict",
        409,
        _("The book was changed by someone else since it was read. Read it again and retry."),
    )
    INVALID_ISBN = ("invalid_isbn", 400, _("Not a valid ISBN-10 or ISBN-13."))
    SALE_STATE_MISSING = (
        "sale_state_missing",
        409,
        _(
            "This book has no stock item yet: its price, availability and stock can be changed once "
            "`manage.py split_sale_state` has run for this tenant."
        ),
    )


class SearchError(ErrorCode):
    SEARCH_UNAVAILABLE = (
        "search_unavailable",
        503,
        _(
            "The search engine is unavailable right now. Try again shortly; "
            "the catalogue listing (GET books) still works."
        ),
    )
