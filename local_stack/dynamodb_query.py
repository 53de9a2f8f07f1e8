"""Make moto's DynamoDB answer a Query or a Scan page in O(log n + page), as DynamoDB does.

Local-only: this module patches the embedded AWS emulator (moto) used for
development and tests. Production code never imports it.

Checked against moto 5.2.5. ``install()`` refuses to patch any other version
whose relevant code differs (``check_upstream_unchanged``): the replacement
below reproduces moto's own answers, so it must be re-checked when moto changes.

Why
---
Moto 5.2.5 answers every Query by listing and sorting every item of the table
(``Table.all_items``), then keeping the partition's (or the index's) items,
sorting them again and walking them from the start to the ``ExclusiveStartKey``.
A GSI Query on a 10,000-book table costs about a second whoever asks, so the
local stack slows down for every tenant as any tenant's catalogue grows. A Scan
page likewise sorts the whole table. DynamoDB reads only the page.

What it keeps
-------------
For each table, and only once something queries it: for the base table and for
each GSI and LSI that has been queried, its items grouped by the index's hash
key, each group a Python list kept sorted in moto's query order (the index's
range key, then the table's hash and range keys; ``Table._generate_attr_to_sort_by``)
and a sorted list of the groups' hash keys (for Scan). The lists hold the
``Item`` objects moto already stores; sort keys are computed when compared, not
stored, so the order costs one list slot per item and index.

Items missing an index key attribute are not in that index (sparse indexes).

Cost
----
* A Query or Scan page: a binary search to the key condition's bounds and to
  the ``ExclusiveStartKey`` (O(log n) comparisons), then the page itself.
* A write (put, update, delete, a transaction's actions and rollback, batch
  writes, PartiQL): for each built index, a binary search and a list insert or
  removal (O(log n) comparisons plus a memmove of O(partition) pointers).
* The first Query of an index (or the first after ``UpdateTable`` changes the
  table's indexes): sorting that index once, O(n log n).

Where it hooks in
-----------------
``install()`` replaces ``Table.query`` and ``Table.scan`` and wraps the write
paths that change stored items: ``Table.put_item``, ``Table.delete_item`` and
``DynamoDBBackend.update_item`` (which changes an item in place, so it records
the item's index keys before the update and files the item again afterwards).
Everything else that writes goes through those (BatchWriteItem, PartiQL, our
transaction fix's actions, and so the local snapshots' restore in
local_stack/snapshots.py, which imports through BatchWriteItem), except the
transaction fix's rollback, which writes moto's storage directly and calls
``item_replaced``. Tables made by
``RestoreTableFromBackup`` / ``RestoreTableToPointInTime`` are new ``Table``
objects and build their order on first use. Moto 5.2.5 never expires items by
TTL, so there is no expiry path to follow.

It relies on the transaction fix's process-wide lock (one DynamoDB request at a
time, ``local_stack.dynamodb_transactions``): ``install()`` installs it first.

Same answers as moto
--------------------
Items, their order, ``Count``, ``ScannedCount`` and ``LastEvaluatedKey`` are
moto's, page by page (``local_stack/tests/test_dynamodb_query.py`` runs every
case against both servers). That includes moto's quirks: ``Limit`` counts items
that match the key condition (before the filter); ``LastEvaluatedKey`` is
returned only when the page stopped on ``Limit`` or 1 MB and another item of the
partition follows, even one outside the key condition's range; binary keys are
ordered by their base64 text. Anything this module does not model is handed to
moto's own method unchanged: multi-attribute index keys, ``QueryFilter`` and
legacy ``KeyConditions`` on non-key attributes, ``ScanFilter``, ``begins_with``
on a number, an ``ExclusiveStartKey`` missing a key attribute, a Scan of a GSI
without a range key, and every request moto answers with an error.
"""

from __future__ import annotations

import base64
import copy
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, GlobalSecondaryIndex, Table

from local_stack import dynamodb_transactions
from local_stack.upstream import UpstreamChangedError, changed_upstream

__all__ = [
    "check_upstream_unchanged",
    "install",
    "is_installed",
    "item_replaced",
]

