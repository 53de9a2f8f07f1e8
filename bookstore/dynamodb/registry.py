"""The table registry: every model registers here, and `create_tables` creates what is missing.

Models declare their own keys, indexes, TTL and streams; the registry only knows which
models own a table, so creating the tables stays idempotent and in one place.
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
    """Create every registered table that does not exist yet, with its GSIs, TTL, stream and SSE key.

    Returns the names of the tables it created; existing tables are left untouched.
    """
    from bookstore.encryption import tables_created_with_sse

    created = []
    for model in registered_models():
        if model.exists():
            continue
        with tables_created_with_sse([model._get_connection().connection.client]):
            model.create_table(wait=True)
        created.append(model.Meta.table_name)
        on_created(model.Meta.table_name)
    return created
