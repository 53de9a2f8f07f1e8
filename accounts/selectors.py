"""Reads of users, favourites and wishlists."""

from dataclasses import dataclass

from accounts.errors import AccountsError
from accounts.models import Favorite, User, WishlistItem
from bookstore.errors import ApplicationError
from bookstore.pagination import Page, query_page
from catalog.models import Book
from catalog.selectors import books_get_many


def user_get(*, tenant_id: str, user_id: str) -> User:
    """The user with this id in this tenant (one Query on the user's partition)."""
    for user in User.query(User.key(tenant_id, user_id), limit=1):
        return user
    raise ApplicationError(AccountsError.USER_NOT_FOUND)


def user_find_by_email(*, tenant_id: str, email: str) -> User | None:
    """The user with this (normalised) email in this tenant, through the email GSI."""
    for user in User.email_index.query(User.email_key_for(tenant_id, email), limit=1):
        return user
    return None


def admins_list(*, tenant_id: str) -> list[User]:
    """The tenant's active admins (a Query of the sparse `admin-index`: admins only, never the customers)."""
    return [user for user in User.admin_index.query(User.admin_key_for(tenant_id)) if user.is_active is not False]


@dataclass(frozen=True)
class ListedBook:
    """A favourite or wishlist entry with its book as it is now (None once withdrawn)."""

    entry: Favorite | WishlistItem
    book: Book | None


def _with_books(*, tenant_id: str, page: Page) -> Page:
    """Attach the books of a page's entries with one BatchGetItem; withdrawn books become None."""
    books = books_get_many(tenant_id=tenant_id, book_ids=[entry.book_id for entry in page.items])
    listed = []
    for entry in page.items:
        book = books.get(entry.book_id)
        listed.append(ListedBook(entry=entry, book=book if book is not None and book.is_active else None))
    return Page(items=listed, next_cursor=page.next_cursor)


def favorites_list(*, tenant_id: str, user_id: str, limit: int, cursor: str | None = None) -> Page:
    """The user's favourites, newest first, with their books: one Query plus one BatchGetItem."""
    page = query_page(
        Favorite.by_date,
        Favorite.key(tenant_id, user_id),
        scan_index_forward=False,
        limit=limit,
        cursor=cursor,
        scope=f"favorites:{tenant_id}:{user_id}",
    )
    return _with_books(tenant_id=tenant_id, page=page)


def wishlist_list(*, tenant_id: str, user_id: str, limit: int, cursor: str | None = None) -> Page:
    """The user's wishlist by priority, then date added, with books: one Query plus one BatchGetItem."""
    page = query_page(
        WishlistItem.by_priority,
        WishlistItem.key(tenant_id, user_id),
        limit=limit,
        cursor=cursor,
        scope=f"wishlist:{tenant_id}:{user_id}",
    )
    return _with_books(tenant_id=tenant_id, page=page)