# Moto 5.2.5 caps an item at 405,000 bytes (LimitedSizeDict), so an item can end
# a page on size only once the page holds more than RESULT_SIZE_LIMIT - this.
_MAX_ITEM_SIZE = 405_000

# Where a table keeps its order: an attribute on moto's Table object.
_ORDER_ATTR = "_local_stack_query_order"

_INSTALL_LOCK = threading.Lock()

# The moto code this module replaces, wraps or reproduces, captured at import
# (before install() replaces anything), with the sha256 of its source in 5.2.5:
# - Table.query / Table.scan: replaced; their answers are reproduced.
# - Table.put_item / Table.delete_item / DynamoDBBackend.update_item: wrapped;
#   they define the write paths and the storage layout (table.items).
# - Table._generate_attr_to_sort_by / Table.sorted_items / Table.all_items /
#   Table._item_comes_before_dct / Table._get_last_evaluated_key: define the
#   order, the ExclusiveStartKey skipping and the LastEvaluatedKey reproduced here.
# - Item.is_within_segment: which Scan segment an item falls in.
_UPSTREAM_FINGERPRINTS: dict[str, tuple[Callable[..., Any], str]] = {
    "Table.query": (Table.query, "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e"),
    "Table.scan": (Table.scan, "5ef1ab21eef06a74d4d142aaf817f31c3147c39fd9aaaa5dd037cb62d64e4af3"),
    "Table.put_item": (Table.put_item, "de23933013ef842639046c19bcf7e418bce0474d810f6719368be4cedce11d47"),
    "Table.delete_item": (Table.delete_item, "1594f7b07616c8cb8cdf0fbf58d6f54eeac83f25d7ac7b14e832a08e10efd8f9"),
    "DynamoDBBackend.update_item": (
        DynamoDBBackend.update_item,
        "218984588dd689a5de81678ce11e6a40d05c91e7b6c21b44c4ed4122fe74aa9f",
    ),
    "Table._generate_attr_to_sort_by": (
        Table._generate_attr_to_sort_by,
        "afef70e159fa8cb505cc030b323479b7ce105060c9eeecbce102247e41f302b2",
    ),
    "Table.sorted_items": (Table.sorted_items, "216dac1cd6b659d283e91006b809136623723efb90125b015e07052478724937"),
    "Table.all_items": (Table.all_items, "c80d2ee3c896acd0cab6ca35aaeae3ab3fb65858933f8a3403d4e027c240f31d"),
    "Table._item_comes_before_dct": (
        Table._item_comes_before_dct,
        "6d70f41f7cb059f40e932e9c6c13cc57b6052c5d025c51235df414adf172bee1",
    ),
    "Table._get_last_evaluated_key": (
        Table._get_last_evaluated_key,
        "2d0fae62fcd41aaebd8a04b503ebab88aa607883932c661dd4f98a2b4f29a9d3",
    ),
    "Item.is_within_segment": (
        Item.is_within_segment,
        "e33c386bf28ce0c4d1155cacd8bf1ab297f2036ac471a9fe230fbe21ce1eaac4",
    ),
}

_upstream_query = Table.query
_upstream_scan = Table.scan
_upstream_put_item = Table.put_item
_upstream_delete_item = Table.delete_item
_upstream_update_item = DynamoDBBackend.update_item

_RANGE_OPERATORS = frozenset({"=", "<", "<=", ">", ">=", "BETWEEN", "BEGINS_WITH"})


def check_upstream_unchanged() -> None:
    """Raise ``UpstreamChangedError`` unless moto's relevant code is as checked.

    After a moto upgrade, re-read the methods named in the message, bring
    ``query``, ``scan`` and the write hooks in line with them (and the tests in
    local_stack/tests/test_dynamodb_query.py), then update ``_UPSTREAM_FINGERPRINTS``.
    """
    changed = changed_upstream(_UPSTREAM_FINGERPRINTS)
    if changed:
        raise UpstreamChangedError(
            "moto's DynamoDB code differs from moto 5.2.5, which "
            "local_stack/dynamodb_query.py was written against: "
            f"{', '.join(changed)} changed. Review the new code, bring query, scan "
            "and the write hooks in line with it, then update _UPSTREAM_FINGERPRINTS."
        )


