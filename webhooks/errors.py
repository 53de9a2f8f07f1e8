"""Error codes of the webhooks app."""

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode


class WebhooksError(ErrorCode):
    WEBHOOK_NOT_FOUND = ("webhook_not_found", 404, _("Webhook endpoint not found."))
    DELIVERY_NOT_FOUND = ("webhook_delivery_not_found", 404, _("Webhook delivery not found."))
    URL_REFUSED = ("webhook_url_refused", 400, _("This URL cannot receive webhooks."))
    TOO_MANY_WEBHOOKS = (
        "too_many_webhooks",
        409,
        _("The shop has as many webhook endpoints as it may have: delete one first."),
    )
    WEBHOOK_INACTIVE = (
        "webhook_inactive",
        409,
        _("The webhook endpoint is inactive: activate it before sending deliveries to it again."),
    )
