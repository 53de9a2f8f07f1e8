"""setup_analytics against the emulator's Glue and Athena: what it creates, read back, and idempotence."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from analytics.catalog import analytics_catalog_setup
from bookstore.aws import client


@pytest.fixture
def glue():
    return client("glue")


def test_setup_analytics_creates_projected_tables_and_the_workgroup(glue):
    out = StringIO()
    call_command("setup_analytics", stdout=out)
    database = settings.ANALYTICS_GLUE_DATABASE
    assert database == "bookstore_test"

    assert glue.get_database(Name=database)["Database"]["Name"] == database
    table = glue.get_table(DatabaseName=database, Name="purchases")["Table"]
    params = table["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.tenant.type"] == "injected"
    assert (params["projection.year.type"], params["projection.month.range"], params["projection.day.range"]) == (
        "integer",
        "1,12",
        "1,31",
    )
    assert params["projection.month.digits"] == params["projection.day.digits"] == "2"
    bucket = settings.ANALYTICS_BUCKET
    assert params["storage.location.template"] == (
        f"s3://{bucket}/${{tenant}}/purchases/year=${{year}}/month=${{month}}/day=${{day}}/"
    )
    assert [key["Name"] for key in table["PartitionKeys"]] == ["tenant", "year", "month", "day"]
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert columns["subtotal"] == columns["unit_price"] == "decimal(12,2)"
    assert {"purchase_id", "line", "event_type", "tenant_id", "created_at"} <= columns.keys()

    summary = glue.get_table(DatabaseName=database, Name="daily_summary")["Table"]
    assert summary["Parameters"]["storage.location.template"].endswith(
        "/daily_summary/year=${year}/month=${month}/day=${day}/"
    )

    reviews = glue.get_table(DatabaseName=database, Name="review_events")["Table"]
    assert reviews["Parameters"]["storage.location.template"].endswith(
        "/review_events/year=${year}/month=${month}/day=${day}/"
    )
    review_columns = {c["Name"]: c["Type"] for c in reviews["StorageDescriptor"]["Columns"]}
    assert review_columns["score"] == review_columns["revision"] == "bigint"
    assert {"review_id", "event_kind", "status", "book_id", "created_at"} <= review_columns.keys()

    workgroup = client("athena").get_work_group(WorkGroup=settings.ANALYTICS_ATHENA_WORKGROUP)["WorkGroup"]
    config = workgroup["Configuration"]
    assert config["ResultConfiguration"]["OutputLocation"] == settings.ANALYTICS_ATHENA_RESULTS_LOCATION
    assert config["BytesScannedCutoffPerQuery"] == settings.ANALYTICS_ATHENA_BYTES_SCANNED_LIMIT
    assert config["EnforceWorkGroupConfiguration"] is True
    assert "Analytics catalogue ready" in out.getvalue()


def test_setup_analytics_twice_changes_nothing(glue):
    analytics_catalog_setup()
    again = analytics_catalog_setup()
    assert again.created == again.updated == []
    assert len(again.unchanged) == 5  # database, three tables, workgroup


def test_setup_analytics_repairs_a_table_that_drifted(glue):
    analytics_catalog_setup()
    database = settings.ANALYTICS_GLUE_DATABASE
    table = glue.get_table(DatabaseName=database, Name="purchases")["Table"]
    drifted = {key: table[key] for key in ("Name", "StorageDescriptor", "PartitionKeys", "TableType")}
    drifted["Parameters"] = {**table["Parameters"], "projection.enabled": "false"}
    glue.update_table(DatabaseName=database, TableInput=drifted)

    report = analytics_catalog_setup()

    assert report.updated == [f"table {database}.purchases"]
    params = glue.get_table(DatabaseName=database, Name="purchases")["Table"]["Parameters"]
    assert params["projection.enabled"] == "true"
