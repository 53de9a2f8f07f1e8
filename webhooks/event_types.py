"""The event types a webhook endpoint may subscribe to: the order events, and a book's stock flipping.

The order events are named once, in orders/order_events.py; the stock events are named here,
where the books stream handler and the admin API both read them.
"""

from orders.order_events import ORDER_EVENT_TYPES

BOOK_OUT_OF_STOCK = "book.out_of_stock"
BOOK_BACK_IN_STOCK = "book.back_in_stock"
BOOK_EVENT_TYPES = (BOOK_OUT_OF_STOCK, BOOK_BACK_IN_STOCK)

EVENT_TYPES = (*ORDER_EVENT_TYPES, *BOOK_EVENT_TYPES)
