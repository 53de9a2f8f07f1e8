"""The CloudWatch embedded metric format's rules, checked on a parsed log line, and the lines a block wrote.

`emf_problems(document)` lists what makes a document invalid EMF, read from the format's
specification (not from our writer): a `_aws` object with an integer `Timestamp` and
`CloudWatchMetrics` directives; each directive a Namespace, at most 30 dimension names per
set, each a member of the root with a string value, and at most 100 metrics, each a root
member holding a number (or at most 100 numbers) with a unit CloudWatch knows.
"""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Number
from typing import Any

UNITS = frozenset(
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    }
)  # fmt: skip
DIRECTIVE_MEMBERS = frozenset({"Namespace", "Dimensions", "Metrics"})


def emf_problems(document: Any) -> list[str]:
    """Why `document` is not a valid EMF document (empty when it is)."""
    if not isinstance(document, dict) or not isinstance(document.get("_aws"), dict):
        return ["no _aws object at the root"]
    meta = document["_aws"]
    problems = []
    if not isinstance(meta.get("Timestamp"), int) or isinstance(meta.get("Timestamp"), bool):
        problems.append("_aws.Timestamp is not an integer of epoch milliseconds")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*problems, "_aws.CloudWatchMetrics is not a non-empty array"]
    for directive in directives:
        if set(directive) - DIRECTIVE_MEMBERS:
            problems.append(f"unknown directive members {set(directive) - DIRECTIVE_MEMBERS}")
        if not isinstance(directive.get("Namespace"), str) or not directive["Namespace"]:
            problems.append("a directive without a Namespace")
        for names in directive.get("Dimensions", []):
            if not isinstance(names, list) or len(names) > 30:
                problems.append(f"dimension set {names!r} is not an array of at most 30 names")
                continue
            for name in names:
                if not isinstance(document.get(name), str):
                    problems.append(f"dimension {name!r} has no string value at the root")
        metrics = directive.get("Metrics")
        if not isinstance(metrics, list) or not 0 < len(metrics) <= 100:
            problems.append("Metrics is not an array of 1 to 100 definitions")
            continue
        for metric in metrics:
            value = document.get(metric.get("Name"))
            values = value if isinstance(value, list) else [value]
            if not values or len(values) > 100 or not all(isinstance(v, Number) for v in values):
                problems.append(f"metric {metric.get('Name')!r} has no numeric value at the root")
            if metric.get("Unit", "None") not in UNITS:
                problems.append(f"metric {metric.get('Name')!r} has an unknown unit {metric.get('Unit')!r}")
    return problems


@contextmanager
def captured_metric_lines() -> Iterator[list[dict]]:
    """The EMF lines written to the `bookstore.emf` logger while the block runs, parsed (each must be JSON)."""
    lines: list[dict] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(json.loads(record.getMessage()))
    logger = logging.getLogger("bookstore.emf")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