def is_installed() -> bool:
    """Whether ``install()`` has patched moto in this process."""
    return Table.query is query


def install() -> None:
    """Patch moto's DynamoDB Query and Scan in this process; calling it again does nothing.

    Installs the transaction fix first (its lock serialises the requests this
    module's lists rely on). Raises ``UpstreamChangedError`` if moto is not the
    checked version.
    """
    with _INSTALL_LOCK:
        if is_installed():
            return
        check_upstream_unchanged()
        dynamodb_transactions.install()
        Table.put_item = put_item
        Table.delete_item = delete_item
        DynamoDBBackend.update_item = update_item
        Table.scan = scan
        Table.query = query


# -- keys -------------------------------------------------------------------------------------------


def _norm(value: DynamoType) -> tuple[str, Any]:
    """A key attribute as a natively comparable (type, value) pair, in moto's order.

    Moto compares key values by ``DynamoType.cast_value``: numbers as Decimal,
    strings and binaries by their text (binaries as base64, as received). The
    type comes first so that mismatched types (which moto does not refuse on
    index keys) order without raising.
    """
    kind = value.type
    if kind == "N":
        return (kind, Decimal(value.value))
    if kind == "S":
        return (kind, value.value)
    if kind == "B":
        raw = value.value
        return (kind, base64.b64encode(raw).decode() if isinstance(raw, bytes) else raw)
    return (kind, repr(value.to_json()))


def _end_of_type(kind: str) -> tuple[str]:
    """A bound above every (kind, value) pair and below every later type."""
    return (kind + "\0",)


def _prefix_end(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix``; None if there is none."""
    chars = list(prefix)
    while chars:
        if ord(chars[-1]) < 0x10FFFF:
            chars[-1] = chr(ord(chars[-1]) + 1)
            return "".join(chars)
        chars.pop()
    return None


class _IndexOrder:
    """One index's (or the base table's) items: grouped by hash key, each group sorted."""

    __slots__ = ("hash_attr", "hashes", "member_attrs", "partitions", "range_attr", "scannable", "sort_attrs")

    def __init__(
        self,
        *,
        hash_attr: str,
        range_attr: str | None,
        sort_attrs: tuple[str, ...],
        member_attrs: tuple[str, ...],
        scannable: bool,
    ) -> None:
        self.hash_attr = hash_attr
        self.range_attr = range_attr  # what a key condition's range part compares
        self.sort_attrs = sort_attrs  # moto's order within a partition
        self.member_attrs = member_attrs  # attributes an item needs to be in the index
        self.scannable = scannable  # whether moto's Scan order is this order
        self.partitions: dict[tuple[str, Any], list[Item]] = {}
        self.hashes: list[tuple[str, Any]] = []  # the partitions' hash keys, sorted

    def full_key(self, item: Item) -> tuple[Any, ...]:
        attrs = item.attrs
        return (_norm(attrs[self.hash_attr]), *(_norm(attrs[name]) for name in self.sort_attrs))

    def range_key(self, item: Item) -> tuple[str, Any]:
        return _norm(item.attrs[self.range_attr])  # type: ignore[index]

    def file_key(self, item: Item | None) -> tuple[Any, ...] | None:
        """The key ``item`` is filed under here; None if it is not in this index."""
        if item is None:
            return None
        attrs = item.attrs
        if self.hash_attr not in attrs or any(name not in attrs for name in self.member_attrs):
            return None
        return self.full_key(item)

    def build(self, items: Iterator[Item]) -> None:
        partitions = self.partitions
        for item in items:
            attrs = item.attrs
            if self.hash_attr in attrs and all(name in attrs for name in self.member_attrs):
                partitions.setdefault(_norm(attrs[self.hash_attr]), []).append(item)
        # One partition at a time, so only one partition's sort keys exist at once.
        for part in partitions.values():
            if len(part) > 1:
                part.sort(key=self.full_key)
        self.hashes = sorted(partitions)

    def add(self, item: Item, key: tuple[Any, ...]) -> None:
        part = self.partitions.get(key[0])
        if part is None:
            part = self.partitions[key[0]] = []
            insort(self.hashes, key[0])
        part.insert(bisect_left(part, key, key=self.full_key), item)

    def remove(self, item: Item, key: tuple[Any, ...]) -> bool:
        """Take ``item`` out, found by the key it was filed under; False if it is not there."""
        part = self.partitions.get(key[0])
        if not part:
            return False

        # The item may have been changed in place since it was filed: compare it by its old key.
        def filed_key(other: Item) -> tuple[Any, ...]:
            return key if other is item else self.full_key(other)

        position = bisect_left(part, key, key=filed_key)
        if position >= len(part) or part[position] is not item:
            return False
        del part[position]
        if not part:
            del self.partitions[key[0]]
            del self.hashes[bisect_left(self.hashes, key[0])]
        return True


class _TableOrder:
    """A table's ordered indexes, built one by one on first use."""

    def __init__(self, signature: tuple[Any, ...]) -> None:
        self.signature = signature
        self.indexes: dict[str | None, _IndexOrder] = {}
        self.suspended = 0  # > 0 while update_item runs: it files the item itself afterwards

    def __deepcopy__(self, memo: dict[int, Any]) -> None:
        # Moto deep-copies tables for backups; the copy builds its own order when queried.
        return None

    def keys_of(self, item: Item | None) -> dict[str | None, tuple[Any, ...] | None]:
        return {name: index.file_key(item) for name, index in self.indexes.items()}

    def replace(
        self,
        old: Item | None,
        new: Item | None,
        old_keys: dict[str | None, tuple[Any, ...] | None] | None = None,
    ) -> None:
        """File ``new`` where ``old`` was (either may be None); ``old_keys``: old's keys if it changed in place."""
        for name, index in list(self.indexes.items()):
            before = old_keys.get(name) if old_keys is not None else index.file_key(old)
            after = index.file_key(new)
            if old is new and before == after:
                continue
            if before is not None and not index.remove(old, before):  # type: ignore[arg-type]
                # Not where it should be: something wrote around the hooks. Rebuild on next use.
                del self.indexes[name]
                continue
            if after is not None:
                index.add(new, after)  # type: ignore[arg-type]


