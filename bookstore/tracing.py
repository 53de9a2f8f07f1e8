"""AWS X-Ray tracing of a stage, off by default: XRAY_TRACING turns it on, with the stage's zappa `xray_tracing`.

Zappa's `xray_tracing` makes Lambda trace each invocation (TracingConfig Active); this
module, when XRAY_TRACING is on, patches botocore through the X-Ray SDK so that every AWS
call, DynamoDB (PynamoDB's calls included) and S3 among them, is a subsegment of that trace,
and `traced(name)` records a subsegment around calls that are not botocore's (the search
engine's). The two settings go together: a test refuses a stage that sets one without the
other (bookstore/tests/test_tracing.py).

The SDK is imported only when tracing is on, so a stage without it pays nothing at cold start.
Outside an invocation (a command, the container's INIT) there is no segment: the SDK is told
to carry on without one rather than raise.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

PATCHED_MODULES = ("botocore",)


def tracing_install() -> None:
    """When XRAY_TRACING is on, patch botocore so each AWS call is recorded as a subsegment (once per process)."""
    if not settings.XRAY_TRACING:
        return
    from aws_xray_sdk.core import patch, xray_recorder

    # Lambda decides which invocations are sampled; the SDK's own sampling would poll a daemon for rules.
    xray_recorder.configure(service=f"bookstore-{settings.STAGE}", context_missing="IGNORE_ERROR", sampling=False)
    patch(PATCHED_MODULES)


@contextmanager
def traced(name: str, **metadata: str) -> Iterator[None]:
    """A `remote` subsegment named `name` around the block when tracing is on (and a trace is open); else nothing."""
    if not settings.XRAY_TRACING:
        yield
        return
    from aws_xray_sdk.core import xray_recorder

    with xray_recorder.in_subsegment(name) as subsegment:
        if subsegment is not None:
            subsegment.namespace = "remote"
            for key, value in metadata.items():
                subsegment.put_annotation(key, value)
        yield
