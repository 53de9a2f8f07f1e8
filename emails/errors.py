"""Error codes of the emails app."""

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode


class EmailsError(ErrorCode):
    OUTBOX_NOT_CONFIGURED = (
        "outbox_not_configured",
        404,
        _("There is no local outbox here: this stage sends its emails through EMAIL_BACKEND, not to the outbox."),
    )
    MESSAGE_NOT_FOUND = ("outbox_message_not_found", 404, _("No such message in your shop's outbox."))
