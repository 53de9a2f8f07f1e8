"""The AWS client factory (bookstore/aws.py): settings' endpoint, region and credentials; one per configuration.

What production's settings give every client (no keys, the role's session token) is proven
in a fresh interpreter under those settings: deploy/tests/test_production_settings.py.
"""

import re
from pathlib import Path

from django.conf import settings as django_settings

from bookstore.aws import client

ROOT = Path(django_settings.BASE_DIR)
PRODUCT_PACKAGES = ("bookstore", "accounts", "catalog", "orders", "recommendations", "analytics", "streams")
# What builds an AWS client outside the factory: boto3's client/resource/session, botocore's session.
CLIENT_BUILDING = re.compile(
    r"boto3\.(client|resource|Session|session)\b|from boto3 import|botocore\.session|create_client\("
)


def _observe_security_tokens(aws_client) -> list:
    """The X-Amz-Security-Token header of every request the client sends (a botocore hook that only looks)."""
    sent = []

    def record(request, **kwargs):
        token = request.headers.get("X-Amz-Security-Token")
        sent.append(token.decode() if isinstance(token, bytes) else token)

    aws_client.meta.events.register("before-send", record)
    return sent


def test_the_local_and_test_settings_send_the_emulators_static_keys(settings):
    sqs = client("sqs")
    credentials = sqs._request_signer._credentials.get_frozen_credentials()

    assert (credentials.access_key, credentials.secret_key) == (settings.AWS_ACCESS_KEY_ID, "local")
    assert credentials.token is None
    assert sqs.meta.endpoint_url == settings.AWS_ENDPOINT_URL
    assert sqs.meta.region_name == settings.AWS_REGION
    assert sqs.list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200  # the emulator takes the keys
    assert client("dynamodb").meta.endpoint_url == settings.DYNAMODB_ENDPOINT_URL


def test_without_keys_in_settings_the_default_chain_answers_with_its_session_token(settings, monkeypatch):
    """As on Lambda: the environment holds the role's key, secret and token; the settings name no keys."""
    settings.AWS_ACCESS_KEY_ID = None
    settings.AWS_SECRET_ACCESS_KEY = None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAROLEKEYOFTHESTAGE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "role-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "role-session-token")

    sqs = client("sqs")
    sent = _observe_security_tokens(sqs)
    sqs.list_queues()

    credentials = sqs._request_signer._credentials.get_frozen_credentials()
    assert (credentials.access_key, credentials.token) == ("ASIAROLEKEYOFTHESTAGE", "role-session-token")
    assert sent == ["role-session-token"]


def test_one_client_per_configuration(settings):
    first = client("sqs")
    assert client("sqs") is first  # a hook registered on it sees every call
    assert client("sqs", read_timeout=1) is not first
    assert client("sqs", read_timeout=1).meta.config.read_timeout == 1

    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9"
    moved = client("sqs")
    assert moved is not first
    assert moved.meta.endpoint_url == "http://127.0.0.1:9"


def test_nothing_in_the_product_builds_an_aws_client_but_the_factory():
    factory = ROOT / "bookstore" / "aws.py"
    builders = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == factory or "tests" in path.relative_to(ROOT).parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if CLIENT_BUILDING.search(line):
                    builders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")

    assert builders == []
    assert CLIENT_BUILDING.search(factory.read_text())  # the pattern finds the one place that does build them
