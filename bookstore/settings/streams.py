"""Streams: batching, retries and polling of the stream handlers, on Lambda and in the local poller.

The stage's function and failure queue are named in stage.py.
"""

from .env import env, env_int

# Records per handler call, on Lambda (the event source mapping) and in the local poller.
STREAMS_BATCH_SIZE = env_int("STREAMS_BATCH_SIZE", 100)
STREAMS_BATCHING_WINDOW_SECONDS = env_int("STREAMS_BATCHING_WINDOW_SECONDS", 1)
# A record that failed this many times is parked (poller) or sent to the failure queue (Lambda).
STREAMS_MAX_ATTEMPTS = env_int("STREAMS_MAX_ATTEMPTS", 5)
STREAMS_RETRY_BACKOFF_SECONDS = float(env("STREAMS_RETRY_BACKOFF_SECONDS", "0.5"))
STREAMS_MAX_BACKOFF_SECONDS = float(env("STREAMS_MAX_BACKOFF_SECONDS", "30"))
STREAMS_POLL_INTERVAL_SECONDS = float(env("STREAMS_POLL_INTERVAL_SECONDS", "1"))

# Markers that make the sales counters exactly once are kept this long (streams keep records 24 h).
SALES_MARKER_TTL_DAYS = env_int("SALES_MARKER_TTL_DAYS", 7)
