"""The tenants registry: which shops exist, whether they are active, and a small cache of that answer.

Every request asks "is this tenant active?", so the answer is cached per container for
TENANT_CACHE_SECONDS in a bounded LRU. A tenant id must be a slug before anything reads a
table for it: an id that cannot exist is `tenant_not_found` at no cost, and never cached.
The list of active shops (the browsable API's tenant picker) is one Query on the
registry's directory index, cached the same way.
"""

import re
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import put_if_absent
from bookstore.errors import ApplicationError, CommonError, ErrorCode
from bookstore.memo import BoundedMemo
from bookstore.models import DEFAULT_TENANT_LANGUAGE, DIRECTORY, TENANT_ID_MAX_LENGTH, TENANT_ID_MIN_LENGTH, Tenant

# Lowercase letters, digits and inner hyphens.
TENANT_ID_PATTERN = re.compile(rf"^[a-z0-9][a-z0-9-]{{{TENANT_ID_MIN_LENGTH - 2},{TENANT_ID_MAX_LENGTH - 2}}}[a-z0-9]$")
TENANT_CACHE_SIZE = 1024
# The tenant picker shows at most this many shops (one Query page of the directory index).
TENANT_DIRECTORY_LIMIT = 200


class TenancyError(ErrorCode):
    TENANT_REQUIRED = (
        "tenant_required",
        400,
        _("Name the tenant in the X-Tenant-ID header or the tenant_id parameter."),
    )
    TENANT_MISMATCH = ("tenant_mismatch", 403, _("The tenant named in the request is not the tenant of your token."))
    TENANT_NOT_FOUND = ("tenant_not_found", 404, _("Tenant not found."))
    INVALID_TENANT_ID = (
        "invalid_tenant_id",
        400,
        format_lazy(
            _("A tenant id is {min}-{max} lowercase letters, digits or hyphens."),
            min=TENANT_ID_MIN_LENGTH,
            max=TENANT_ID_MAX_LENGTH,
        ),
    )
    UNKNOWN_PLAN = ("unknown_plan", 400, _("No such plan: the plans are the keys of the TENANT_PLANS setting."))
    UNKNOWN_LANGUAGE = (
        "unknown_language",
        400,
        _("No such language: the languages are those of the LANGUAGES setting."),
    )
    TENANT_EXISTS = ("tenant_exists", 409, _("A tenant with this id already exists."))


def normalize_tenant_id(raw: str) -> str:
    """How a tenant id is compared: surrounding whitespace is not part of it."""
    return raw.strip()


def tenant_id_is_valid(tenant_id: str) -> bool:
    return bool(TENANT_ID_PATTERN.match(tenant_id))


def tenant_get(*, tenant_id: str) -> Tenant | None:
    """The tenant with this id, active or not (one GetItem; none for an id that is not a slug)."""
    if not tenant_id_is_valid(tenant_id):
        return None
    try:
        return Tenant.get(Tenant.key(tenant_id), Tenant.SORT_KEY)
    except Tenant.DoesNotExist:
        return None


class TenantStatus(NamedTuple):
    """What a request needs to know about its tenant: whether it may be served, under which plan, its settings."""

    active: bool
    plan: str | None
    language: str = DEFAULT_TENANT_LANGUAGE
    reviews_moderated: bool = False


# tenant_id → TenantStatus, trusted for TENANT_CACHE_SECONDS.
tenant_cache = BoundedMemo(TENANT_CACHE_SIZE)

_UNKNOWN = TenantStatus(active=False, plan=None)


def tenant_status(*, tenant_id: str) -> TenantStatus:
    """Whether the tenant exists and is active, and its plan; remembered for TENANT_CACHE_SECONDS."""
    if not tenant_id_is_valid(tenant_id):
        return _UNKNOWN
    cached = tenant_cache.get(tenant_id)
    if cached is not None:
        return cached
    tenant = tenant_get(tenant_id=tenant_id)
    status = (
        TenantStatus(
            active=bool(tenant.is_active),
            plan=tenant.plan,
            language=tenant.language or DEFAULT_TENANT_LANGUAGE,
            reviews_moderated=bool(tenant.reviews_moderated),
        )
        if tenant
        else _UNKNOWN
    )
    if settings.TENANT_CACHE_SECONDS > 0:
        tenant_cache.put(tenant_id, status, settings.TENANT_CACHE_SECONDS)
    return status


def tenant_is_active(*, tenant_id: str) -> bool:
    """Whether the tenant exists and is active (cached with its plan, see `tenant_status`)."""
    return tenant_status(tenant_id=tenant_id).active


def tenant_require_active(*, tenant_id: str) -> None:
    """Raise `tenant_not_found` unless the tenant exists and is active."""
    if not tenant_is_active(tenant_id=tenant_id):
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)


@dataclass(frozen=True)
class TenantListing:
    """A shop as the tenant picker shows it."""

    tenant_id: str
    name: str


_directory: tuple[float, list[TenantListing]] | None = None


