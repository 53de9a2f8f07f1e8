"""Writes of users: registration, a tenant's first admin, authentication, profiles, favourites, wishlists."""

import uuid
from dataclasses import dataclass
from enum import Enum
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.emails import normalize_email
from accounts.errors import AccountsError
from accounts.login_limits import login_admit, login_failed, login_succeeded
from accounts.models import WISHLIST_PRIORITY_DEFAULT, Favorite, Preferences, User, WishlistItem
from accounts.selectors import ListedBook, user_find_by_email, user_get
from bookstore.authentication import ROLE_ADMIN, ROLE_CUSTOMER, ROLES
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import put_if_absent
from bookstore.dynamodb.transactions import LabelledTransaction, failed_condition
from bookstore.errors import ApplicationError, CommonError
from bookstore.ids import canonical_id
from bookstore.models import Tenant, UniqueKey
from bookstore.tenants import (
    TenancyError,
    tenant_create,
    tenant_get,
    tenant_is_active,
    tenant_new,
    tenant_require_active,
)
from catalog.selectors import book_get


class Unset(Enum):
    """A keyword left out, told apart from an explicit None (which clears a field)."""

    UNSET = "unset"


UNSET = Unset.UNSET


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
    language: str | None = None,
) -> TenantOpened:
    """Create a tenant (on `plan`, else the default plan; in `language`, else English) and, optionally, its first admin.

    The admin is written in the tenant's own transaction, so a refused admin (an invalid
    email, a weak password) leaves no tenant behind and a corrected re-run creates both.
    An existing tenant is left unchanged.
    """
    if not (admin_email and admin_password):
        result = tenant_create(tenant_id=tenant_id, name=name, plan=plan, language=language)
        return TenantOpened(tenant=result.tenant, created=result.created)
    tenant = tenant_new(tenant_id=tenant_id, name=name, plan=plan, language=language)
    existing = tenant_get(tenant_id=tenant_id)
    if existing is not None:
        return TenantOpened(tenant=existing, created=False)
    try:
        admin = user_create(
            tenant_id=tenant_id,
            email=admin_email,
            password=admin_password,
            role=ROLE_ADMIN,
            first_name="Admin",
            new_tenant=tenant,
        )
    except ApplicationError as exc:
        if exc.code != TenancyError.TENANT_EXISTS:
            raise
        # Created by someone else between the read and the write.
        return TenantOpened(tenant=tenant_get(tenant_id=tenant_id), created=False)
    return TenantOpened(tenant=tenant, created=True, admin=admin)


@dataclass(frozen=True)
class UserAdded:
    user: User
    created: bool


def user_add(
    *, tenant_id: str, email: str, password: str, role: str = ROLE_CUSTOMER, first_name: str = "", last_name: str = ""
) -> UserAdded:
    """An operator adds a user (admin or customer) to an existing, active tenant; idempotent.

    An email already registered in the tenant is returned as it is (`created=False`): its
    role and password are not changed. A new user is checked as `user_create` checks it.
    """
    tenant_require_active(tenant_id=tenant_id)
    existing = user_find_by_email(tenant_id=tenant_id, email=_checked_email(email))
    if existing is not None:
        return UserAdded(user=existing, created=False)
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


def _checked_email(email: str) -> str:
    """The email normalised (`normalize_email`), or a validation error naming the field."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(CommonError.VALIDATION, details={"email": exc.messages}) from exc
    return email


def _password_problems(password: str, *, user: User, field: str) -> dict[str, list[str]]:
    """`{field: messages}` if the password fails the configured AUTH_PASSWORD_VALIDATORS, else `{}`."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return {field: exc.messages}
    return {}


