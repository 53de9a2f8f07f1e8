"""Users, revoked refresh tokens, and each user's favourites and wishlist."""

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, LocalSecondaryIndex
from pynamodb.models import Model

from bookstore.authentication import ROLE_CUSTOMER
from bookstore.dynamodb.base import BaseModel, TableMeta, UserPartitionKeys, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned


class UserEmailIndex(GlobalSecondaryIndex):
    """GSI `email-index`: `{tenant}#EMAIL#{email}` → the user, for login by email."""

    class Meta:
        index_name = "email-index"
        projection = AllProjection()

    email_key = UnicodeAttribute(hash_key=True)


class UserAdminIndex(GlobalSecondaryIndex):
    """GSI `admin-index`: `{tenant}#ADMINS` → the tenant's admins, for the notices sent to them.

    Sparse: `admin_key` is written only on admins, so the Query reads the admins and nothing
    else, however many customers the tenant has. It projects what a notice needs.
    """

    class Meta:
        index_name = "admin-index"
        projection = IncludeProjection(["user_id", "email", "first_name", "language", "is_active"])

    admin_key = UnicodeAttribute(hash_key=True)


class Preferences(MapAttribute):
    categories = ListAttribute(of=UnicodeAttribute, default=list)
    language = UnicodeAttribute(null=True)


@register
class User(UserPartitionKeys, BaseModel):
    """A user account of one tenant.

    PK `{tenant}#{user_id}`, SK `USER#{email}`: a Query on the PK alone reads a user by
    the id in their token. GSI `email-index` on `{tenant}#EMAIL#{email}` serves login.
    The email is unique per tenant: registration writes a `UniqueKey`
    `{tenant}#EMAIL#{email}` in the same transaction (the GSI is eventually consistent,
    so it cannot guard uniqueness on its own). Sparse GSI `admin-index` on `{tenant}#ADMINS`
    (`admin_key`, set on admins only) lists a tenant's admins.
    """

    class Meta(TableMeta):
        table_name = table_name("users")

    SORT_PREFIX = "USER"
    TENANCY = TenantOwned(pk=PREFIX, email_key=PREFIX, admin_key=PREFIX, tenant_id=EXACT, without_tenant=("sk",))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    email_key = UnicodeAttribute()
    admin_key = UnicodeAttribute(null=True)
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    password = UnicodeAttribute()
    first_name = UnicodeAttribute(default="")
    last_name = UnicodeAttribute(default="")
    role = UnicodeAttribute(default=ROLE_CUSTOMER)
    preferences = Preferences(default=dict)
    # The language the API answers this user in (`bookstore.languages`); None: Accept-Language decides.
    language = UnicodeAttribute(null=True)
    is_active = BooleanAttribute(default=True)
    # Refresh tokens issued before this instant are no longer honoured.
    password_changed_at = UTCDateTimeAttribute(null=True)

    email_index = UserEmailIndex()
    admin_index = UserAdminIndex()

    @staticmethod
    def email_key_for(tenant_id: str, email: str) -> str:
        return f"{tenant_id}#EMAIL#{email}"

    @staticmethod
    def admin_key_for(tenant_id: str) -> str:
        return f"{tenant_id}#ADMINS"


@register
class RevokedToken(Model):
    """A refresh token revoked by logout.

    PK `jti` (the token's unique id): one GetItem tells a refresh whether its token was
    revoked. The TTL drops the item when the token would have expired anyway.
    """

    class Meta(TableMeta):
        table_name = table_name("revoked_tokens")

    # The jti carries no tenant; the tokens themselves name it, so a renamed tenant's old tokens are void anyway.
    TENANCY = TenantOwned(tenant_id=EXACT, without_tenant=("jti",))

    jti = UnicodeAttribute(hash_key=True)
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    expires_at = TTLAttribute()


class FavoritesByDate(LocalSecondaryIndex):
    """LSI `added-index`: a user's favourites in the order they were added (listed newest first)."""

    class Meta:
        index_name = "added-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    added_at = UTCDateTimeAttribute(range_key=True)


@register
class Favorite(UserPartitionKeys, Model):
    """A book a user marked as a favourite.

    PK `{tenant}#{user_id}`, SK `FAVORITE#{book_id}`: adding twice writes one item, and a
    favourite is removed by its book. LSI `added-index` lists them newest first.
    """

    class Meta(TableMeta):
        table_name = table_name("user_favorites")

    SORT_PREFIX = "FAVORITE"
    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("sk", "added_at"))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    book_id = UnicodeAttribute()
    added_at = UTCDateTimeAttribute()

    by_date = FavoritesByDate()


# A wishlist priority runs from 1 (most wanted) to WISHLIST_PRIORITY_MAX. It leads `rank`, a
# string, so it must stay one digit to sort as a number.
WISHLIST_PRIORITY_MIN = 1
WISHLIST_PRIORITY_MAX = 5
WISHLIST_PRIORITY_DEFAULT = 3


class WishlistByPriority(LocalSecondaryIndex):
    """LSI `priority-index`: a user's wishlist by priority (1 first), then by when it was added."""

    class Meta:
        index_name = "priority-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    rank = UnicodeAttribute(range_key=True)


@register
class WishlistItem(UserPartitionKeys, Model):
    """A book on a user's wishlist, with a priority from 1 (most wanted) to WISHLIST_PRIORITY_MAX.

    PK `{tenant}#{user_id}`, SK `WISHLIST#{book_id}`. LSI `priority-index` sorts on `rank`
    = `{priority}#{added_at}#{book_id}`, so one Query per page returns the list in order;
    changing the priority rewrites `rank` in the same UpdateItem.
    """

    class Meta(TableMeta):
        table_name = table_name("user_wishlist")

    SORT_PREFIX = "WISHLIST"
    TENANCY = TenantOwned(pk=PREFIX, without_tenant=("sk", "rank"))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    book_id = UnicodeAttribute()
    priority = NumberAttribute()
    added_at = UTCDateTimeAttribute()
    rank = UnicodeAttribute()

    by_priority = WishlistByPriority()

    @staticmethod
    def rank_for(priority: int, added_at, book_id: str) -> str:
        return f"{priority}#{added_at.isoformat()}#{book_id}"
