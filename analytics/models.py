"""The analytics app's one table: cached report results."""

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from bookstore.dynamodb.base import TableMeta, table_name
from bookstore.dynamodb.registry import register
from bookstore.dynamodb.tenant_fields import NotExported


@register
class ReportCacheEntry(Model):
    """The rows of one report for one tenant and range, cached so a dashboard refresh costs no query.

    PK `key`: `{tenant}#{report}#{from}#{to}#{arguments}`, e.g.
    `tenant1#top-books#2025-07-01#2025-07-30#limit=10`: a report reads its entry with one
    GetItem. `rows` is the runner's result as JSON (decimals and dates tagged, so money
    stays exact). The TTL attribute `expires_at` lets DynamoDB drop old entries; readers
    also ignore an entry past its expiry, since TTL deletion lags.
    """

    class Meta(TableMeta):
        table_name = table_name("analytics_cache")

    TENANCY = NotExported("cached report results: recomputed from the lake on the next request, and they expire")

    key = UnicodeAttribute(hash_key=True)
    rows = UnicodeAttribute()
    expires_at = TTLAttribute()

    @staticmethod
    def key_for(*, tenant_id: str, report: str, date_from, date_to, arguments: str = "") -> str:
        return f"{tenant_id}#{report}#{date_from.isoformat()}#{date_to.isoformat()}#{arguments}"
