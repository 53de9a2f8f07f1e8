"""Writes of users: registration, a tenant's first admin, authentication, profiles, favourites, wishlists."""

import uuid
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.emails import normalize_email
from accounts.errors import AccountsError
from accounts.models import Favorite, Preferences, User, WishlistItem
from accounts.selectors import ListedBook, user_find_by_email, user_get
from bookstore.authentication import ROLE_ADMIN, ROLE_CUSTOMER, ROLES
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import put_if_absent
from bookstore.dynamodb.transactions import LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError, CommonError
from bookstore.ids import canonical_id
from bookstore.models import Tenant, UniqueKey
from bookstore.tenants import tenant_create, tenant_is_active, tenant_require_active
from catalog.selectors import book_get


@dataclass(frozen=True)
class TenantOpened:
    tenant: Tenant
    created: bool
    admin: User | None = None


def tenant_create_with_admin(
    *,
    tenant_id: str,
    name: str,
    admin_email: str | None = None,
    admin_password: str | None = None,
    plan: str | None = None,
) -> TenantOpened:
    """Create a tenant (on `plan`, else the default plan) and, optionally, its first admin.

    An existing tenant is left unchanged.
    """
    result = tenant_create(tenant_id=tenant_id, name=name, plan=plan)
    if not result.created:
        return TenantOpened(tenant=result.tenant, created=False)
    admin = None
    if admin_email and admin_password:
        admin = user_create(
            tenant_id=tenant_id, email=admin_email, password=admin_password, role=ROLE_ADMIN, first_name="Admin"
        )
    return TenantOpened(tenant=result.tenant, created=True, admin=admin)


@dataclass(frozen=True)
class UserAdded:
    user: User
    created: bool


def user_add(
    *, tenant_id: str, email: str, password: str, role: str = ROLE_CUSTOMER, first_name: str = "", last_name: str = ""
) -> UserAdded:
    """An operator adds a user (admin or customer) to an existing, active tenant; idempotent.

    An email already registered in the tenant is returned as it is (`created=False`): its
    role and password are not changed. The password must pass Django's validators.
    """
    if role not in ROLES:
        raise ApplicationError(CommonError.VALIDATION, details={"role": [f"One of: {', '.join(ROLES)}."]})
    tenant_require_active(tenant_id=tenant_id)
    try:
        validate_email(normalize_email(email))
    except ValidationError as exc:
        raise ApplicationError(CommonError.VALIDATION, details={"email": exc.messages}) from exc
    existing = user_find_by_email(tenant_id=tenant_id, email=normalize_email(email))
    if existing is not None:
        return UserAdded(user=existing, created=False)
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ApplicationError(CommonError.VALIDATION, details={"password": exc.messages}) from exc
    try:
        user = user_create(
            tenant_id=tenant_id, email=email, password=password, role=role, first_name=first_name, last_name=last_name
        )
    except ApplicationError as exc:
        if exc.code != AccountsError.EMAIL_TAKEN:
            raise
        # Added by someone else a moment ago (the email GSI is eventually consistent).
        return UserAdded(user=user_find_by_email(tenant_id=tenant_id, email=normalize_email(email)), created=False)
    return UserAdded(user=user, created=True)


