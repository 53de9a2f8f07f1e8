"""Where each table's items carry their tenant: the declaration that export, import and renames read.

Every registered model declares `TENANCY`, one of:

- `TenantOwned(attribute=pattern, ..., without_tenant=(...))`: the items belong to a tenant.
  Each named attribute carries it, in one of three shapes: `PREFIX` (`{tenant}#...`, most keys),
  `EXACT` (`tenant_id` itself) or a tagged form such as `"TENANT#{tenant}"`. `without_tenant`
  names the key and index attributes that carry no tenant (e.g. a constant sort key), so that
  every key is accounted for. An export `--tenant T` keeps the items whose first declared
  attribute names T, and `--rename-tenant OLD:NEW` rewrites every declared attribute.
- `StageOwned(reason)`: the items belong to the stage, not to one tenant (e.g. parked stream
  records). A whole-stage export and a local snapshot carry them; a tenant export does not.
- `NotExported(reason)`: state that is meaningless in another table (e.g. a position in this
  table's own stream). No export carries it.

`tenancy_problems` checks a model, and a test runs it on every registered model
(bookstore/tests/test_exports.py): a model without a declaration, or with a key, index key
or `*tenant*` attribute the declaration does not mention, fails it.
"""

from dataclasses import dataclass
from typing import Any

from pynamodb.models import Model

TENANT = "{tenant}"
PREFIX = "{tenant}#*"
EXACT = "{tenant}"

# A low-level (typed) item: {"pk": {"S": "tenant1#..."}, "price": {"N": "19.99"}, ...}.
Item = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Pattern:
    """How one attribute carries the tenant: literal `before`, the tenant, then nothing or `#...`."""

    before: str
    prefix_only: bool

    @classmethod
    def parse(cls, pattern: str) -> "Pattern":
        before, sep, after = pattern.partition(TENANT)
        if not sep or after not in ("", "#*"):
            raise ValueError(f"A tenant pattern is 'TAG{TENANT}' or 'TAG{TENANT}#*', not {pattern!r}")
        return cls(before=before, prefix_only=after == "#*")

    def tenant_of(self, value: str) -> str | None:
        if not value.startswith(self.before):
            return None
        rest = value[len(self.before) :]
        if self.prefix_only:
            tenant, sep, _ = rest.partition("#")
            return tenant if sep and tenant else None
        return rest or None

    def rename(self, value: str, old: str, new: str) -> str:
        if self.tenant_of(value) != old:
            return value
        return self.before + new + value[len(self.before) + len(old) :]


class TenantOwned:
    """The items belong to one tenant; the keyword arguments name the attributes that carry it."""

    def __init__(self, *, without_tenant: tuple[str, ...] = (), **patterns: str):
        if not patterns:
            raise ValueError("A tenant-owned model names at least one attribute that carries the tenant")
        self.patterns = {name: Pattern.parse(pattern) for name, pattern in patterns.items()}
        self.without_tenant = tuple(without_tenant)

    def __repr__(self) -> str:
        return f"TenantOwned({', '.join(self.patterns)}; without {', '.join(self.without_tenant) or 'none'})"

    def tenant_of(self, item: Item) -> str | None:
        """The tenant of a low-level item, read from the first declared attribute it has."""
        for name, pattern in self.patterns.items():
            value = item.get(name, {}).get("S")
            if value is not None:
                return pattern.tenant_of(value)
        return None

    def renamed(self, item: Item, *, old: str, new: str) -> Item:
        """A copy of the item with every declared attribute that names `old` naming `new`."""
        result = dict(item)
        for name, pattern in self.patterns.items():
            value = item.get(name, {}).get("S")
            if value is not None:
                result[name] = {"S": pattern.rename(value, old, new)}
        return result


@dataclass(frozen=True)
class StageOwned:
    """The items belong to the stage, not to a tenant: whole-stage exports and snapshots only."""

    reason: str


@dataclass(frozen=True)
class NotExported:
    """State tied to this very table (e.g. stream positions): never exported."""

    reason: str


Tenancy = TenantOwned | StageOwned | NotExported


def tenancy_of(model: type[Model]) -> Tenancy:
    """The model's declaration; a model without one is a programming error."""
    tenancy = getattr(model, "TENANCY", None)
    if not isinstance(tenancy, TenantOwned | StageOwned | NotExported):
        raise TypeError(f"{model.__name__} declares no TENANCY (see bookstore/dynamodb/tenant_fields.py)")
    return tenancy


def key_attributes(model: type[Model]) -> set[str]:
    """The attributes that are a key of the table or of one of its indexes."""
    names = {model._hash_keyname, model._range_keyname}
    for index in model._indexes.values():
        for name, attribute in index.Meta.attributes.items():
            if attribute.is_hash_key or attribute.is_range_key:
                names.add(attribute.attr_name or name)
    return {name for name in names if name}


def tenancy_problems(model: type[Model]) -> list[str]:
    """What the model's declaration fails to account for (empty when it is complete)."""
    try:
        tenancy = tenancy_of(model)
    except TypeError as exc:
        return [str(exc)]
    if not isinstance(tenancy, TenantOwned):
        return [] if tenancy.reason.strip() else [f"{model.__name__}: give the reason it is not tenant data"]
    attributes = {attribute.attr_name for attribute in model.get_attributes().values()}
    declared = set(tenancy.patterns) | set(tenancy.without_tenant)
    problems = [f"{model.__name__}.{name} is declared but is no attribute" for name in sorted(declared - attributes)]
    suspects = key_attributes(model) | {name for name in attributes if "tenant" in name or name.endswith("_key")}
    problems += [
        f"{model.__name__}.{name} may carry the tenant: declare it in TENANCY or in without_tenant"
        for name in sorted(suspects - declared)
    ]
    return problems