def user_create(
    *,
    tenant_id: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    role: str = ROLE_CUSTOMER,
    new_tenant: Tenant | None = None,
) -> User:
    """Write a new user: every path that creates a user comes here, and here it is checked.

    The email is normalised and validated, the role must be one of ROLES, and the password
    must pass the configured AUTH_PASSWORD_VALIDATORS; any failure is one validation error
    naming its fields, and nothing is written. The user and its email's uniqueness claim are
    written in one transaction. `new_tenant`, a registry item from `tenant_new`, joins that
    transaction (a tenant and its first admin), failing with `tenant_exists` if the tenant does.
    """
    errors: dict[str, list[str]] = {}
    try:
        email = _checked_email(email)
    except ApplicationError as exc:
        errors.update(exc.details)
    if role not in ROLES:
        errors["role"] = [_("One of: %(roles)s.") % {"roles": ", ".join(ROLES)}]
    user_id = str(uuid.uuid4())
    user = User(
        pk=User.key(tenant_id, user_id),
        sk=User.sort_key(email),
        email_key=User.email_key_for(tenant_id, email),
        admin_key=User.admin_key_for(tenant_id) if role == ROLE_ADMIN else None,
        tenant_id=tenant_id,
        user_id=user_id,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        preferences=Preferences(categories=[], language=None),
        created_at=now(),
    )
    errors.update(_password_problems(password, user=user, field="password"))
    if errors:
        raise ApplicationError(CommonError.VALIDATION, details=errors)
    user.password = make_password(password)
    claim = UniqueKey(key=UniqueKey.key_for(tenant_id=tenant_id, kind="EMAIL", value=email), owner_id=user_id)
    tx = LabelledTransaction()
    if new_tenant is not None:
        tx.put("tenant", new_tenant, condition=Tenant.pk.does_not_exist())
    tx.put("email", claim, condition=UniqueKey.key.does_not_exist())
    tx.put("user", user, condition=User.pk.does_not_exist())
    tx.commit(on_cancel=_user_refused)
    return user


def _user_refused(failures) -> ApplicationError | None:
    if failed_condition(failures, "tenant"):
        return ApplicationError(TenancyError.TENANT_EXISTS)
    return _email_taken(failures)


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


def user_login(*, tenant_id: str, email: str, password: str, address: str) -> User:
    """`user_authenticate` behind the login limits of `accounts.login_limits`, for a caller at `address`.

    A refused attempt is `429 throttled` and checks no password; a failure is counted, a
    success clears the (account, address) pair's failures. DynamoDB calls: one BatchGetItem
    for the limits, `user_authenticate`'s GetItem of the tenant (cached) and Query of the
    email index, then 3 UpdateItems on a failure or 0-2 writes on a success (the budget is in
    `accounts.login_limits`).
    """
    attempt = login_admit(tenant_id=tenant_id, email=email, address=address)
    try:
        user = user_authenticate(tenant_id=tenant_id, email=email, password=password)
    except ApplicationError as exc:
        if exc.code == AccountsError.INVALID_CREDENTIALS:
            login_failed(attempt)
        raise
    login_succeeded(attempt)
    return user


def profile_update(
    *,
    tenant_id: str,
    user_id: str,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | Unset | None = UNSET,
    preferences: dict | None = None,
) -> User:
    """Change the given profile fields in one conditional UpdateItem; others stay as they are.

    `language=None` clears the profile language; leaving it out keeps it.
    """
    user = user_get(tenant_id=tenant_id, user_id=user_id)
    actions = [User.updated_at.set(now())]
    if first_name is not None:
        actions.append(User.first_name.set(first_name))
    if last_name is not None:
        actions.append(User.last_name.set(last_name))
    if language is not UNSET:
        actions.append(User.language.set(language) if language else User.language.remove())
    if preferences is not None:
        merged = {"categories": user.preferences.categories, "language": user.preferences.language, **preferences}
        actions.append(User.preferences.set(Preferences(**merged)))
    user.update(actions=actions, condition=User.pk.exists())
    return user


def password_change(*, tenant_id: str, user_id: str, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one and the new one (as `user_create` does).

    Refresh tokens issued before the change stop working.
    """
    user = user_get(tenant_id=tenant_id, user_id=user_id)
    if not check_password(current_password, user.password):
        raise ApplicationError(
            AccountsError.WRONG_PASSWORD, details={"current_password": [AccountsError.WRONG_PASSWORD.message]}
        )
    problems = _password_problems(new_password, user=user, field="new_password")
    if problems:
        raise ApplicationError(CommonError.VALIDATION, details=problems)
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


def wishlist_add(
    *, tenant_id: str, user_id: str, book_id: str, priority: int = WISHLIST_PRIORITY_DEFAULT
) -> tuple[ListedBook, bool]:
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