def tenants_list_active() -> list[TenantListing]:
    """The active shops by tenant id (at most TENANT_DIRECTORY_LIMIT); remembered for TENANT_CACHE_SECONDS.

    One Query on `tenant-directory-index`: the registry is never scanned.
    """
    global _directory
    if _directory is not None and _directory[0] > time.monotonic():
        return _directory[1]
    listing = [
        TenantListing(tenant_id=tenant.tenant_id, name=tenant.name)
        for tenant in Tenant.directory_index.query(
            DIRECTORY,
            filter_condition=Tenant.is_active == True,  # noqa: E712 (a PynamoDB condition, not a comparison)
            limit=TENANT_DIRECTORY_LIMIT,
        )
    ]
    if settings.TENANT_CACHE_SECONDS > 0:
        _directory = (time.monotonic() + settings.TENANT_CACHE_SECONDS, listing)
    return listing


def tenant_name(*, tenant_id: str) -> str:
    """The display name of an active tenant, from the cached directory (the id itself if not listed)."""
    return next((t.name for t in tenants_list_active() if t.tenant_id == tenant_id), tenant_id)


@dataclass(frozen=True)
class TenantCreated:
    tenant: Tenant
    created: bool


def _require_known_plan(plan: str) -> None:
    if plan not in settings.TENANT_PLANS:
        raise ApplicationError(TenancyError.UNKNOWN_PLAN, details={"plan": sorted(settings.TENANT_PLANS)})


def _require_known_language(language: str) -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise ApplicationError(TenancyError.UNKNOWN_LANGUAGE, details={"language": codes})


def tenant_new(*, tenant_id: str, name: str, plan: str | None = None, language: str | None = None) -> Tenant:
    """A registry item for a new tenant, checked and not yet written.

    On the default plan and in English unless a plan or a language (of LANGUAGES) is named.

    `tenant_create` writes it alone; a caller may write it in its own transaction instead (a
    tenant with its first admin, so that both exist or neither does).
    """
    if not tenant_id_is_valid(tenant_id):
        message = TenancyError.INVALID_TENANT_ID.message
        raise ApplicationError(TenancyError.INVALID_TENANT_ID, details={"tenant_id": [message]})
    plan = plan or settings.DEFAULT_TENANT_PLAN
    _require_known_plan(plan)
    language = language or DEFAULT_TENANT_LANGUAGE
    _require_known_language(language)
    return Tenant(
        pk=Tenant.key(tenant_id), tenant_id=tenant_id, name=name, plan=plan, language=language, created_at=now()
    )


def tenant_create(*, tenant_id: str, name: str, plan: str | None = None, language: str | None = None) -> TenantCreated:
    """Add a tenant to the registry (see `tenant_new`); an existing one is returned unchanged."""
    tenant = tenant_new(tenant_id=tenant_id, name=name, plan=plan, language=language)
    if not put_if_absent(tenant):
        return TenantCreated(tenant=Tenant.get(Tenant.key(tenant_id), Tenant.SORT_KEY), created=False)
    return TenantCreated(tenant=tenant, created=True)


def tenant_set_plan(*, tenant_id: str, plan: str) -> Tenant:
    """Move a tenant to another plan (one conditional UpdateItem); containers see it within TENANT_CACHE_SECONDS."""
    _require_known_plan(plan)
    tenant = tenant_get(tenant_id=tenant_id)
    if tenant is None:
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    tenant.update(actions=[Tenant.plan.set(plan), Tenant.updated_at.set(now())], condition=Tenant.pk.exists())
    tenant_cache.clear()
    return tenant


def tenant_set_reviews_moderated(*, tenant_id: str, moderated: bool) -> Tenant:
    """Whether the tenant's new reviews wait for an admin's approval (one conditional UpdateItem).

    Containers see the change within TENANT_CACHE_SECONDS, like a plan change.
    """
    tenant = tenant_get(tenant_id=tenant_id)
    if tenant is None:
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    tenant.update(
        actions=[Tenant.reviews_moderated.set(moderated), Tenant.updated_at.set(now())], condition=Tenant.pk.exists()
    )
    tenant_cache.clear()
    return tenant


def tenant_set_sender(*, tenant_id: str, sender_email: str | None) -> Tenant:
    """The address the tenant's emails come from (one conditional UpdateItem); None goes back to DEFAULT_FROM_EMAIL.

    The address must be in the domain of DEFAULT_FROM_EMAIL: the one domain a stage verifies in
    SES and its role may send from (deploy/iam/lambda-role-policy.json).
    """
    tenant = tenant_get(tenant_id=tenant_id)
    if tenant is None:
        raise ApplicationError(TenancyError.TENANT_NOT_FOUND)
    if sender_email:
        try:
            validate_email(sender_email)
        except ValidationError as exc:
            raise ApplicationError(CommonError.VALIDATION, details={"sender_email": list(exc.messages)}) from exc
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].lower()
        if sender_email.rsplit("@", 1)[-1].lower() != domain:
            message = _("The address must be in %(domain)s, the domain this stage sends from.") % {"domain": domain}
            raise ApplicationError(CommonError.VALIDATION, details={"sender_email": [message]})
    action = Tenant.sender_email.set(sender_email) if sender_email else Tenant.sender_email.remove()
    tenant.update(actions=[action, Tenant.updated_at.set(now())], condition=Tenant.pk.exists())
    return tenant


def active_tenant_ids() -> list[str]:
    """Every active tenant's id, for jobs that run per tenant (expiry, search rebuilds).

    The whole `tenant-directory-index` (one Query, paged), never a Scan, and not capped as
    the picker's listing is.
    """
    directory = Tenant.directory_index.query(DIRECTORY, filter_condition=Tenant.is_active == True)  # noqa: E712
    return sorted(tenant.tenant_id for tenant in directory)
