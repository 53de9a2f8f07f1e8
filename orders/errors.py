"""Error codes of the orders app."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode
from orders.models import MAX_QUANTITY


class OrdersError(ErrorCode):
    CART_FULL = ("cart_full", 400, _("The cart cannot hold more distinct books."))
    CART_EMPTY = ("cart_empty", 400, _("The cart is empty."))
    CART_ITEM_NOT_FOUND = ("cart_item_not_found", 404, _("This book is not in the cart."))
    QUANTITY_TOO_LARGE = (
        "quantity_too_large",
        400,
        format_lazy(_("A cart line holds at most {max} copies."), max=MAX_QUANTITY),
    )
    INSUFFICIENT_STOCK = ("insufficient_stock", 409, _("Not enough copies in stock."))
    CART_CHANGED = ("cart_changed", 409, _("The cart or its prices changed during checkout. Review it and retry."))
    IDEMPOTENCY_KEY_REQUIRED = ("idempotency_key_required", 400, _("Send an Idempotency-Key header holding a UUID."))
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        422,
        _("This Idempotency-Key was already used for a different request."),
    )
    PURCHASE_NOT_FOUND = ("purchase_not_found", 404, _("Purchase not found."))
    ORDER_TOTAL_TOO_LARGE = ("order_total_too_large", 400, _("The order total is above the largest allowed."))
    TOO_MANY_PENDING_ORDERS = ("too_many_pending_orders", 409, _("Too many unpaid orders. Pay or cancel one first."))
    CANCEL_WINDOW_CLOSED = (
        "cancel_window_closed",
        409,
        _("A paid order can be cancelled only shortly after it was placed. Contact the shop."),
    )
    NOT_PENDING = ("not_pending", 409, _("Only an unpaid (pending) order can be marked paid."))
