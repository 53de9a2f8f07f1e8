"""The production settings (bookstore/settings/production.py) and their secrets (bookstore/secret_store.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from bookstore.secret_store import secrets_load

SHOW = (
    "from django.conf import settings as s; "
    "print(s.SECRET_KEY == {secret!r}, s.SIMPLE_JWT['SIGNING_KEY'] == {jwt!r}, s.ALLOWED_HOSTS, s.SECURE_HSTS_SECONDS)"
)


def test_secrets_are_read_from_ssm_securestring(stage_secrets, monkeypatch, settings):
    values = stage_secrets("test")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", settings.AWS_ENDPOINT_URL)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", settings.AWS_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", settings.AWS_SECRET_ACCESS_KEY)
    loaded = secrets_load(prefix="/bookstore/test/", names=list(values), region=settings.AWS_REGION)
    assert loaded == values


def test_a_missing_secret_is_named(stage_secrets, monkeypatch, settings):
    stage_secrets("test")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", settings.AWS_ENDPOINT_URL)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", settings.AWS_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", settings.AWS_SECRET_ACCESS_KEY)
    with pytest.raises(ImproperlyConfigured, match="/bookstore/test/NOT_THERE"):
        secrets_load(prefix="/bookstore/test", names=["DJANGO_SECRET_KEY", "NOT_THERE"], region=settings.AWS_REGION)


def test_check_deploy_is_clean_with_the_production_settings(stage_secrets, production_env, manage):
    stage_secrets("test")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env("test"))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_takes_secrets_from_ssm_and_hosts_from_the_stage_domain(stage_secrets, production_env, manage):
    values = stage_secrets("test")
    api_host = "abc123.execute-api.eu-west-1.amazonaws.com"
    env = production_env("test", DJANGO_SECRET_KEY="from-the-environment", DJANGO_ALLOWED_HOSTS=api_host)
    code = SHOW.format(secret=values["DJANGO_SECRET_KEY"], jwt=values["JWT_SIGNING_KEY"])
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "True True ['api-test.bookstore.example.com', 'abc123.execute-api.eu-west-1.amazonaws.com'] 31536000"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"BOOKSTORE_DOMAIN": ""}, "BOOKSTORE_DOMAIN"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "`*` is refused"),
        ({"SECRETS_SSM_PREFIX": "/bookstore/nowhere/"}, "/bookstore/nowhere/DJANGO_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_misconfigured(stage_secrets, production_env, manage, overrides, message):
    stage_secrets("test")
    result = manage("check", env=production_env("test", **overrides))
    assert result.returncode != 0
    assert message in result.stderr
