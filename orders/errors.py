"""Error codes of the orders app."""

from bookstore.errors import ErrorCode
from orders.models import MAX_QUANTITY


class OrdersError(ErrorCode):
    CART_FULL = ("cart_full", 400, "The cart cannot hold more distinct books.")
    CART_EMPTY = ("cart_empty", 400, "The cart is empty.")
    CART_ITEM_NOT_FOUND = ("cart_item_not_found", 404, "This book is not in the cart.")
    QUANTITY_TOO_LARGE = ("quantity_too_large", 400, f"A cart line holds at most {MAX_QUANTITY} copies.")
    INSUFFICIENT_STOCK = ("insufficient_stock", 409, "Not enough copies in stock.")
    CART_CHANGED = ("cart_changed", 409, "The cart or its prices changed during checkout. Review it and retry.")
    IDEMPOTENCY_KEY_REQUIRED = ("idempotency_key_required", 400, "Send an Idempotency-Key header holding a UUID.")
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        422,
        "This Idempotency-Key was already used for a different request.",
    )
    PURCHASE_NOT_FOUND = ("purchase_not_found", 404, "Purchase not found.")
    ORDER_TOTAL_TOO_LARGE = ("order_total_too_large", 400, "The order total is above the largest allowed.")
    TOO_MANY_PENDING_ORDERS = ("too_many_pending_orders", 409, "Too many unpaid orders. Pay or cancel one first.")
    CANCEL_WINDOW_CLOSED = (
        "cancel_window_closed",
        409,
        "A paid order can be cancelled only shortly after it was placed. Contact the shop.",
    )
    NOT_PENDING = ("not_pending", 409, "Only an unpaid (pending) order can be marked paid.")
