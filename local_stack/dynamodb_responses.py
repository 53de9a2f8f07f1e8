"""Fix: the emulator writes a DynamoDB item into its JSON answer directly, not member by member.

moto 5.2.5 turns every answer into JSON with a generic serialiser that walks botocore's
output shape. An item is a map of ``AttributeValue`` structures, and for each attribute
value the serialiser tries all ten of that structure's members (S, N, B, SS, NS, BS, M, L,
NULL, BOOL), each through an attribute picker that tries two spellings of the name. A
20-item page of books is about 230,000 such lookups: 90% of a Query's time in the emulator,
about 1 ms per returned item, and the bulk of what a catalogue page costs on `make run`.

An item's attribute values already reach the serialiser in the wire form
(``{"S": "..."}``, ``{"M": {...}}``: moto's ``DynamoType.to_json`` / ``to_regular_json``), so
this fix writes each ``AttributeValue`` as it is, doing only what the member-by-member walk
would do to it: strings as ``str``, binary values base64-encoded when they are bytes, and
maps and lists recursively. Anything not in that form (a value with more or fewer than one
member, an unknown member) goes through moto's walk unchanged. It applies to the DynamoDB
and DynamoDB Streams answers alike (both use the ``AttributeValue`` shape).

The answers are byte-for-byte moto's own: local_stack/tests/test_dynamodb_responses.py
serialises the same values both ways. Like the other fixes, it pins the moto code it
replaces or reproduces (local_stack/upstream.py) and refuses to install on any other moto.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.core.serialize import BaseJSONSerializer, ResponseSerializer
from moto.dynamodb.models.dynamo_type import DynamoType

from local_stack.upstream import UpstreamChangedError, changed_upstream

# The moto code this module reproduces or relies on, with the sha256 of its source in 5.2.5:
# - the JSON serialiser's structure, map, list, string, blob and default steps: what
#   serialising one AttributeValue member by member does;
# - DynamoType.to_json / to_regular_json: the form an item's values reach the serialiser in.
_UPSTREAM_FINGERPRINTS: dict[str, tuple[Callable[..., Any], str]] = {
    "BaseJSONSerializer._serialize_type_structure": (
        BaseJSONSerializer._serialize_type_structure,
        "36873909cd0aeb4defa91cc9912c6e90a62d7d92ced6150ac7de92fd10a81967",
    ),
    "ResponseSerializer._serialize_type_structure": (
        ResponseSerializer._serialize_type_structure,
        "f9b47068f40ce489e55e7a0bf78accec38597d27168dc3d095ac2fc18312d4a8",
    ),
    "ResponseSerializer._serialize_structure_member": (
        ResponseSerializer._serialize_structure_member,
        "437fdce43aa5ac844fb5fe22865b90d228b875b6b1787dc6bfdccad91968b3c0",
    ),
    "BaseJSONSerializer._serialize_type_map": (
        BaseJSONSerializer._serialize_type_map,
        "faa32d1fa9a8bfc9db0984b7973a5cc3297d35a2df33124748949b0908f6b6a9",
    ),
    "BaseJSONSerializer._serialize_type_list": (
        BaseJSONSerializer._serialize_type_list,
        "f87b14fe9166e099846349860a5e3c9d9984939d82ed0f67de07ad12e790cd26",
    ),
    "BaseJSONSerializer._serialize_type_string": (
        BaseJSONSerializer._serialize_type_string,
        "44954e02145012baee50de6592411c1376aad480ea3440a3b3ab6ce932bbf78d",
    ),
    "ResponseSerializer._serialize_type_blob": (
        ResponseSerializer._serialize_type_blob,
        "acd7e746cf06090e20c6501be7d45563fdece62bc55ba2a12f840d2b3bc89ade",
    ),
    "ResponseSerializer._base64": (
        ResponseSerializer._base64,
        "5a3642d8c2a14b24a90a2719ba8cc148cff6400b69faea1943c32d782df5a2fb",
    ),
    "ResponseSerializer._default_serialize": (
        ResponseSerializer._default_serialize,
        "25ce8ddbb1a991c029a745f87eeaa360b697b69ba7295fb74143859a5233afb7",
    ),
    "DynamoType.to_json": (DynamoType.to_json, "62eaa03febd15b265a19d9b5e5431df5d4ab880af1124ca32ffb4a8ca9075410"),
    "DynamoType.to_regular_json": (
        DynamoType.to_regular_json,
        "a9fe48d6f3f9aa7e73b2822278a77f698944176a2de656f84af8963676e63f3e",
    ),
}

_upstream_serialize_structure = BaseJSONSerializer._serialize_type_structure

_INSTALL_LOCK = threading.Lock()

_STRING_TYPES = frozenset({"S", "N"})
_STRING_SET_TYPES = frozenset({"SS", "NS"})
_PLAIN_TYPES = frozenset({"NULL", "BOOL"})


class _NotWireForm(Exception):
    """A value this fix does not write directly; moto's own walk serialises it."""