def _signature(table: Table) -> tuple[Any, ...]:
    """What the order depends on: the key schema of the table and of each index."""
    return (
        table.hash_key_attr,
        table.range_key_attr,
        tuple(
            (
                index.name,
                isinstance(index, GlobalSecondaryIndex),
                tuple((key["AttributeName"], key["KeyType"]) for key in index.schema),
            )
            for index in table.all_indexes()
        ),
    )


def _stored_items(table: Table) -> Iterator[Item]:
    for value in list(table.items.values()):
        if table.range_key_attr:
            yield from list(value.values())
        elif isinstance(value, Item):
            yield value


def _index_order(table: Table, index_name: str | None) -> _IndexOrder | None:
    """The table's order for ``index_name`` (None: the base table), built if needed; None if not modelled."""
    signature = _signature(table)
    state: _TableOrder | None = getattr(table, _ORDER_ATTR, None)
    if state is None or state.signature != signature:
        state = _TableOrder(signature)
        setattr(table, _ORDER_ATTR, state)
    built = state.indexes.get(index_name)
    if built is not None:
        return built
    order = _define(table, index_name)
    if order is None:
        return None
    order.build(_stored_items(table))
    state.indexes[index_name] = order
    return order


def _define(table: Table, index_name: str | None) -> _IndexOrder | None:
    """The order moto's query uses for ``index_name``, or None for index shapes not modelled."""
    if index_name is None:
        sort_attrs = (table.range_key_attr,) if table.range_key_attr else ()
        return _IndexOrder(
            hash_attr=table.hash_key_attr,
            range_attr=table.range_key_attr,
            sort_attrs=sort_attrs,
            member_attrs=(),
            scannable=True,
        )
    index = {i.name: i for i in table.all_indexes()}.get(index_name)
    if index is None:
        return None
    hash_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    range_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if len(hash_keys) != 1 or len(range_keys) > 1:
        return None  # multi-attribute index keys: left to moto
    # As in Table.query: without an index range key, the table's range key (or
    # hash key) stands in for it.
    if range_keys:
        range_attrs: list[str | None] = [range_keys[0], table.range_key_attr]
    elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        range_attrs = [table.range_key_attr, table.range_key_attr]
    else:
        range_attrs = [table.hash_key_attr, table.range_key_attr]
    attrs = table._generate_attr_to_sort_by([hash_keys[0], table.hash_key_attr], range_attrs)
    return _IndexOrder(
        hash_attr=hash_keys[0],
        range_attr=range_keys[0] if range_keys else None,
        sort_attrs=tuple(attrs[1:]),
        member_attrs=tuple(k["AttributeName"] for k in index.schema),
        # Table.scan orders an index without a range key differently from Table.query.
        scannable=bool(range_keys),
    )


