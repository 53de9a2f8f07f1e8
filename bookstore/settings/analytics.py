"""Analytics: the SQL engine that reads the data lake, Athena's limits, the bucket's key, the report cache.

The lake itself is the Django storage "analytics" (STORAGES in base.py; the S3 bucket in
production.py); its bucket, Glue database and Athena workgroup are named in stage.py.
"""

from .env import env, env_int

# Which engine runs the report SQL: Athena on AWS, DuckDB over the same Parquet elsewhere.
ANALYTICS_QUERY_RUNNER = env("ANALYTICS_QUERY_RUNNER", "analytics.runners.athena.AthenaRunner")
# The KMS key of the bucket's default encryption (none: SSE-S3).
ANALYTICS_BUCKET_KMS_KEY = env("ANALYTICS_BUCKET_KMS_KEY") or None
# Athena refuses (and bills nothing more for) a query that would scan more than this.
ANALYTICS_ATHENA_BYTES_SCANNED_LIMIT = env_int("ANALYTICS_ATHENA_BYTES_SCANNED_LIMIT", 1024**3)
# API Gateway answers at 29 s, so a report query must give up before that.
ANALYTICS_ATHENA_TIMEOUT_SECONDS = float(env("ANALYTICS_ATHENA_TIMEOUT_SECONDS", "20"))
# Report results are cached per (tenant, report, range) this long; 0 turns the cache off.
ANALYTICS_CACHE_SECONDS = env_int("ANALYTICS_CACHE_SECONDS", 300)
# A report covers at most this many days, and the last this many when no range is given.
ANALYTICS_MAX_RANGE_DAYS = 366
ANALYTICS_DEFAULT_RANGE_DAYS = 30
