"""Search: Elasticsearch 8 through elasticsearch-dsl (noida-db on loopback locally), per tenant if need be."""

import ipaddress
import json
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import env, env_int

ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def _tenant_url_map(raw: str) -> dict[str, str]:
    """`ELASTICSEARCH_URLS`: a JSON object of tenant id (or "*" for the rest) → cluster URL."""
    try:
        urls = json.loads(raw or "{}")
    except ValueError as exc:
        raise ImproperlyConfigured("ELASTICSEARCH_URLS must be a JSON object of tenant id -> URL.") from exc
    if not isinstance(urls, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in urls.items()):
        raise ImproperlyConfigured("ELASTICSEARCH_URLS must be a JSON object of tenant id -> URL.")
    return urls


# Optional per-tenant clusters: unlisted tenants use "*", then ELASTICSEARCH_URL.
ELASTICSEARCH_URLS = _tenant_url_map(env("ELASTICSEARCH_URLS"))
ELASTICSEARCH_TIMEOUT_SECONDS = env_int("ELASTICSEARCH_TIMEOUT_SECONDS", 5)
# The `refresh` of the stream indexer's bulk writes: "wait_for" makes a change searchable before its
# stream record is acknowledged, without forcing extra refreshes; "false" favours write throughput.
ELASTICSEARCH_INDEX_REFRESH = env("ELASTICSEARCH_INDEX_REFRESH", "wait_for")
# The API key the client sends (`Authorization: ApiKey ...`). None locally (noida-db on loopback asks
# for none); a stage reads it from SSM (`{SECRETS_SSM_PREFIX}ELASTICSEARCH_API_KEY`, production.py).
ELASTICSEARCH_API_KEY: str | None = None


def is_loopback_url(url: str) -> bool:
    """Whether `url` names this machine (`localhost`, 127.0.0.0/8, ::1): the only place a key may be absent."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
