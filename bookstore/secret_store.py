"""The secrets of a deployed stage, read from SSM Parameter Store (SecureString) when the settings load.

Settings load once per Lambda container, during Lambda's INIT (bookstore/lambda_handler.py),
so each container makes one GetParameters call at start and none afterwards. The parameters
are named per stage (`/bookstore/{stage}/NAME`) and never appear in zappa_settings.json or in
the Lambda's environment. The settings are not loaded yet, so the client is built from the
region alone (bookstore/aws.py): the credentials follow botocore's default chain (the Lambda
role's key, secret and session token on AWS), and the `AWS_ENDPOINT_URL_SSM` variable points
a test or benchmark at the emulator.

Parameter Store serves 40 GetParameters a second per account and region by default, so a
burst of cold starts is throttled. Throttling is retried here, by our own loop rather than
botocore's: botocore's "standard" mode waits up to 2**attempt seconds between attempts (20 s
at most), which would overrun INIT's 10 s, while this loop keeps the whole wait under
`THROTTLE_BUDGET_SECONDS` with full jitter (each wait random in [0, base * 2**attempt]), so
containers that started together do not retry together. When throttling outlasts the
retries, one log line says so and the settings fail to load.
"""

import logging
import random
import time
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from botocore.client import BaseClient

logger = logging.getLogger(__name__)

# The error codes AWS APIs use for "slow down" (SSM answers ThrottlingException).
THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})
THROTTLE_ATTEMPTS = 8
THROTTLE_BASE_SECONDS = 0.1
THROTTLE_CAP_SECONDS = 1.6
# Worst case of the waits above (0.1 + 0.2 + ... + 1.6 + 1.6 s): well inside INIT's 10 s.
THROTTLE_BUDGET_SECONDS = 6.0


def ssm_parameter_name(*, prefix: str, name: str) -> str:
    """`/bookstore/dev/` + `DJANGO_SECRET_KEY` → `/bookstore/dev/DJANGO_SECRET_KEY`."""
    return f"{prefix.rstrip('/')}/{name}"


def ssm_client(*, region: str) -> "BaseClient":
    """An SSM client for the secrets: our loop retries throttling, so botocore makes one attempt per call.

    The endpoint is AWS's, or the one botocore's `AWS_ENDPOINT_URL_SSM` variable names.
    """
    from bookstore.aws import client_build

    return client_build("ssm", region_name=region, retries={"mode": "standard", "total_max_attempts": 1})


def _is_throttling(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in THROTTLING_CODES


def get_parameters_riding_throttling(
    client: "BaseClient",
    *,
    names: list[str],
    attempts: int = THROTTLE_ATTEMPTS,
    base_seconds: float = THROTTLE_BASE_SECONDS,
) -> dict:
    """`GetParameters` (decrypted), retried with full-jitter backoff while SSM throttles; other errors raise at once.

    After `attempts` throttled calls it logs one error line and raises ImproperlyConfigured.
    """
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            return client.get_parameters(Names=names, WithDecryption=True)
        except Exception as exc:
            if not _is_throttling(exc):
                raise
            if attempt + 1 < attempts:
                time.sleep(random.uniform(0, min(THROTTLE_CAP_SECONDS, base_seconds * 2**attempt)))
    message = (
        f"SSM GetParameters was throttled {attempts} times in {time.monotonic() - started:.1f} s; the settings "
        f"cannot load their secrets ({', '.join(names)}). Parameter Store's standard throughput is 40 "
        "requests/s per account and region: turn on its higher throughput or stagger the cold starts."
    )
    logger.error(message)
    raise ImproperlyConfigured(message) from None


def secrets_load(
    *,
    prefix: str,
    names: list[str],
    region: str,
    optional: tuple[str, ...] = (),
    client: "BaseClient | None" = None,
    base_seconds: float = THROTTLE_BASE_SECONDS,
) -> dict[str, str]:
    """Each secret's decrypted value, by short name; ImproperlyConfigured names any required one that is missing.

    One GetParameters call (at most 10 names, which is plenty for a stage's secrets); a name in
    `optional` is read if it exists and left out of the result if not. `client` defaults to
    `ssm_client(region=region)`; `base_seconds` is the first backoff's ceiling.
    """
    full_names = {ssm_parameter_name(prefix=prefix, name=name): name for name in [*names, *optional]}
    response = get_parameters_riding_throttling(
        client or ssm_client(region=region), names=list(full_names), base_seconds=base_seconds
    )
    missing = sorted(name for name in response["InvalidParameters"] if full_names.get(name) not in optional)
    if missing:
        raise ImproperlyConfigured(f"Missing SSM parameters (create them as SecureString): {', '.join(missing)}")
    return {full_names[parameter["Name"]]: parameter["Value"] for parameter in response["Parameters"]}
