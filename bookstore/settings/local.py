"""The embedded default: everything on loopback, DynamoDB served by the patched moto emulator.

`make run` starts the emulator and records its URL in the local stack file
(`.local/stack.json`, see `local_stack/stack.py`). `manage.py` uses these settings by
default, so a command in another terminal finds the running stack. The environment wins over
the file: `DYNAMODB_ENDPOINT_URL`, else `EMULATOR_PORT`, else the stack file, else port 5005.
"""

from local_stack.stack import stack_read

from .base import *  # noqa: F403
from .base import LOCAL_STATE_DIR
from .env import env, env_bool, env_int
from .stage import stage_names

STAGE = env("BOOKSTORE_STAGE", "local")
globals().update(stage_names(STAGE))  # DYNAMODB_TABLE_PREFIX, ANALYTICS_BUCKET, STREAMS_FUNCTION_NAME, ...

DEBUG = env("DJANGO_DEBUG", "true").lower() == "true"
LOCAL_STACK = {} if env("DYNAMODB_ENDPOINT_URL") or env("EMULATOR_PORT") else stack_read()
EMULATOR_PORT = env_int("EMULATOR_PORT", 5005)
DYNAMODB_ENDPOINT_URL = (
    env("DYNAMODB_ENDPOINT_URL") or LOCAL_STACK.get("emulator") or f"http://127.0.0.1:{EMULATOR_PORT}"
)
AWS_ENDPOINT_URL = DYNAMODB_ENDPOINT_URL  # SSM, S3, Streams, Lambda, SQS, Glue, Athena: the same emulator
AWS_REGION = env("AWS_REGION", "us-east-1")
# The emulator's static keys (it accepts any); every client sends them (bookstore/aws.py, PynamoDB).
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", "local")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", "local")
DYNAMODB_MAX_RETRY_ATTEMPTS = 1
JWT_COOKIE_SECURE = False  # served over plain http on loopback
STREAMS_POLL_INTERVAL_SECONDS = float(env("STREAMS_POLL_INTERVAL_SECONDS", "0.5"))
STREAMS_MAX_ATTEMPTS = env_int("STREAMS_MAX_ATTEMPTS", 3)
# `export_tables` holds the emulator's writes while it reads, so its copy is one instant (local_stack/write_pause.py).
DYNAMODB_EXPORT_PAUSE = "local_stack.write_pause.writes_paused"
# `make run` saves a snapshot of the emulator's data this often, if it changed (and when stopped).
LOCAL_SNAPSHOT_INTERVAL_SECONDS = env_int("LOCAL_SNAPSHOT_INTERVAL_SECONDS", 300)

# noida-db, the local Elasticsearch-API server that `make run` starts next to the emulator.
SEARCH_PORT = env_int("SEARCH_PORT", 9200)
SEARCH_DATA_DIR = LOCAL_STATE_DIR / "noida-db"
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", f"http://127.0.0.1:{SEARCH_PORT}")

# Reports run on DuckDB over the local lake; Glue and Athena (setup_analytics) are the emulator's.
ANALYTICS_QUERY_RUNNER = env("ANALYTICS_QUERY_RUNNER", "analytics.runners.duckdb.DuckDBRunner")
# DuckDB answers in well under a second here, and a new purchase should show within seconds.
ANALYTICS_CACHE_SECONDS = env_int("ANALYTICS_CACHE_SECONDS", 5)
# Webhook receivers on this machine (a test's, a developer's): loopback URLs are allowed here only.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", True)
