"""Cart lines and the cart header, purchases and checkout idempotency records."""

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from bookstore.dynamodb.attributes import DecimalAttribute
from bookstore.dynamodb.base import NEW_AND_OLD_IMAGES, BaseModel, TableMeta, UserPartitionKeys, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned

PENDING = "pending"
COMPLETED = "completed"
CANCELLED = "cancelled"
STATUSES = (PENDING, COMPLETED, CANCELLED)

CARD = "card"
PAYPAL = "paypal"
TRANSFER = "transfer"
CASH_ON_DELIVERY = "cash_on_delivery"
PAYMENT_METHODS = (CARD, PAYPAL, TRANSFER, CASH_ON_DELIVERY)
# Card and PayPal are settled at checkout (the order is completed); a transfer or cash on
# delivery is settled later (the order is pending until an admin marks it paid).
SETTLED_AT_CHECKOUT = frozenset({CARD, PAYPAL})

# Copies of one book in a cart line (and so in a purchase line).
MAX_QUANTITY = 99


@register
class CartLine(UserPartitionKeys, BaseModel):
    """One book in a user's cart.

    PK `{tenant}#{user_id}`, SK `CART#{book_id}`: one Query of the partition reads the whole
    cart, its header (CartHeader, SK `CART`) first, then the lines (at most CART_MAX_LINES),
    and a line is addressed directly by its book. `priced_amount` is the quantity times the
    book's price when the quantity was set: what the line adds to the header's `priced_total`.
    A line stored without one (from an old snapshot or import) counts as 0 there.
    """

    class Meta(TableMeta):
        table_name = table_name("shopping_cart")

    SORT_PREFIX = "CART"
    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("sk",))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    book_id = UnicodeAttribute()
    quantity = NumberAttribute()
    priced_amount = DecimalAttribute(null=True)


class CartHeader(UserPartitionKeys, Model):
    """The running totals of a user's cart, which the cart's caps are conditions on.

    PK `{tenant}#{user_id}`, SK `CART`: in the shopping_cart table, next to the lines; with no
    `#` it sorts before every `CART#{book_id}`, so the cart's one Query reads it first and a
    line's key can never name it. `line_count` is the number of lines and `priced_total` the
    sum of their `priced_amount`; every write that adds, removes or reprices lines moves them in
    its own transaction (orders/cart_header.py). A cart without a header is counted from its
    lines. The table is registered by CartLine, whose TENANCY covers this item too.
    """

    class Meta(TableMeta):
        table_name = table_name("shopping_cart")

    SORT_KEY = "CART"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    line_count = NumberAttribute(null=True)
    priced_total = DecimalAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class PurchaseItem(MapAttribute):
    """A purchased line, priced and described as the book was at checkout."""

    book_id = UnicodeAttribute()
    title = UnicodeAttribute()
    category = UnicodeAttribute()
    author = UnicodeAttribute()
    quantity = NumberAttribute()
    unit_price = DecimalAttribute()
    subtotal = DecimalAttribute()


class ShippingAddress(MapAttribute):
    line1 = UnicodeAttribute()
    line2 = UnicodeAttribute(null=True)
    city = UnicodeAttribute()
    region = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute()
    country = UnicodeAttribute()


class UserPurchasesByDate(LocalSecondaryIndex):
    """LSI `created-index`: a user's purchases in date order (the history, newest first)."""

    class Meta:
        index_name = "created-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class TenantPurchasesByDate(GlobalSecondaryIndex):
    """GSI `tenant-index`: `{tenant}#PURCHASES` → every purchase of the tenant by date (admins)."""

    class Meta:
        index_name = "tenant-index"
        projection = AllProjection()

    tenant_key = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class TenantPendingByDate(GlobalSecondaryIndex):
    """GSI `pending-index`: `{tenant}#PENDING` → the tenant's unpaid orders by date, oldest first.

    Sparse: `pending_key` exists only while an order is pending, so the expiry job and the
    admins' `status=pending` list read exactly the pending orders, never the whole history.
    """

    class Meta:
        index_name = "pending-index"
        projection = AllProjection()

    pending_key = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@register
