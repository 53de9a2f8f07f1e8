"""The table registry: every model registers here, and `create_tables` creates or repairs its table.

Models declare their own keys, indexes, TTL and streams; the registry only knows which
models own a table, so provisioning the tables (bookstore/dynamodb/provisioning.py) stays
idempotent and in one place.
"""

from collections.abc import Callable, Iterator

from pynamodb.models import Model

_models: dict[str, type[Model]] = {}


def register(model: type[Model]) -> type[Model]:
    """Class decorator: record a model as the owner of its table."""
    _models[model.Meta.table_name] = model
    return model


def registered_models() -> Iterator[type[Model]]:
    return iter(sorted(_models.values(), key=lambda m: m.Meta.table_name))


def create_tables(*, on_created: Callable[[str], None] = lambda name: None) -> list[str]:
    """Create every registered table that is missing and repair the others' indexes, stream and TTL.

    Returns the names of the tables it created. The local stack and the tests call it; a
    deployed stage's tables are provisioned by `python -m deploy.provision`, which also requires
    point-in-time recovery and deletion protection (bookstore/dynamodb/provisioning.py).
    """
    from bookstore.dynamodb.provisioning import tables_provision

    report = tables_provision()
    for name in report.created:
        on_created(name)
    return report.created
