"""The settings' stage-derived names (bookstore/settings/stage.py), as each environment loads them.

Each environment is loaded in a fresh interpreter with a clean environment, the way
`manage.py` and pytest load it; production's are in deploy/tests/test_production_settings.py.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from bookstore.settings.stage import stage_names

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in "
    "['STAGE', 'DYNAMODB_TABLE_PREFIX', 'ANALYTICS_BUCKET', 'ANALYTICS_GLUE_DATABASE', 'ANALYTICS_ATHENA_WORKGROUP', "
    "'ANALYTICS_ATHENA_RESULTS_LOCATION', 'STREAMS_FUNCTION_NAME', 'STREAMS_FAILURE_QUEUE']}))"
)


def _names(module: str, tmp_path, **variables: str) -> dict[str, str]:
    """The names `bookstore.settings.<module>` gives, loaded in a fresh interpreter."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": f"bookstore.settings.{module}",
        "EMULATOR_PORT": "1",  # so the local settings do not read a running stack's file
        "LOCAL_STATE_DIR": str(tmp_path),
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _stage(stage: str) -> dict[str, str]:
    return {
        "STAGE": stage,
        "DYNAMODB_TABLE_PREFIX": f"bookstore-{stage}-",
        "ANALYTICS_BUCKET": f"bookstore-analytics-{stage}",
        "ANALYTICS_GLUE_DATABASE": f"bookstore_{stage}",
        "ANALYTICS_ATHENA_WORKGROUP": f"bookstore-{stage}",
        "ANALYTICS_ATHENA_RESULTS_LOCATION": f"s3://bookstore-analytics-{stage}/_athena-results/",
        "STREAMS_FUNCTION_NAME": f"bookstore-{stage}",
        "STREAMS_FAILURE_QUEUE": f"bookstore-{stage}-stream-failures",
    }


@pytest.mark.parametrize(("module", "stage"), [("local", "local"), ("test", "test")])
def test_each_environment_names_its_own_stages_resources(module, stage, tmp_path):
    assert _names(module, tmp_path) == _stage(stage)


def test_the_local_stage_and_its_names_follow_the_environment(tmp_path):
    names = _names("local", tmp_path, BOOKSTORE_STAGE="demo", ANALYTICS_BUCKET="my-lake")

    assert names == {
        **_stage("demo"),
        "ANALYTICS_BUCKET": "my-lake",
        "ANALYTICS_ATHENA_RESULTS_LOCATION": "s3://my-lake/_athena-results/",
    }


def test_the_test_settings_name_the_test_stage_whatever_the_shell_exports(tmp_path):
    exported = {"BOOKSTORE_STAGE": "prod", "DYNAMODB_TABLE_PREFIX": "bookstore-prod-", "ANALYTICS_BUCKET": "prod-lake"}
    assert _names("test", tmp_path, **exported) == _stage("test")


def test_the_lambda_function_names_the_streams_function_unless_a_variable_does():
    inside_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "bookstore-prod-canary"}.get
    assert stage_names("prod", env=inside_lambda)["STREAMS_FUNCTION_NAME"] == "bookstore-prod-canary"
    named = {"AWS_LAMBDA_FUNCTION_NAME": "bookstore-prod-canary", "STREAMS_FUNCTION_NAME": "bookstore-prod"}.get
    assert stage_names("prod", env=named)["STREAMS_FUNCTION_NAME"] == "bookstore-prod"
