"""Cross-cutting tables: the tenants registry, uniqueness keys, rate-limit counters and job checkpoints."""

from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from bookstore.dynamodb.base import BaseModel, TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, NotExported, StageOwned, TenantOwned

DIRECTORY = "TENANTS"
# A tenant id is a slug of this many characters: it starts every key of the tenant's items.
TENANT_ID_MIN_LENGTH = 3
TENANT_ID_MAX_LENGTH = 40
# A tenant answers in English unless it names another of the API's languages (LANGUAGES).
DEFAULT_TENANT_LANGUAGE = "en"


class TenantDirectoryIndex(GlobalSecondaryIndex):
    """GSI `tenant-directory-index`: `directory` = `TENANTS` → every tenant by `tenant_id`.

    One fixed partition holds the whole (small) registry, so listing the shops for the
    browsable API's tenant picker is one Query, never a Scan. It projects only what the
    picker shows.
    """

    class Meta:
        index_name = "tenant-directory-index"
        projection = IncludeProjection(["name", "is_active"])

    directory = UnicodeAttribute(hash_key=True)
    tenant_id = UnicodeAttribute(range_key=True)


@register
class Tenant(BaseModel):
    """A shop in the registry of tenants.

    PK `TENANT#{tenant_id}`, SK `TENANT`: one GetItem answers "does this tenant exist and
    is it active", which every request asks (cached briefly in-process). `plan` names the
    tenant's rate-limit tier, `language` its default language (`bookstore.languages`);
    `reviews_moderated` makes new reviews wait for an admin's approval instead of being published
    at once; `sender_email`, if set, is the address the shop's emails come from (else
    DEFAULT_FROM_EMAIL). `directory` (always `TENANTS`) puts every tenant in `tenant-directory-index`, which
    lists the shops (tenant picker) in one Query.
    """

    class Meta(TableMeta):
        table_name = table_name("tenants")

    SORT_KEY = "TENANT"
    TENANCY = TenantOwned(pk="TENANT#{tenant}", tenant_id=EXACT, without_tenant=("sk", "directory"))

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SORT_KEY)
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    is_active = BooleanAttribute(default=True)
    plan = UnicodeAttribute(default="standard")
    # The language of the shop's answers when the caller names none (profile, Accept-Language).
    language = UnicodeAttribute(default=DEFAULT_TENANT_LANGUAGE)
    reviews_moderated = BooleanAttribute(default=False)
    sender_email = UnicodeAttribute(null=True)
    directory = UnicodeAttribute(default=DIRECTORY)

    directory_index = TenantDirectoryIndex()

    @staticmethod
    def key(tenant_id: str) -> str:
        return f"TENANT#{tenant_id}"


@register
class UniqueKey(Model):
    """A claim on a value that must be unique within a tenant.

    PK `key`: `{tenant}#{KIND}#{value}`, e.g. `tenant1#EMAIL#ana@example.com` or
    `tenant1#ISBN#9780306406157`. The owning write puts this item with
    `attribute_not_exists(key)` in the same TransactWriteItems as the item it guards, so
    two concurrent writers of the same value cannot both succeed. `owner_id` names the
    item that holds the claim (a user_id or book_id).
    """

    class Meta(TableMeta):
        table_name = table_name("unique_keys")

    TENANCY = TenantOwned(key=PREFIX)

    key = UnicodeAttribute(hash_key=True)
    owner_id = UnicodeAttribute()

    @staticmethod
    def key_for(*, tenant_id: str, kind: str, value: str) -> str:
        return f"{tenant_id}#{kind}#{value}"


@register
class RateLimitCounter(Model):
    """A fixed-window request counter, shared by every Lambda container.

    PK `key`: `{scope}#{subject}#{window_start}`, e.g. `login-pair#tenant1#ana@example.com#203.0.113.9#1764270000`.
    One atomic `ADD hits 1` per counted request; the TTL removes the item once its window has passed.
    `next_attempt_at` (epoch seconds) is the account-wide login delay's next free slot
    (`accounts/login_limits.py`); a `login-known#...` item, without a window, marks an address
    the account has logged in from.
    """

    class Meta(TableMeta):
        table_name = table_name("rate_limits")

    TENANCY = StageOwned("rate-limit windows and known login addresses; a moved tenant starts with fresh ones")

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    next_attempt_at = NumberAttribute(null=True)
    expires_at = TTLAttribute()


@register
class JobCheckpoint(Model):
    """Where a scheduled job's run stands, so the next invocation resumes it (bookstore/jobs.py).

    PK `job`: the job's name, e.g. `build_daily_summary`. `run_key` names the run (the date
    a nightly run builds for; a cycle's start for an hourly one); `cursor` is the last unit of
    work finished, in the run's sorted order; `finished` is set when the last unit is done.
    One GetItem when an invocation starts, one PutItem per finished unit.
    """

    class Meta(TableMeta):
        table_name = table_name("job_checkpoints")

    TENANCY = NotExported("progress of this stage's scheduled jobs; a restored stage starts them afresh")

    job = UnicodeAttribute(hash_key=True)
    run_key = UnicodeAttribute()
    cursor = UnicodeAttribute(null=True)
    finished = BooleanAttribute(default=False)
    updated_at = UTCDateTimeAttribute(null=True)
