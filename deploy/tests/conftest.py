"""Fixtures of the deploy proofs: the emulator's SSM with a stage's secrets, and a production environment.

A deployed stage reads its secrets from SSM when its settings load; these fixtures put them
in the emulator's SSM and describe the environment a Lambda container of that stage would
have, pointed at the emulator, for subprocesses that load the production settings.
"""

import os
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import boto3
import pytest

from deploy.bundle import bundle_build, bundle_measure
from testing.shared_builds import built_once

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "s" * 20 + "-production-secret-key-of-the-test-stage-0123456789"
JWT_SIGNING_KEY = "j" * 20 + "-jwt-signing-key-of-the-test-stage-0123456789"
ELASTICSEARCH_API_KEY = "ZWxhc3RpYy1pZDplbGFzdGljLWtleQ=="  # the encoded form Elastic shows (id:key)


def pytest_collection_modifyitems(items):
    """The bundle's tests first, in their order: the first batch xdist sends a worker holds them all.

    So one worker builds the zip and runs them while the other goes on with the rest, instead
    of both reaching them at once and one waiting on the build's lock.
    """
    items.sort(key=lambda item: item.get_closest_marker("bundle") is None)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory):
    """The dev bundle, built once for the run: every worker reads that one zip, which nothing rewrites."""
    path = built_once(tmp_path_factory, "bookstore-dev.zip", lambda output: bundle_build("dev", output=output))
    return bundle_measure(path)


@pytest.fixture(scope="session")
def task_root(bundle, tmp_path_factory) -> Path:
    """The dev bundle unpacked once for the run into a read-only folder, as Lambda's `/var/task` is."""

    def unpack(folder: Path) -> None:
        partial = folder.with_name(f".{folder.name}.{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        with zipfile.ZipFile(bundle.path) as archive:
            archive.extractall(partial)
        for path in [partial, *partial.rglob("*")]:
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        partial.rename(folder)  # complete or absent, for the workers that wait on it

    return built_once(tmp_path_factory, "bookstore-dev-task", unpack)


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
    """`stage_secrets(stage, region=None, search_key=True)`: put the stage's secrets in the emulator's SSM.

    The Elasticsearch API key is left out with `search_key=False`.
    """
    created = []

    def put(stage: str, region: str | None = None, search_key: bool = True) -> dict[str, str]:
        values = {
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "JWT_SIGNING_KEY": JWT_SIGNING_KEY,
            **({"ELASTICSEARCH_API_KEY": ELASTICSEARCH_API_KEY} if search_key else {}),
        }
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
