"""Index names and lifecycle: one versioned index per tenant behind a stable alias.

Reads and the stream indexer address the alias `bookstore-{stage}-books-{tenant}`; the
index behind it is `bookstore-{stage}-books-{tenant}-v{n}`. A rebuild creates `v{n+1}`,
fills it, then moves the alias in one atomic `_aliases` call and drops the old index, so
searches never see a missing or half-built index.
"""

import re
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

# Indexes this process knows to exist, by (cluster URL, alias): spares a HEAD per stream batch.
_known_aliases: set[tuple[str, str]] = set()


def alias_name(tenant_id: str) -> str:
    """The alias every read and stream write uses: `bookstore-{stage}-books-{tenant}`."""
    return f"bookstore-{settings.STAGE}-books-{tenant_id}"


def index_name(tenant_id: str, generation: int) -> str:
    """The versioned index behind the alias: `bookstore-{stage}-books-{tenant}-v{n}`."""
    return f"{alias_name(tenant_id)}-v{generation}"


def indices_behind(client: "Elasticsearch", alias: str) -> list[str]:
    """The indexes the alias points at now (normally one; none before the first write)."""
    from elasticsearch import NotFoundError

    try:
        return sorted(client.indices.get_alias(name=alias))
    except NotFoundError:
        return []


def generation_of(index: str) -> int:
    match = re.search(r"-v(\d+)$", index)
    return int(match.group(1)) if match else 0


def index_create(client: "Elasticsearch", *, tenant_id: str, generation: int, with_alias: bool) -> str:
    """Create `v{generation}` with the book mapping (and the alias, for a tenant's first index)."""
    from catalog.search.documents import index_body

    name = index_name(tenant_id, generation)
    body = index_body()
    aliases = {alias_name(tenant_id): {}} if with_alias else None
    client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"], aliases=aliases)
    return name


def index_ensure(client: "Elasticsearch", *, tenant_id: str) -> None:
    """Make sure the tenant's alias exists, creating `v1` behind it on the first write.

    Without this, a write to the alias would make Elasticsearch create an index by that
    name with a guessed mapping. Two writers racing to create it are both fine.
    """
    from elasticsearch import BadRequestError

    from catalog.search.engine import engine_url

    alias = alias_name(tenant_id)
    known = (engine_url(tenant_id), alias)
    if known in _known_aliases:
        return
    if not client.indices.exists_alias(name=alias):
        try:
            index_create(client, tenant_id=tenant_id, generation=1, with_alias=True)
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
    _known_aliases.add(known)


def alias_swap(client: "Elasticsearch", *, tenant_id: str, new_index: str) -> list[str]:
    """Point the alias at `new_index` alone, atomically; drop the indexes it pointed at before."""
    alias = alias_name(tenant_id)
    old = [name for name in indices_behind(client, alias) if name != new_index]
    actions = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new_index, "alias": alias}})
    client.indices.update_aliases(actions=actions)
    for name in old:
        client.indices.delete(index=name)
    return old


def forget_known_indexes() -> None:
    """Forget which aliases exist (after an index was dropped behind this process's back)."""
    _known_aliases.clear()