def user_register(*, tenant_id: str, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Self-service sign-up: a customer account in an existing, active tenant."""
    tenant_require_active(tenant_id=tenant_id)
    return user_create(tenant_id=tenant_id, email=email, password=password, first_name=first_name, last_name=last_name)


def user_create(
    *,
    tenant_id: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    role: str = ROLE_CUSTOMER,
) -> User:
    """Register a user; the email's uniqueness claim is written in the same transaction."""
    email = normalize_email(email)
    user_id = str(uuid.uuid4())
    user = User(
        pk=User.key(tenant_id, user_id),
        sk=User.sort_key(email),
        email_key=User.email_key_for(tenant_id, email),
        tenant_id=tenant_id,
        user_id=user_id,
        email=email,
        password=make_password(password),
        first_name=first_name,
        last_name=last_name,
        role=role,
        preferences=Preferences(categories=[], language=None),
        created_at=now(),
    )
    claim = UniqueKey(key=UniqueKey.key_for(tenant_id=tenant_id, kind="EMAIL", value=email), owner_id=user_id)
    tx = LabelledTransaction()
    tx.put("email", claim, condition=UniqueKey.key.does_not_exist())
    tx.put("user", user, condition=User.pk.does_not_exist())
    tx.commit(on_cancel=_email_taken)
    return user


def _email_taken(failures) -> ApplicationError | None:
    if failed_condition(failures, "email"):
        return ApplicationError(AccountsError.EMAIL_TAKEN, details={"email": [AccountsError.EMAIL_TAKEN.message]})
    return None


@cache
def _dummy_password_hash() -> str:
    """Checked when the email is unknown, so that failure takes as long as a wrong password."""
    return make_password("not-a-real-password")


def user_authenticate(*, tenant_id: str, email: str, password: str) -> User:
    """The user these credentials belong to; every failure gives the same error (no enumeration)."""
    user = None
    if tenant_is_active(tenant_id=tenant_id):
        user = user_find_by_email(tenant_id=tenant_id, email=normalize_email(email))
    if user is None or not user.is_active:
        check_password(password, _dummy_password_hash())
        raise ApplicationError(AccountsError.INVALID_CREDENTIALS)
    if not check_password(password, user.password):
        raise ApplicationError(AccountsError.INVALID_CREDENTIALS)
    return user


def profile_update(
    *,
    tenant_id: str,
    user_id: str,
    first_name: str | None = None,
    last_name: str | None = None,
    preferences: dict | None = None,
) -> User:
    """Change the given profile fields in one conditional UpdateItem; others stay as they are."""
    user = user_get(tenant_id=tenant_id, user_id=user_id)
    actions = [User.updated_at.set(now())]
    if first_name is not None:
        actions.append(User.first_name.set(first_name))
    if last_name is not None:
        actions.append(User.last_name.set(last_name))
    if preferences is not None:
        merged = {"categories": user.preferences.categories, "language": user.preferences.language, **preferences}
        actions.append(User.preferences.set(Preferences(**merged)))
    user.update(actions=actions, condition=User.pk.exists())
    return user


def password_change(*, tenant_id: str, user_id: str, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; earlier refresh tokens stop working."""
    user = user_get(tenant_id=tenant_id, user_id=user_id)
    if not check_password(current_password, user.password):
        raise ApplicationError(
            AccountsError.WRONG_PASSWORD, details={"current_password": [AccountsError.WRONG_PASSWORD.message]}
        )
    changed_at = now()
    user.update(
        actions=[
            User.password.set(make_password(new_password)),
            User.password_changed_at.set(changed_at),
            User.updated_at.set(changed_at),
        ]
    )


# --- Favourites and wishlist --------------------------------------------------------------


def favorite_add(*, tenant_id: str, user_id: str, book_id: str) -> tuple[ListedBook, bool]:
    """Mark an active book as a favourite; returns it with its book, and whether it is new."""
    book = book_get(tenant_id=tenant_id, book_id=book_id)
    favorite = Favorite(
        Favorite.key(tenant_id, user_id), Favorite.sort_key(book.book_id), book_id=book.book_id, added_at=now()
    )
    if not put_if_absent(favorite):
        favorite = Favorite.get(favorite.pk, favorite.sk)
        return ListedBook(entry=favorite, book=book), False
    return ListedBook(entry=favorite, book=book), True


def favorite_remove(*, tenant_id: str, user_id: str, book_id: str) -> None:
    """Unmark a favourite; removing one that is not there (or an id that is not one) is not an error."""
    if (book_id := canonical_id(book_id)) is not None:
        Favorite(Favorite.key(tenant_id, user_id), Favorite.sort_key(book_id)).delete()


def wishlist_add(*, tenant_id: str, user_id: str, book_id: str, priority: int = 3) -> tuple[ListedBook, bool]:
    """Put an active book on the wishlist; an entry already there is kept as it is (PATCH changes it)."""
    book = book_get(tenant_id=tenant_id, book_id=book_id)
    added_at = now()
    entry = WishlistItem(
        WishlistItem.key(tenant_id, user_id),
        WishlistItem.sort_key(book.book_id),
        book_id=book.book_id,
        priority=priority,
        added_at=added_at,
        rank=WishlistItem.rank_for(priority, added_at, book.book_id),
    )
    if not put_if_absent(entry):
        entry = WishlistItem.get(entry.pk, entry.sk)
        return ListedBook(entry=entry, book=book), False
    return ListedBook(entry=entry, book=book), True


def wishlist_set_priority(*, tenant_id: str, user_id: str, book_id: str, priority: int) -> ListedBook:
    """Change an entry's priority (and so its place in the list)."""
    if (book_id := canonical_id(book_id)) is None:
        raise ApplicationError(AccountsError.WISHLIST_ITEM_NOT_FOUND)
    try:
        entry = WishlistItem.get(WishlistItem.key(tenant_id, user_id), WishlistItem.sort_key(book_id))
    except WishlistItem.DoesNotExist as exc:
        raise ApplicationError(AccountsError.WISHLIST_ITEM_NOT_FOUND) from exc
    entry.update(
        actions=[
            WishlistItem.priority.set(priority),
            WishlistItem.rank.set(WishlistItem.rank_for(priority, entry.added_at, entry.book_id)),
        ],
        condition=WishlistItem.pk.exists(),
    )
    book = book_get(tenant_id=tenant_id, book_id=book_id, include_inactive=True)
    return ListedBook(entry=entry, book=book if book.is_active else None)


def wishlist_remove(*, tenant_id: str, user_id: str, book_id: str) -> None:
    """Take a book off the wishlist; removing one that is not there (or an id that is not one) is not an error."""
    if (book_id := canonical_id(book_id)) is not None:
        WishlistItem(WishlistItem.key(tenant_id, user_id), WishlistItem.sort_key(book_id)).delete()
