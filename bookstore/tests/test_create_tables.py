"""The create_tables command (bookstore/dynamodb/registry.py: create_tables)."""

from io import StringIO

from django.core.management import call_command

from bookstore.dynamodb.registry import registered_models


def test_create_tables_is_idempotent_and_says_so():
    out = StringIO()
    call_command("create_tables", stdout=out)
    total = len(list(registered_models()))
    assert out.getvalue().strip() == f"0 created, {total} already existed, 0 repaired."
    assert total >= 12


def test_every_registered_table_exists_with_its_stream_and_indexes(settings):
    models = {
        model.Meta.table_name.removeprefix(settings.DYNAMODB_TABLE_PREFIX): model for model in registered_models()
    }
    for model in models.values():
        assert model.exists(), model.Meta.table_name
    for name in ("books", "purchases", "reviews"):
        description = models[name].describe_table()
        assert description["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert len(models["books"].describe_table()["GlobalSecondaryIndexes"]) == 9