def check_upstream_unchanged() -> None:
    """Raise ``UpstreamChangedError`` unless moto's serialiser code is as checked.

    After a moto upgrade, re-read the functions named in the message, bring ``_wire`` in line
    with them (and local_stack/tests/test_dynamodb_responses.py), then update
    ``_UPSTREAM_FINGERPRINTS``.
    """
    changed = changed_upstream(_UPSTREAM_FINGERPRINTS)
    if changed:
        raise UpstreamChangedError(
            "moto's response serialiser differs from moto 5.2.5, which "
            "local_stack/dynamodb_responses.py was written against: "
            f"{', '.join(changed)} changed. Review the new code, bring _wire in line with it, "
            "then update _UPSTREAM_FINGERPRINTS."
        )


def is_installed() -> bool:
    """Whether ``install()`` has patched moto's JSON serialiser in this process."""
    return BaseJSONSerializer._serialize_type_structure is _serialize_type_structure


def install() -> None:
    """Patch moto's JSON serialiser in this process; calling it again does nothing."""
    with _INSTALL_LOCK:
        if is_installed():
            return
        check_upstream_unchanged()
        BaseJSONSerializer._serialize_type_structure = _serialize_type_structure


def _serialize_type_structure(self: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str) -> None:
    """An ``AttributeValue`` already in wire form is written as it is; any other structure as moto does."""
    if key and shape.name == "AttributeValue":
        try:
            serialized[key] = _wire(self, value)
            return
        except _NotWireForm:
            pass
    _upstream_serialize_structure(self, serialized, value, shape, key)


def _wire(serializer: ResponseSerializer, value: Any) -> dict[str, Any]:
    """One attribute value as moto's member-by-member walk writes it, or ``_NotWireForm``."""
    if not isinstance(value, dict) or len(value) != 1:
        raise _NotWireForm
    ((kind, content),) = value.items()
    if content is None:
        raise _NotWireForm  # the walk drops a None member, leaving {}: rare, left to it
    if kind in _STRING_TYPES:
        return {kind: _string(content)}
    if kind in _PLAIN_TYPES:
        return {kind: content}
    if kind == "B":
        return {kind: serializer._base64(content)}
    if kind in _STRING_SET_TYPES:
        return {kind: [_string(member) for member in _list(content)]}
    if kind == "BS":
        return {kind: [serializer._base64(member) for member in _list(content)]}
    if kind == "M":
        if not isinstance(content, dict):
            raise _NotWireForm
        return {kind: {name: _wire(serializer, member) for name, member in content.items()}}
    if kind == "L":
        return {kind: [_wire(serializer, member) for member in _list(content)]}
    raise _NotWireForm


def _string(content: Any) -> Any:
    """A string member as the walk writes it (``str()``, except for None and empty containers)."""
    return str(content) if content not in (None, {}, []) else content


def _list(content: Any) -> list[Any]:
    if not isinstance(content, list):
        raise _NotWireForm
    return content
