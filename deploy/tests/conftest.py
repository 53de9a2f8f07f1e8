"""Fixtures of the deploy proofs: the emulator's SSM with a stage's secrets, and a production environment.

A deployed stage reads its secrets from SSM when its settings load; these fixtures put them
in the emulator's SSM and describe the environment a Lambda container of that stage would
have, pointed at the emulator, for subprocesses that load the production settings.
"""

import os
import sys
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "s" * 20 + "-production-secret-key-of-the-test-stage-0123456789"
JWT_SIGNING_KEY = "j" * 20 + "-jwt-signing-key-of-the-test-stage-0123456789"


@pytest.fixture
def ssm(settings):
    """`ssm(region=None)`: an SSM client of the emulator (in the settings' region unless named)."""

    def client(region: str | None = None):
        return boto3.client(
            "ssm",
            endpoint_url=settings.AWS_ENDPOINT_URL,
            region_name=region or settings.AWS_REGION,
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
            aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        )

    return client


@pytest.fixture
def stage_secrets(ssm):
    """`stage_secrets(stage, region=None)`: put the stage's two SecureString parameters in the emulator's SSM."""
    created = []

    def put(stage: str, region: str | None = None) -> dict[str, str]:
        values = {"DJANGO_SECRET_KEY": SECRET_KEY, "JWT_SIGNING_KEY": JWT_SIGNING_KEY}
        for name, value in values.items():
            full = f"/bookstore/{stage}/{name}"
            ssm(region).put_parameter(Name=full, Value=value, Type="SecureString", Overwrite=True)
            created.append((region, full))
        return values

    yield put
    for region, name in created:
        ssm(region).delete_parameter(Name=name)


@pytest.fixture
def production_env(settings):
    """`production_env(stage, **overrides)`: the environment of a stage's container, AWS calls sent to the emulator."""

    def make(stage: str = "test", **overrides: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "BOOKSTORE_", "AWS_", "DYNAMODB_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bookstore.settings.production",
                "BOOKSTORE_STAGE": stage,
                "BOOKSTORE_DOMAIN": f"api-{stage}.bookstore.example.com",
                "AWS_REGION": settings.AWS_REGION,
                "AWS_ACCESS_KEY_ID": settings.AWS_ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY": settings.AWS_SECRET_ACCESS_KEY,
                # botocore's own per-service endpoint variable: the production code has no endpoint setting for SSM.
                "AWS_ENDPOINT_URL_SSM": settings.AWS_ENDPOINT_URL,
                "DYNAMODB_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
                "DYNAMODB_TABLE_PREFIX": settings.DYNAMODB_TABLE_PREFIX,
            }
        )
        env.update(overrides)
        return env

    return make


@pytest.fixture
def manage():
    """`manage(*args, env=...)`: run manage.py in a fresh interpreter; returns the CompletedProcess."""
    import subprocess

    def run(*args: str, env: dict[str, str]):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    return run
