"""Lambda's entry point for every stage: Zappa's handler, with all start-up work done while this module loads.

Lambda imports the handler's module during INIT, the phase before the first event (and the
phase provisioned concurrency and SnapStart run ahead of traffic). Zappa's own entry point
(`handler.lambda_handler`) builds its handler on the first invoke, so settings, secrets and
`django.setup()` would land on the first request. This module builds it at import instead,
then does the work a first request would otherwise pay for (`warm_up`): the URL conf and every
view it names, the first URL resolutions, and the AWS clients the requests use. The stage's
`lambda_handler` setting in zappa_settings.json names this module's `lambda_handler`.

A settings error (a missing secret, SSM throttled past its retries) fails the import, so
Lambda reports an INIT failure with the settings' message and retries INIT on the next event.
"""

from zappa.handler import LambdaHandler

# The paths whose first resolution is done here: the health check and a book page.
WARM_PATHS = ("/api/v1/health", "/api/v1/books/warm-up")


def warm_up() -> None:
    """Do at INIT what the first request would: import the URL conf and views, resolve, build the AWS clients."""
    from django.urls import get_resolver, resolve

    from bookstore.dynamodb.registry import clients_build

    get_resolver().url_patterns  # noqa: B018  (imports bookstore.urls, every app's urls and views)
    for path in WARM_PATHS:
        resolve(path)
    clients_build()  # every table's client, on one botocore loader


_handler = LambdaHandler()  # zappa_settings, the stage's environment, the settings (secrets), django.setup()
warm_up()


def lambda_handler(event: dict, context: object) -> object:
    """Every event of the function: API Gateway, stream records, schedules, `zappa manage` commands."""
    return LambdaHandler.lambda_handler(event, context)
