"""Error codes of the accounts app."""

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode


class AccountsError(ErrorCode):
    EMAIL_TAKEN = ("email_taken", 409, _("An account with this email already exists."))
    INVALID_CREDENTIALS = ("invalid_credentials", 401, _("Invalid email or password."))
    TOKEN_REVOKED = ("token_revoked", 401, _("The token has been revoked."))
    WRONG_PASSWORD = ("wrong_password", 400, _("The current password is not correct."))
    USER_NOT_FOUND = ("user_not_found", 404, _("User not found."))
    WISHLIST_ITEM_NOT_FOUND = ("wishlist_item_not_found", 404, _("This book is not on the wishlist."))