def _exclusive_start(order: _IndexOrder, start_key: dict[str, Any]) -> tuple[Any, ...] | None:
    """``ExclusiveStartKey`` as a full key of ``order``; None if it lacks a key attribute."""
    try:
        return (
            _norm(DynamoType(start_key[order.hash_attr])),
            *(_norm(DynamoType(start_key[name])) for name in order.sort_attrs),
        )
    except (KeyError, TypeError, IndexError, AttributeError):
        return None


def _key_range(order: _IndexOrder, part: list[Item], operator: str, values: list[DynamoType]) -> tuple[int, int] | None:
    """The slice of ``part`` whose range key meets the key condition; None if not modelled."""
    bounds = [_norm(value) for value in values]
    kind = bounds[0][0]
    if any(bound[0] != kind for bound in bounds):
        return None

    def left(bound: tuple[Any, ...]) -> int:
        return bisect_left(part, bound, key=order.range_key)

    def right(bound: tuple[Any, ...]) -> int:
        return bisect_right(part, bound, key=order.range_key)

    if operator == "=":
        return left(bounds[0]), right(bounds[0])
    if operator == "<":
        return left((kind,)), left(bounds[0])
    if operator == "<=":
        return left((kind,)), right(bounds[0])
    if operator == ">":
        return right(bounds[0]), left(_end_of_type(kind))
    if operator == ">=":
        return left(bounds[0]), left(_end_of_type(kind))
    if operator == "BETWEEN" and len(bounds) == 2:
        low = left(bounds[0])
        return low, max(low, right(bounds[1]))
    if operator == "BEGINS_WITH" and kind in ("S", "B") and isinstance(bounds[0][1], str):
        above = _prefix_end(bounds[0][1])
        return left(bounds[0]), left((kind, above) if above is not None else _end_of_type(kind))
    return None


# -- Query ------------------------------------------------------------------------------------------


def query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    """Moto 5.2.5's ``Table.query``, answered from the ordered index: O(log n + page)."""
    page = _query_page(
        self,
        hash_key=hash_key,
        range_comparison=range_comparison,
        range_objs=range_objs,
        limit=limit,
        exclusive_start_key=exclusive_start_key,
        scan_index_forward=scan_index_forward,
        index_name=index_name,
        consistent_read=consistent_read,
        hash_key_conditions=hash_key_conditions,
        range_key_conditions=range_key_conditions,
        filter_kwargs=filter_kwargs,
    )
    if page is None:
        return _upstream_query(
            self,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            consistent_read,
            filter_expression,
            hash_key_conditions=hash_key_conditions,
            range_key_conditions=range_key_conditions,
            **filter_kwargs,
        )
    results, last_evaluated_key = page
    scanned_count = len(results)

    # From here on as in moto's Table.query.
    results = copy.deepcopy(results)
    if index_name:
        index = self.get_index(index_name)
        results = [index.project(r) for r in results]

    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]

    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]

    return results, scanned_count, last_evaluated_key


