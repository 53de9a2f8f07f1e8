"""The DuckDB runner: the same report SQL over the lake's Parquet files, in process.

A local lake is read with `read_parquet(..., hive_partitioning = true)`; a lake on S3 (the
emulator, or AWS from a laptop) through a pyarrow dataset, because duckdb's httpfs extension
cannot be downloaded here. Each query gets a fresh in-memory connection with a view over the
tenant's folder of each lake table the SQL names (`purchases`, `review_events`), so one
tenant's query never opens another tenant's files.
duckdb is a local-only dependency and this module is imported only when settings select it.
"""

import re
from collections.abc import Sequence

from analytics.errors import AnalyticsError
from analytics.lake_access import lake_local_root, s3_location
from analytics.runners import QueryError, QueryParam, QueryRunner, Row
from analytics.tables import TABLES, LakeTable

SAFE_TENANT = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARTITION_COLUMNS = "CAST(NULL AS INTEGER) AS year, CAST(NULL AS INTEGER) AS month, CAST(NULL AS INTEGER) AS day"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _empty_view_sql(table: LakeTable, tenant_id: str) -> str:
    columns = ", ".join(f"CAST(NULL AS {c.duckdb_type}) AS {c.name}" for c in table.columns)
    return f"SELECT {_sql_string(tenant_id)} AS tenant, {columns}, {PARTITION_COLUMNS} WHERE false"


class DuckDBRunner(QueryRunner):
    def run(self, *, sql: str, params: Sequence[QueryParam], tenant_id: str) -> list[Row]:
        import duckdb

        if not SAFE_TENANT.match(tenant_id):
            raise ValueError(f"Not a tenant id: {tenant_id!r}")
        connection = duckdb.connect()
        try:
            for table in TABLES:
                if re.search(rf"\b{table.name}\b", sql):
                    self._create_view(connection, table, tenant_id)
            cursor = connection.execute(sql, list(params))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        except duckdb.Error as exc:
            raise QueryError(AnalyticsError.QUERY_FAILED, reason=str(exc)) from exc
        except OSError as exc:  # the lake's folder or bucket cannot be read
            raise QueryError(AnalyticsError.UNAVAILABLE, reason=str(exc)) from exc
        finally:
            connection.close()

    def _create_view(self, connection, table: LakeTable, tenant_id: str) -> None:
        root = lake_local_root()
        source = self._local_source(root, table, tenant_id) if root else self._s3_source(connection, table, tenant_id)
        select = f"SELECT {_sql_string(tenant_id)} AS tenant, * FROM {source}" if source else None
        connection.execute(f"CREATE TEMP VIEW {table.name} AS {select or _empty_view_sql(table, tenant_id)}")

    @staticmethod
    def _local_source(root, table: LakeTable, tenant_id: str) -> str | None:
        folder = root / table.tenant_prefix(tenant_id=tenant_id)
        pattern = "year=*/month=*/day=*/*.parquet"
        if next(folder.glob(pattern), None) is None:
            return None
        return (
            f"read_parquet({_sql_string(str(folder / pattern))}, hive_partitioning = true, "
            "hive_types = {'year': INTEGER, 'month': INTEGER, 'day': INTEGER})"
        )

    @staticmethod
    def _s3_source(connection, table: LakeTable, tenant_id: str) -> str | None:
        import pyarrow as pa
        import pyarrow.dataset as ds

        filesystem, root = s3_location()
        partitioning = ds.partitioning(
            pa.schema([("year", pa.int32()), ("month", pa.int32()), ("day", pa.int32())]), flavor="hive"
        )
        base = f"{root}/{table.tenant_prefix(tenant_id=tenant_id)}".rstrip("/")
        try:
            dataset = ds.dataset(base, filesystem=filesystem, format="parquet", partitioning=partitioning)
        except FileNotFoundError:
            return None
        if not dataset.files:
            return None
        name = f"{table.name}_files"
        connection.register(name, dataset)
        return name
