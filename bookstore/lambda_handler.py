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
    from botocore.loaders import create_loader
    from django.urls import get_resolver, resolve

    from bookstore.dynamodb.base import connection
    from bookstore.dynamodb.registry import registered_models

    get_resolver().url_patterns  # noqa: B018  (imports bookstore.urls, every app's urls and views)
    for path in WARM_PATHS:
        resolve(path)
    # PynamoDB builds a botocore session and client per model (per table) on its first call, and each
    # new session parses botocore's endpoint and service JSON again (about 0.1 s each): build them all
    # now, on one shared loader, so that JSON is parsed once.
    loader = create_loader()
    for pynamodb_connection in [*(m._get_connection().connection for m in registered_models()), connection()]:
        pynamodb_connection.session.register_component("data_loader", loader)
        pynamodb_connection.client  # noqa: B018


_handler = LambdaHandler()  # zappa_settings, the stage's environment, the settings (secrets), django.setup()
warm_up()


def lambda_handler(event: dict, context: object) -> object:
    """Every event of the function: API Gateway, stream records, schedules, `zappa manage` commands."""
    return LambdaHandler.lambda_handler(event, context)
