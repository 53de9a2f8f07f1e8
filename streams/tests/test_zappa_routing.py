"""`streams/zappa_routing.py` with Zappa's own event lookup (`LambdaHandler.get_function_for_aws_event`)."""

import sys
import types

import pytest
from zappa.handler import LambdaHandler

from streams import zappa_routing

ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/{table}/stream/2026-01-01T00:00:00.000"


@pytest.fixture
def zappa_settings_module(monkeypatch):
    """The settings module `zappa package` generates, with its (stream-free) event map."""
    module = types.ModuleType("zappa_settings")
    module.AWS_EVENT_MAPPING = {"arn:aws:sqs:eu-west-1:123456789012:other": ["other.handler"]}
    monkeypatch.setitem(sys.modules, "zappa_settings", module)
    return module


def zappa_function_for(module, arn: str) -> list[str]:
    handler = types.SimpleNamespace(settings=module)
    return LambdaHandler.get_function_for_aws_event(handler, {"dynamodb": {}, "eventSourceARN": arn})


def test_stream_records_of_streamed_tables_reach_the_entry_point(zappa_settings_module, settings):
    assert zappa_function_for(zappa_settings_module, ARN.format(table="bookstore-test-purchases")) == []

    assert zappa_routing.install() is True
    assert zappa_routing.install() is False  # once

    for table in ("books", "purchases", "reviews"):
        arn = ARN.format(table=f"{settings.DYNAMODB_TABLE_PREFIX}{table}")
        assert zappa_function_for(zappa_settings_module, arn) == ["streams.lambda_entry.handle"]
    assert zappa_function_for(zappa_settings_module, ARN.format(table="bookstore-test-users")) == []
    assert zappa_function_for(zappa_settings_module, ARN.format(table="bookstore-prod-books")) == []
    assert zappa_settings_module.AWS_EVENT_MAPPING.get("arn:aws:sqs:eu-west-1:123456789012:other") == ["other.handler"]


def test_outside_zappa_nothing_is_installed(monkeypatch):
    monkeypatch.delitem(sys.modules, "zappa_settings", raising=False)
    assert zappa_routing.install() is False
