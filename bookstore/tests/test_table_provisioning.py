"""Tables repaired from their models (bookstore/dynamodb/provisioning.py): a bare existing table gets what it lacks."""

import pytest
from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from bookstore.aws import client
from bookstore.dynamodb.base import NEW_AND_OLD_IMAGES, TableMeta
from bookstore.dynamodb.provisioning import tables_provision
from bookstore.dynamodb.registry import register


class ByOwner(GlobalSecondaryIndex):
    class Meta:
        index_name = "owner-index"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)


@pytest.fixture
def bare_table(settings):
    """A model registered only for this test, whose table exists with its key and nothing else."""
    from bookstore.dynamodb import registry

    class Repaired(Model):
        class Meta(TableMeta):
            table_name = f"{settings.DYNAMODB_TABLE_PREFIX}repair-scratch"
            stream_view_type = NEW_AND_OLD_IMAGES

        key = UnicodeAttribute(hash_key=True)
        owner = UnicodeAttribute()
        expires_at = TTLAttribute()
        by_owner = ByOwner()

    client("dynamodb").create_table(
        TableName=Repaired.Meta.table_name,
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    register(Repaired)
    yield Repaired
    registry._models.pop(Repaired.Meta.table_name)
    client("dynamodb").delete_table(TableName=Repaired.Meta.table_name)


def test_an_existing_table_gets_its_index_stream_and_ttl_and_a_second_run_repairs_nothing(bare_table):
    name = bare_table.Meta.table_name
    report = tables_provision()

    assert report.created == []
    assert report.repaired == [
        f"{name}: index owner-index created",
        f"{name}: stream NEW_AND_OLD_IMAGES enabled",
        f"{name}: TTL enabled on expires_at",
    ]
    dynamodb = client("dynamodb")
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["owner-index"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": NEW_AND_OLD_IMAGES}
    assert dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"

    again = tables_provision()
    assert (again.created, again.repaired, again.pending, again.conflicts) == ([], [], [], [])