class Purchase(UserPartitionKeys, BaseModel):
    """A placed order.

    PK `{tenant}#{user_id}`, SK `PURCHASE#{purchase_id}`: a user reads one of their own
    purchases with one GetItem, and can never address another user's. LSI `created-index`
    lists a user's history by date; GSI `tenant-index` lists the whole tenant's by date for
    admins; sparse GSI `pending-index` lists the tenant's unpaid orders. Items are priced
    from the server's prices at checkout. `refund_due` records money owed back when a paid
    order is cancelled. The table streams NEW_AND_OLD_IMAGES to the data-lake exporter.
    """

    class Meta(TableMeta):
        table_name = table_name("purchases")
        stream_view_type = NEW_AND_OLD_IMAGES

    SORT_PREFIX = "PURCHASE"
    TENANCY = TenantOwned(
        pk=PREFIX, tenant_key=PREFIX, tenant_id=EXACT, pending_key=PREFIX, without_tenant=("sk", "created_at")
    )

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenant_key = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    purchase_id = UnicodeAttribute()
    items = ListAttribute(of=PurchaseItem)
    total_amount = DecimalAttribute()
    status = UnicodeAttribute()
    payment_method = UnicodeAttribute()
    shipping_address = ShippingAddress()
    cancelled_at = UTCDateTimeAttribute(null=True)
    # Who cancelled it (orders/lifecycle.py `Actor`): the expiry job's cancellations are expiries.
    cancelled_by = UnicodeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    pending_key = UnicodeAttribute(null=True)
    refund_due = DecimalAttribute(null=True)

    by_date = UserPurchasesByDate()
    tenant_by_date = TenantPurchasesByDate()
    pending_by_date = TenantPendingByDate()

    @staticmethod
    def tenant_key_for(tenant_id: str) -> str:
        return f"{tenant_id}#PURCHASES"

    @staticmethod
    def pending_key_for(tenant_id: str) -> str:
        return f"{tenant_id}#PENDING"


@register
class PurchaseTally(UserPartitionKeys, Model):
    """A user's running purchase totals, moved in the same transactions as their orders.

    PK `{tenant}#{user_id}`; SK `TALLY#TOTAL` holds the spend (`amount`), the number of
    orders (`count`), the open unpaid orders (`pending_count`, capped at checkout by a
    condition) and the last checkout; SK `TALLY#CATEGORY#{category}` holds the spend and
    copies (`count`) per category. Cancelled orders are subtracted. One Query on the
    partition answers the purchase summary, whatever the length of the history.
    """

    class Meta(TableMeta):
        table_name = table_name("purchase_tallies")

    SORT_PREFIX = "TALLY"
    TOTAL = "TOTAL"

    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("sk",))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    category = UnicodeAttribute(null=True)
    amount = DecimalAttribute(null=True)
    count = NumberAttribute(null=True)
    pending_count = NumberAttribute(null=True)
    last_purchase_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def category_sort_key(cls, category: str) -> str:
        return cls.sort_key(f"CATEGORY#{category}")


@register
class IdempotencyRecord(Model):
    """The outcome of a checkout, remembered under the client's Idempotency-Key.

    PK `{tenant}#{user_id}#{idempotency_key}`: a retry reads it with one GetItem. It is put
    in the checkout's own transaction (`attribute_not_exists`), so of two concurrent
    requests with one key exactly one places an order. `request_hash` tells a retry from a
    different request reusing the key. The TTL forgets it after IDEMPOTENCY_TTL_HOURS.
    """

    class Meta(TableMeta):
        table_name = table_name("idempotency_keys")

    TENANCY = TenantOwned(key=PREFIX)

    key = UnicodeAttribute(hash_key=True)
    request_hash = UnicodeAttribute()
    purchase_id = UnicodeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def key_for(tenant_id: str, user_id: str, idempotency_key: str) -> str:
        return f"{tenant_id}#{user_id}#{idempotency_key}"