def _query_page(
    table: Table,
    *,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    index_name: str | None,
    consistent_read: bool,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None,
    filter_kwargs: dict[str, Any],
) -> tuple[list[Item], dict[str, Any] | None] | None:
    """The page's items (before filter and projection) and its LastEvaluatedKey; None: ask moto."""
    if filter_kwargs or (limit is not None and (not isinstance(limit, int) or limit < 1)):
        return None
    if index_name is not None:
        index = {i.name: i for i in table.all_indexes()}.get(index_name)
        if index is None or (consistent_read and index in table.global_indexes):
            return None  # moto's validation errors
    order = _index_order(table, index_name)
    if order is None:
        return None
    if index_name is None:
        if hash_key is None:
            return None
        hash_value = hash_key
    else:
        conditions = hash_key_conditions or []
        if len(conditions) != 1 or conditions[0][0] != order.hash_attr:
            return None
        hash_value = conditions[0][1]
    if range_key_conditions and len(range_key_conditions) > 1:
        return None

    part = order.partitions.get(_norm(hash_value), [])
    low, high = 0, len(part)
    if range_comparison:
        if (
            range_comparison not in _RANGE_OPERATORS
            or order.range_attr is None
            or not range_key_conditions
            or range_key_conditions[-1][0] != order.range_attr
            or not range_objs
        ):
            return None
        bounds = _key_range(order, part, range_comparison, range_objs)
        if bounds is None:
            return None
        low, high = bounds

    forward = scan_index_forward is not False
    if exclusive_start_key is not None:
        start_key = _exclusive_start(order, exclusive_start_key)
        if start_key is None:
            return None
    if forward:
        start = 0 if exclusive_start_key is None else bisect_right(part, start_key, key=order.full_key)
        first = max(start, low)
        matching = range(first, max(first, high))
        beyond = range(max(first, high), len(part))
    else:
        start = len(part) - 1 if exclusive_start_key is None else bisect_left(part, start_key, key=order.full_key) - 1
        first = min(start, high - 1)
        matching = range(first, min(first, low - 1), -1)
        beyond = range(min(first, low - 1), -1, -1)
    return _page(table, part, matching, beyond, limit, index_name)


def _page(
    table: Table,
    part: list[Item],
    matching: range,
    beyond: range,
    limit: int | None,
    index_name: str | None,
) -> tuple[list[Item], dict[str, Any] | None]:
    """Moto's page loop over the items that match, then over those after them that don't.

    Moto walks the whole partition and checks Limit and 1 MB before each item,
    matching or not; items before the match can never end a page, items after
    it can (``LastEvaluatedKey`` on a full page that more items follow).
    """
    results: list[Item] = []
    result_size = 0
    for position in matching:
        item = part[position]
        size = item.size()
        if len(results) == limit or result_size + size > RESULT_SIZE_LIMIT:
            return results, table._get_last_evaluated_key(results[-1], index_name)
        results.append(item)
        result_size += size
    if beyond and results:
        if len(results) == limit:
            return results, table._get_last_evaluated_key(results[-1], index_name)
        if result_size + _MAX_ITEM_SIZE > RESULT_SIZE_LIMIT:
            # Only a nearly full page can end on a big item that does not match.
            for position in beyond:
                if result_size + part[position].size() > RESULT_SIZE_LIMIT:
                    return results, table._get_last_evaluated_key(results[-1], index_name)
    return results, None


# -- Scan -------------------------------------------------------------------------------------------


def scan(
    self: Table,
    filters: dict[str, Any],
    limit: int,
    exclusive_start_key: dict[str, Any],
    filter_expression: Any = None,
    index_name: str | None = None,
    consistent_read: bool = False,
    projection_expression: list[list[str]] | None = None,
    segments: tuple[None, None] | tuple[int, int] = (None, None),
) -> tuple[list[Item], int, dict[str, Any] | None]:
    """Moto 5.2.5's ``Table.scan``, read from the ordered index: O(log n + page * segments)."""
    order = None
    if not filters and (limit is None or (isinstance(limit, int) and limit >= 1)):
        if index_name is None:
            order = _index_order(self, None)
        else:
            index = {i.name: i for i in self.all_indexes()}.get(index_name)
            if index is not None and not (consistent_read and index in self.global_indexes):
                order = _index_order(self, index_name)
    start_key = None
    if order is not None and exclusive_start_key is not None:
        start_key = _exclusive_start(order, exclusive_start_key)
    if order is None or not order.scannable or (exclusive_start_key is not None and start_key is None):
        return _upstream_scan(
            self,
            filters,
            limit,
            exclusive_start_key,
            filter_expression,
            index_name,
            consistent_read,
            projection_expression,
            segments=segments,
        )

    results: list[Item] = []
    result_size = 0
    scanned_count = 0
    last_evaluated_key = None
    index = self.get_index(index_name) if index_name else None
    for item in _scan_from(order, start_key):
        if not item.is_within_segment(segments):
            continue
        # From here on as in moto's Table.scan, without ScanFilter (left to moto).
        reached_length_limit = len(results) == limit
        reached_size_limit = (result_size + item.size()) > RESULT_SIZE_LIMIT
        if reached_length_limit or reached_size_limit:
            last_evaluated_key = self._get_last_evaluated_key(results[-1], index_name)
            break
        if index is not None:
            results.append(index.project(copy.deepcopy(item)))
        else:
            results.append(copy.deepcopy(item))
        result_size += item.size()
        scanned_count += 1

    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]

    if projection_expression:
        results = [r.project(projection_expression) for r in results]

    return results, scanned_count, last_evaluated_key


