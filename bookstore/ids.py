"""Ids in paths and bodies: every entity id is a UUID, checked before it becomes part of a key.

A value that is not a UUID can name nothing, so callers answer "not found" (or do nothing)
without a read; it also keeps hostile input (a 5,000-character path segment) out of
DynamoDB keys, whose size limits real DynamoDB enforces on reads and deletes too.
"""

import uuid


def canonical_id(value: object) -> str | None:
    """The canonical (lowercase, hyphenated) form of a UUID, or None if `value` is not one."""
    text = str(value)
    if len(text) > 45:  # the longest spelling uuid.UUID accepts is 45 characters
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None
