"""Labelled transactions: a TransactWriteItems whose cancellation reasons map back to named actions.

DynamoDB answers a cancelled transaction with one reason per action, in the order the
actions were sent. PynamoDB sends condition checks, then deletes, then puts, then updates,
whatever order the caller added them in, so pairing reasons with the caller's list is
wrong. Here every action carries a label, the labels are laid out in PynamoDB's sending
order, and a failed commit hands the caller `{label: reason}` for the actions that failed.

A cancellation whose only reasons are TransactionConflict (another transaction touched the
same item at the same moment) leaves every condition true, so it is sent again a few
times with backoff before it becomes a 409.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import CancellationReason, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from bookstore.dynamodb.base import connection
from bookstore.errors import ApplicationError, CommonError

CONDITION_FAILED = "ConditionalCheckFailed"
CONFLICT = "TransactionConflict"
COMMIT_ATTEMPTS = 3
BACKOFF_SECONDS = 0.05

Failures = dict[str, CancellationReason]


@dataclass
class LabelledTransaction:
    """Build with `check`, `delete`, `put` and `update`; send with `commit`.

    Labels must be unique within a transaction (e.g. `stock:{book_id}`, `purchase`).
    """

    _checks: list[tuple[str, type[Model], Any, Any, Condition]] = field(default_factory=list)
    _deletes: list[tuple[str, Model, Condition | None]] = field(default_factory=list)
    _puts: list[tuple[str, Model, dict[str, Any]]] = field(default_factory=list)
    _updates: list[tuple[str, Model, list[Action], dict[str, Any]]] = field(default_factory=list)

    def check(self, label: str, model: type[Model], hash_key: Any, range_key: Any, condition: Condition) -> None:
        self._checks.append((label, model, hash_key, range_key, condition))

    def delete(self, label: str, item: Model, *, condition: Condition | None = None) -> None:
        self._deletes.append((label, item, condition))

    def put(self, label: str, item: Model, **options: Any) -> None:
        """`options` are TransactWrite.save's: condition, return_values."""
        self._puts.append((label, item, options))

    def update(self, label: str, item: Model, *, actions: list[Action], **options: Any) -> None:
        """`options` are TransactWrite.update's: condition, return_values, add_version_condition."""
        self._updates.append((label, item, actions, options))

    @property
    def labels(self) -> list[str]:
        """The labels in the order PynamoDB sends the actions (and DynamoDB reports reasons)."""
        groups = (self._checks, self._deletes, self._puts, self._updates)
        labels = [entry[0] for group in groups for entry in group]
        if len(set(labels)) != len(labels):
            raise ValueError(f"Transaction labels must be unique: {labels}")
        return labels

    def __len__(self) -> int:
        return len(self.labels)

    def commit(self, *, on_cancel: Callable[[Failures], Exception | None] = lambda failures: None) -> None:
        """Send the transaction; a cancellation becomes the caller's error, or a 409 after retries.

        `on_cancel` receives `{label: reason}` for the failed actions and returns the
        exception that explains them (usually an ApplicationError), or None if it has no
        explanation, in which case the TransactWriteError is raised as it is.
        """
        labels = self.labels
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                self._send()
                return
            except TransactWriteError as exc:
                reasons = exc.cancellation_reasons or []
                failures = {
                    labels[i]: reason for i, reason in enumerate(reasons) if reason is not None and i < len(labels)
                }
                if failures and {r.code for r in failures.values()} == {CONFLICT}:
                    if attempt == COMMIT_ATTEMPTS:
                        raise ApplicationError(CommonError.CONFLICT) from exc
                    time.sleep(BACKOFF_SECONDS * attempt)
                    continue
                failures = {label: r for label, r in failures.items() if r.code != CONFLICT}
                error = on_cancel(failures) if failures else None
                if error is None:
                    raise
                raise error from exc

    def _send(self) -> None:
        with TransactWrite(connection=connection()) as tx:
            for _, model, hash_key, range_key, condition in self._checks:
                tx.condition_check(model, hash_key, range_key, condition=condition)
            for _, item, condition in self._deletes:
                tx.delete(item, condition=condition)
            for _, item, options in self._puts:
                tx.save(item, **options)
            for _, item, actions, options in self._updates:
                # A copy: PynamoDB appends the version action to the list it is given.
                tx.update(item, actions=list(actions), **options)


def failed_condition(failures: Failures, label: str) -> CancellationReason | None:
    """The reason of `label` if its condition failed, else None."""
    reason = failures.get(label)
    return reason if reason is not None and reason.code == CONDITION_FAILED else None
