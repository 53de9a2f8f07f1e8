"""A Lambda-shaped runtime for the unpacked bundle: INIT once, then one event per line, as Lambda's runtime does.

    python -I -S deploy/lambda_runtime.py [--record CALLS.jsonl] [--stage-environment JSON] < events

Run with Lambda's environment (`LAMBDA_TASK_ROOT`, `_HANDLER`, `AWS_LAMBDA_FUNCTION_NAME`,
`AWS_REGION`, the role's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`)
and in a fresh interpreter that sees nothing but the bundle (`-I -S`: no site-packages, no
user site, no PYTHON* variables, not even this file's folder). It imports only the standard
library and the bundle, plus deploy/call_record.py, loaded by its path.

1. INIT: optionally install the call recorder (`--record`), put the task root first on
   `sys.path`, import the handler's module (`_HANDLER`, e.g.
   `bookstore.lambda_handler.lambda_handler`) and write `{"init_seconds": s}`, or
   `{"init_error": traceback}`, as the first line of the protocol.
2. Invoke: for each JSON event on stdin, call the handler with a Lambda-like context and
   write `{"result": ..., "seconds": s}` or `{"error": traceback, "seconds": s}`.

The protocol goes to the original stdout; everything the function prints or logs goes to
stderr, as it would go to CloudWatch Logs.

`--stage-environment` is a JSON object merged into the stage's environment as Zappa's
generated `zappa_settings` module carries it (`ENVIRONMENT_VARIABLES`), before the handler
reads it: the harness's one way to point a stage value at a local server (the Elasticsearch
URL) without changing the bundle's files.
"""

import argparse
import importlib
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path

# Lambda's limit for one invocation of the function (the stage's timeout_seconds).
TIMEOUT_SECONDS = 30


class Context:
    """The parts of Lambda's context object that handlers read."""

    def __init__(self, request_id: str):
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        self.invoked_function_arn = (
            f"arn:aws:lambda:{os.environ.get('AWS_REGION')}:000000000000:function:{self.function_name}"
        )
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "lambda-runtime"
        self._deadline = time.monotonic() + TIMEOUT_SECONDS

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _load_call_record():
    spec = importlib.util.spec_from_file_location("call_record", Path(__file__).with_name("call_record.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the unpacked bundle's handler as Lambda would.")
    parser.add_argument("--record", help="Append every AWS call, as JSON lines, to this file.")
    parser.add_argument("--stage-environment", default="{}", help="JSON merged into the stage's environment.")
    args = parser.parse_args()

    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # the function's prints go where its logs go

    started = time.perf_counter()
    try:
        sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
        os.chdir(os.environ["LAMBDA_TASK_ROOT"])
        if args.record:
            _load_call_record().install(args.record)  # botocore from the bundle, before any client exists
        overrides = json.loads(args.stage_environment)
        if overrides:
            importlib.import_module("zappa_settings").ENVIRONMENT_VARIABLES.update(overrides)
        module_name, function_name = os.environ["_HANDLER"].rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), function_name)
    except BaseException:
        protocol.write(json.dumps({"init_error": traceback.format_exc()}) + "\n")
        return 1
    protocol.write(json.dumps({"init_seconds": time.perf_counter() - started}) + "\n")

    for number, line in enumerate(sys.stdin):
        event = json.loads(line)
        began = time.perf_counter()
        try:
            result = handler(event, Context(f"invocation-{number}"))
            answer = {"result": result}
        except BaseException:
            answer = {"error": traceback.format_exc()}
        answer["seconds"] = time.perf_counter() - began
        protocol.write(json.dumps(answer, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
