"""The Glue catalogue and Athena workgroup the lake needs, created or brought up to date idempotently.

Tables use partition projection: `tenant` is an injected key (every query names it), and
year, month and day are integer ranges; `storage.location.template` maps them onto the
lake's layout, so there is no crawler and no MSCK REPAIR. The workgroup enforces a
results location and a per-query bytes-scanned limit.
"""

from dataclasses import dataclass, field

from django.conf import settings

from analytics.tables import TABLES, LakeTable
from bookstore.aws import client

PROJECTED_YEARS = "2020,2100"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


@dataclass
class CatalogSetup:
    """What `analytics_catalog_setup` did: names of what it created and updated."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def lake_location() -> str:
    return f"s3://{settings.ANALYTICS_BUCKET}/"


def table_input(table: LakeTable) -> dict:
    """The Glue TableInput of a lake table, with its projection parameters."""
    template = f"{lake_location()}${{tenant}}/{table.name}/year=${{year}}/month=${{month}}/day=${{day}}/"
    return {
        "Name": table.name,
        "Description": table.description,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {
            "classification": "parquet",
            "EXTERNAL": "TRUE",
            "parquet.compression": "ZSTD",
            "projection.enabled": "true",
            "projection.tenant.type": "injected",
            "projection.year.type": "integer",
            "projection.year.range": PROJECTED_YEARS,
            "projection.month.type": "integer",
            "projection.month.range": "1,12",
            "projection.month.digits": "2",
            "projection.day.type": "integer",
            "projection.day.range": "1,31",
            "projection.day.digits": "2",
            "storage.location.template": template,
        },
        "PartitionKeys": [
            {"Name": "tenant", "Type": "string"},
            {"Name": "year", "Type": "int"},
            {"Name": "month", "Type": "int"},
            {"Name": "day", "Type": "int"},
        ],
        "StorageDescriptor": {
            "Columns": [{"Name": c.name, "Type": c.hive_type} for c in table.columns],
            "Location": lake_location(),
            "InputFormat": PARQUET_INPUT,
            "OutputFormat": PARQUET_OUTPUT,
            "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE, "Parameters": {"serialization.format": "1"}},
        },
    }


def workgroup_configuration() -> dict:
    return {
        "ResultConfiguration": {"OutputLocation": settings.ANALYTICS_ATHENA_RESULTS_LOCATION},
        "EnforceWorkGroupConfiguration": True,
        "PublishCloudWatchMetricsEnabled": True,
        "BytesScannedCutoffPerQuery": settings.ANALYTICS_ATHENA_BYTES_SCANNED_LIMIT,
    }


def _same_table(current: dict, wanted: dict) -> bool:
    descriptor = current.get("StorageDescriptor", {})
    return (
        current.get("Parameters") == wanted["Parameters"]
        and current.get("PartitionKeys") == wanted["PartitionKeys"]
        and descriptor.get("Columns") == wanted["StorageDescriptor"]["Columns"]
        and descriptor.get("Location") == wanted["StorageDescriptor"]["Location"]
    )


def _database(glue, report: CatalogSetup) -> str:
    name = settings.ANALYTICS_GLUE_DATABASE
    try:
        glue.get_database(Name=name)
        report.unchanged.append(f"database {name}")
    except glue.exceptions.EntityNotFoundException:
        glue.create_database(DatabaseInput={"Name": name, "Description": f"Bookstore data lake ({settings.STAGE})"})
        report.created.append(f"database {name}")
    return name


def _table(glue, database: str, table: LakeTable, report: CatalogSetup) -> None:
    wanted = table_input(table)
    label = f"table {database}.{table.name}"
    try:
        current = glue.get_table(DatabaseName=database, Name=table.name)["Table"]
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=database, TableInput=wanted)
        report.created.append(label)
        return
    if _same_table(current, wanted):
        report.unchanged.append(label)
    else:
        glue.update_table(DatabaseName=database, TableInput=wanted)
        report.updated.append(label)


def _workgroup(athena, report: CatalogSetup) -> None:
    name = settings.ANALYTICS_ATHENA_WORKGROUP
    wanted = workgroup_configuration()
    names: set[str] = set()
    request: dict = {}
    while True:  # ListWorkGroups has no boto3 paginator
        page = athena.list_work_groups(**request)
        names.update(group["Name"] for group in page["WorkGroups"])
        if not page.get("NextToken"):
            break
        request["NextToken"] = page["NextToken"]
    label = f"workgroup {name}"
    if name not in names:
        athena.create_work_group(Name=name, Configuration=wanted, Description="Bookstore analytics reports")
        report.created.append(label)
        return
    current = athena.get_work_group(WorkGroup=name)["WorkGroup"]["Configuration"]
    if all(current.get(key) == value for key, value in wanted.items()):
        report.unchanged.append(label)
        return
    athena.update_work_group(
        WorkGroup=name,
        ConfigurationUpdates={
            "ResultConfigurationUpdates": {"OutputLocation": wanted["ResultConfiguration"]["OutputLocation"]},
            "EnforceWorkGroupConfiguration": wanted["EnforceWorkGroupConfiguration"],
            "PublishCloudWatchMetricsEnabled": wanted["PublishCloudWatchMetricsEnabled"],
            "BytesScannedCutoffPerQuery": wanted["BytesScannedCutoffPerQuery"],
        },
    )
    report.updated.append(label)


def analytics_catalog_setup() -> CatalogSetup:
    """Create what is missing and update what differs; running it twice changes nothing."""
    report = CatalogSetup()
    glue = client("glue")
    database = _database(glue, report)
    for table in TABLES:
        _table(glue, database, table, report)
    _workgroup(client("athena"), report)
    return report
