"""Which Elasticsearch cluster serves a tenant, one lazily created client per URL, and engine errors.

`ELASTICSEARCH_URLS` maps a tenant (or "*" for every other tenant) to its cluster; without an
entry a tenant uses `ELASTICSEARCH_URL`. Clients are created on first use and kept for the life
of the process, so a warm Lambda container reuses its connections. Every request carries the
stage's API key (`Authorization: ApiKey ...`, from SSM) when one is set; the production settings
refuse a cluster off loopback without one, or without TLS.

The cluster must be Elasticsearch 8 (Elastic Cloud or self-managed), not Amazon OpenSearch:
elasticsearch-py 8 checks every response for the `X-Elastic-Product: Elasticsearch` header,
which OpenSearch never sends, and raises UnsupportedProductError
(https://github.com/elastic/elasticsearch-py/issues/1667).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

from bookstore import metrics
from bookstore.errors import ApplicationError
from bookstore.tracing import traced
from bookstore.usage import search_time_add
from catalog.errors import SearchError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from elasticsearch_dsl import Search
    from elasticsearch_dsl.response import Response

# HTTP statuses of an engine that is up but cannot serve now: overloaded, restarting, no master.
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})


def engine_url(tenant_id: str) -> str:
    """The URL of the cluster holding this tenant's index."""
    urls = settings.ELASTICSEARCH_URLS
    return urls.get(tenant_id) or urls.get("*") or settings.ELASTICSEARCH_URL


@cache
def _client(url: str) -> "Elasticsearch":
    from elasticsearch import Elasticsearch

    # One retry on a dropped connection; a search waits at most the timeout, then gets a 503.
    return Elasticsearch(
        url,
        api_key=settings.ELASTICSEARCH_API_KEY,
        request_timeout=settings.ELASTICSEARCH_TIMEOUT_SECONDS,
        max_retries=1,
        retry_on_timeout=False,
    )


def engine_for(tenant_id: str) -> "Elasticsearch":
    """The client of the cluster that serves this tenant (created on first use, then reused)."""
    return _client(engine_url(tenant_id))


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the engine cannot answer now (down, unreachable, timing out, overloaded)."""
    from elasticsearch import ApiError, TransportError

    if isinstance(exc, TransportError):  # connection refused, reset, timeout
        return True
    return isinstance(exc, ApiError) and exc.meta.status in UNAVAILABLE_STATUSES


@contextmanager
def search_unavailable_as_503() -> Iterator[None]:
    """Run engine calls; an engine that cannot answer becomes `503 search_unavailable`."""
    try:
        yield
    except Exception as exc:
        if is_unavailable(exc):
            metrics.emit(metrics.SEARCH_UNAVAILABLE, reason=type(exc).__name__)
            raise ApplicationError(SearchError.SEARCH_UNAVAILABLE) from exc
        raise


def executed(search: "Search", *, tenant_id: str) -> "Response":
    """`search.execute()`, traced as an `elasticsearch` subsegment, its engine time added to the request's cost.

    The engine time is the response's `took` (milliseconds the engine spent), what a
    per-tenant share of the cluster is reckoned from.
    """
    with traced("elasticsearch", tenant=tenant_id):
        response = search.execute()
    search_time_add(int(getattr(response, "took", 0) or 0))
    return response


HEALTH_TIMEOUT_SECONDS = 1


def _answers(url: str) -> bool:
    import urllib.error
    import urllib.request

    key = settings.ELASTICSEARCH_API_KEY
    request = urllib.request.Request(url, headers={"Authorization": f"ApiKey {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=HEALTH_TIMEOUT_SECONDS) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def engine_reachable() -> bool:
    """Whether every configured search cluster answers `GET /` (the health check's probe).

    A plain HTTP request rather than the client's ping: importing the elasticsearch client
    (which imports pyarrow when it is installed) would put ~100 ms on every cold health check.
    """
    urls = {settings.ELASTICSEARCH_URL, *settings.ELASTICSEARCH_URLS.values()}
    return all(_answers(url) for url in sorted(urls))