def _scan_from(order: _IndexOrder, start_key: tuple[Any, ...] | None) -> Iterator[Item]:
    """The index's items in moto's Scan order, from just after ``start_key``.

    Reads the lists in place: the caller's loop runs inside one request, and
    requests are serialised, so no write shifts them meanwhile.
    """
    hashes = order.hashes
    number = 0 if start_key is None else bisect_left(hashes, start_key[0])
    start = 0
    if start_key is not None and number < len(hashes) and hashes[number] == start_key[0]:
        start = bisect_right(order.partitions[hashes[number]], start_key, key=order.full_key)
    while number < len(hashes):
        part = order.partitions[hashes[number]]
        for position in range(start, len(part)):
            yield part[position]
        number += 1
        start = 0


# -- write paths ------------------------------------------------------------------------------------


def _order_state(table: Table) -> _TableOrder | None:
    state = getattr(table, _ORDER_ATTR, None)
    return state if state is not None and state.indexes else None


def _stored(table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    """The item stored under a key, read without moto's defaultdict adding an empty partition."""
    value = table.items.get(hash_key)
    if value is None:
        return None
    if table.range_key_attr:
        return value.get(range_key) if isinstance(value, dict) else None
    return value if isinstance(value, Item) else None


def item_replaced(table: Table, old: Item | None, new: Item | None) -> None:
    """Tell the table's order that ``new`` took ``old``'s place in moto's storage (either may be None).

    For code that writes ``table.items`` directly (the transaction fix's rollback).
    """
    state = _order_state(table)
    if state is not None and old is not new:
        state.replace(old, new)


def put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    """Moto's ``Table.put_item``, then the new item filed in each built index."""
    state = _order_state(self)
    if state is None or state.suspended:
        return _upstream_put_item(self, item_attrs, *args, **kwargs)
    try:
        range_key = DynamoType(item_attrs[self.range_key_attr]) if self.range_key_attr else None
        old = _stored(self, DynamoType(item_attrs[self.hash_key_attr]), range_key)
    except Exception:
        old = None  # moto refuses the item below
    new = _upstream_put_item(self, item_attrs, *args, **kwargs)
    state.replace(old, new)
    return new


def delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    """Moto's ``Table.delete_item``, then the item taken out of each built index."""
    deleted = _upstream_delete_item(self, hash_key, range_key)
    state = _order_state(self)
    if state is not None and deleted is not None:
        state.replace(deleted, None)
    return deleted


def update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    """Moto's ``DynamoDBBackend.update_item``, then the item filed again under its new keys.

    Moto updates the stored ``Item`` in place (or creates it through
    ``Table.put_item``), so its index keys are recorded before the update.
    """
    try:
        table = self.get_table(table_name)
    except Exception:
        table = None
    state = _order_state(table) if table is not None else None
    if state is None:
        return _upstream_update_item(self, table_name, key, *args, **kwargs)
    try:
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    except Exception:
        return _upstream_update_item(self, table_name, key, *args, **kwargs)
    old = _stored(table, hash_key, range_key)
    old_keys = state.keys_of(old)
    state.suspended += 1
    try:
        return _upstream_update_item(self, table_name, key, *args, **kwargs)
    finally:
        state.suspended -= 1
        state.replace(old, _stored(table, hash_key, range_key), old_keys)
