"""zappa_settings.json: three stages sharing `dev` through `extends`, each complete and stage-scoped."""

import json
import sys
from pathlib import Path

import pytest

SETTINGS = json.loads((Path(__file__).resolve().parent.parent.parent / "zappa_settings.json").read_text())
STAGES = ("dev", "test", "prod")
REQUIRED_ENVIRONMENT = (
    "BOOKSTORE_STAGE", "DYNAMODB_TABLE_PREFIX", "BOOKSTORE_DOMAIN", "CORS_ALLOWED_ORIGINS", "ELASTICSEARCH_URL",
    "ANALYTICS_BUCKET", "ANALYTICS_ATHENA_WORKGROUP", "ANALYTICS_GLUE_DATABASE", "LOG_LEVEL",
)  # fmt: skip


def stage_config(stage: str) -> dict:
    """The stage's settings after `extends`, as Zappa merges them (a shallow update over the parent)."""
    config = dict(SETTINGS[stage])
    parent = config.pop("extends", None)
    return {**stage_config(parent), **config} if parent else config


def test_the_stages_extend_dev():
    assert set(SETTINGS) == set(STAGES)
    assert SETTINGS["test"]["extends"] == SETTINGS["prod"]["extends"] == "dev"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_is_complete_and_its_own(stage):
    config = stage_config(stage)
    assert config["django_settings"] == "bookstore.settings.production"
    assert config["lambda_handler"] == "bookstore.lambda_handler.lambda_handler"  # INIT does the set-up
    assert config["runtime"] == f"python{sys.version_info.major}.{sys.version_info.minor}"  # what the tests run on
    assert config["aws_region"]
    assert config["s3_bucket"] == f"bookstore-zappa-deployments-{stage}"
    assert config["memory_size"] >= 1024
    assert 0 < config["timeout_seconds"] <= 29  # API Gateway gives up at 29 s: the function must not outlive it
    # The front door: an HTTP API, payload v2 (docs/architecture/decisions/front-door.md).
    assert config["apigateway_version"] == "v2"
    assert config["manage_roles"] is False
    assert config["role_name"] == f"bookstore-{stage}-lambda"
    assert config["debug"] is False
    env = config["environment_variables"]
    assert set(REQUIRED_ENVIRONMENT) <= set(env)
    assert env["BOOKSTORE_STAGE"] == stage
    assert env["DYNAMODB_TABLE_PREFIX"] == f"bookstore-{stage}-"
    assert env["ANALYTICS_BUCKET"] == f"bookstore-analytics-{stage}"
    assert env["BOOKSTORE_DOMAIN"] == config["domain"]
    assert "*" not in env.get("DJANGO_ALLOWED_HOSTS", "")


@pytest.mark.parametrize("stage", STAGES)
def test_no_secret_is_in_the_settings_file(stage):
    env = stage_config(stage)["environment_variables"]
    assert not [name for name in env if any(word in name for word in ("SECRET", "PASSWORD", "SIGNING", "TOKEN"))]


def test_events_are_schedules_only_and_their_functions_exist():
    """The stream subscriptions are made by `wire_streams`: Zappa 0.63 cannot set StartingPosition."""
    import importlib

    events = stage_config("dev")["events"]
    assert all("event_source" not in event for event in events)
    schedules = {event["function"]: event["expression"] for event in events}
    assert schedules == {
        "bookstore.scheduled.build_daily_summary": "cron(0/15 1-3 * * ? *)",  # until the night's run is done
        "bookstore.scheduled.expire_pending_orders": "rate(1 hour)",
    }
    for function in schedules:
        module, name = function.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))
        assert "-" not in function  # Zappa finds the function after the rule name's last hyphen
