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


def clients_build() -> None:
    """Build the DynamoDB client of every registered model, and of `connection()`, on one botocore loader.

    PynamoDB gives each model a botocore session of its own, and each new session parses
    botocore's endpoint and service JSON again: about 0.15 s a client, 4 s for every table.
    On one shared loader the JSON is parsed once, and all of them take about 0.4 s. A process
    that will use many tables calls this before its first call (Lambda's INIT, `make run`, a
    test worker); a client is shared by every thread once built. A model whose client exists
    keeps it.
    """
    from botocore.loaders import create_loader

    from bookstore.dynamodb.base import connection

    loader = create_loader()
    for pynamodb_connection in [*(m._get_connection().connection for m in registered_models()), connection()]:
        pynamodb_connection.session.register_component("data_loader", loader)
        pynamodb_connection.client  # noqa: B018  (builds it)


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
