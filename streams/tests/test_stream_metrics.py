"""The stream consumer's metrics (streams/lambda_entry.py, streams/services.py: record_park) as EMF lines."""

import json
import time
from pathlib import Path

from streams.lambda_entry import handle
from streams.services import record_park

EVENT = Path(__file__).parent / "fixtures" / "dynamodb_stream_event.json"


def by_table(lines: list[dict], name: str) -> dict[str, float]:
    return {line["Table"]: line[name] for line in lines}


def test_a_batch_counts_records_handled_retried_and_its_lag_per_table(metric_lines, lake_dir):
    event = json.loads(EVENT.read_text())
    before = time.time()

    response = handle(event, None)

    # The books record fails (its image lacks what a search document needs): Lambda retries from it.
    assert response == {"batchItemFailures": [{"itemIdentifier": "333"}]}
    assert by_table(metric_lines("StreamRecordsHandled"), "StreamRecordsHandled") == {"purchases": 2}
    assert by_table(metric_lines("StreamRecordsRetried"), "StreamRecordsRetried") == {"books": 1}
    lags = by_table(metric_lines("StreamLag"), "StreamLag")
    oldest = {"purchases": 1767261600, "books": 1767261700}  # the records' ApproximateCreationDateTime
    for table, created in oldest.items():
        assert (before - created) * 1000 <= lags[table] <= (time.time() - created) * 1000 + 1
    assert metric_lines("StreamLag")[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "StreamLag", "Unit": "Milliseconds"}
    ]


def test_a_parked_record_is_counted_with_its_table_and_tenant(metric_lines):
    raw = json.loads(EVENT.read_text())["Records"][0]

    record_park(table="purchases", shard_id="shard-1", record=raw, reason="boom", attempts=3)

    (line,) = metric_lines("StreamRecordsParked")
    assert (line["Table"], line["tenant"], line["StreamRecordsParked"]) == ("purchases", "tenant1", 1)
