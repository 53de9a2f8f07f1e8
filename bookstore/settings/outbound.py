"""Outbound work (webhook deliveries, emails): the queue's batching, waits and retries.

The stage's queue and its failure queue are named in stage.py.
"""

from .env import env_int

# Messages per handler call, on Lambda (the event source mapping) and in the local worker.
OUTBOUND_BATCH_SIZE = env_int("OUTBOUND_BATCH_SIZE", 10)
# The longest SQS hides a message that is due later (SQS allows 900 s); it is put back until due.
OUTBOUND_MAX_DELAY_SECONDS = env_int("OUTBOUND_MAX_DELAY_SECONDS", 900)
# How long a received message stays hidden: AWS asks for six times the function's timeout (29 s).
OUTBOUND_VISIBILITY_TIMEOUT_SECONDS = env_int("OUTBOUND_VISIBILITY_TIMEOUT_SECONDS", 180)
# A message whose handler raised this many times moves to the outbound failure queue.
OUTBOUND_MAX_RECEIVES = env_int("OUTBOUND_MAX_RECEIVES", 5)
# The local worker's long poll.
OUTBOUND_WAIT_SECONDS = env_int("OUTBOUND_WAIT_SECONDS", 1)
