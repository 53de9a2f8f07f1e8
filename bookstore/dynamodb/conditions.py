"""Condition failures: the one test for "DynamoDB refused the write because its condition was false"."""

from pynamodb.exceptions import PutError
from pynamodb.models import Model

CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"


def is_condition_failure(exc: Exception) -> bool:
    """Whether a PynamoDB write error (Put, Update, Delete) was a failed condition, not an outage."""
    return getattr(exc, "cause_response_code", None) == CONDITIONAL_CHECK_FAILED


def put_if_absent(item: Model) -> bool:
    """Put `item` unless an item with its key exists; True if it was written."""
    hash_key = type(item)._hash_key_attribute()
    try:
        item.save(condition=hash_key.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
