"""The production settings (bookstore/settings/production.py) and their secrets (bookstore/secret_store.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from bookstore.secret_store import secrets_load

ELASTIC_CLOUD = "https://bookstore-test.es.eu-west-1.aws.elastic-cloud.com"
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
    env = production_env("test", DJANGO_SECRET_KEY="from-the-environment", DJANGO_ALLOWED_HOSTS="api.example.org")
    code = SHOW.format(secret=values["DJANGO_SECRET_KEY"], jwt=values["JWT_SIGNING_KEY"])
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    region = env["AWS_REGION"]
    assert result.stdout.strip().splitlines()[-1] == (
        f"True True ['api-test.bookstore.example.com', '.execute-api.{region}.amazonaws.com', 'api.example.org'] "
        "31536000"
    )


HOSTS = (
    "from django.http import HttpRequest\n"
    "from django.core.exceptions import DisallowedHost\n"
    "for host in {hosts!r}:\n"
    "    request = HttpRequest(); request.META = {{'HTTP_HOST': host, 'SERVER_PORT': '443'}}\n"
    "    try:\n"
    "        request.get_host(); print(host, 'served')\n"
    "    except DisallowedHost:\n"
    "        print(host, 'refused')\n"
)


def test_a_fresh_stage_answers_on_its_execute_api_host(stage_secrets, production_env, manage):
    """Before a domain is bound, API Gateway's host (`{api_id}.execute-api.{region}.amazonaws.com`) is served."""
    stage_secrets("test", region="eu-west-1")
    env = production_env("test", AWS_REGION="eu-west-1")
    hosts = [
        "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
        "api-test.bookstore.example.com",
        "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",  # another region: not this stage's API
        "execute-api.eu-west-1.amazonaws.com.evil.example",
        "evil.example",
    ]
    result = manage("shell", "-c", HOSTS.format(hosts=hosts), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-5:] == [
        f"{hosts[0]} served",
        f"{hosts[1]} served",
        f"{hosts[2]} refused",
        f"{hosts[3]} refused",
        f"{hosts[4]} refused",
    ]


def test_production_reads_the_search_api_key_from_ssm(stage_secrets, production_env, manage):
    values = stage_secrets("test")
    code = "from django.conf import settings as s; print(s.ELASTICSEARCH_URL, s.ELASTICSEARCH_API_KEY)"
    result = manage("shell", "-c", code, env=production_env("test", ELASTICSEARCH_URL=ELASTIC_CLOUD))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{ELASTIC_CLOUD} {values['ELASTICSEARCH_API_KEY']}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"BOOKSTORE_DOMAIN": ""}, "BOOKSTORE_DOMAIN"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "`*` is refused"),
        ({"SECRETS_SSM_PREFIX": "/bookstore/nowhere/"}, "/bookstore/nowhere/DJANGO_SECRET_KEY"),
        # A cluster off loopback needs its API key in SSM, and TLS.
        ({"ELASTICSEARCH_URL": ELASTIC_CLOUD}, "/bookstore/test/ELASTICSEARCH_API_KEY"),
        ({"ELASTICSEARCH_URLS": '{"big": "https://big.example.com"}'}, "/bookstore/test/ELASTICSEARCH_API_KEY"),
        ({"ELASTICSEARCH_URL": "http://search.example.com:9200"}, "must use https:// off loopback"),
    ],
)
def test_production_refuses_to_start_misconfigured(stage_secrets, production_env, manage, overrides, message):
    stage_secrets("test", search_key=False)
    result = manage("check", env=production_env("test", **overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_names_the_stages_resources_after_its_stage(stage_secrets, production_env, manage):
    stage_secrets("prod")
    env = production_env("prod")
    del env["DYNAMODB_TABLE_PREFIX"]  # derived from the stage, as the names below are
    code = (
        "from django.conf import settings as s; print(s.DYNAMODB_TABLE_PREFIX, s.ANALYTICS_BUCKET, "
        "s.STORAGES['analytics']['OPTIONS']['bucket_name'], s.ANALYTICS_GLUE_DATABASE, s.ANALYTICS_ATHENA_WORKGROUP, "
        "s.ANALYTICS_ATHENA_RESULTS_LOCATION, s.STREAMS_FUNCTION_NAME, s.STREAMS_FAILURE_QUEUE, s.SECRETS_SSM_PREFIX)"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "bookstore-prod-",
        "bookstore-analytics-prod",
        "bookstore-analytics-prod",
        "bookstore_prod",
        "bookstore-prod",
        "s3://bookstore-analytics-prod/_athena-results/",
        "bookstore-prod",
        "bookstore-prod-stream-failures",
        "/bookstore/prod/",
    ]


SIGNED_WITH = """
import json
from django.conf import settings as s
from django.core.files.storage import storages
from bookstore.aws import client, client_build
from bookstore.dynamodb.base import connection
from bookstore.dynamodb.registry import registered_models

def signed_with(aws_client):
    credentials = aws_client._request_signer._credentials.get_frozen_credentials()
    return [credentials.access_key, credentials.token]

sent = []
def record(request, **kwargs):  # observes the header each request carries, changes nothing
    token = request.headers.get("X-Amz-Security-Token")
    sent.append(token.decode() if isinstance(token, bytes) else token)

sqs, dynamodb = client("sqs"), connection().client
for aws_client in (sqs, dynamodb):
    aws_client.meta.events.register("before-send", record)
sqs.list_queues()
dynamodb.list_tables(Limit=1)
print(json.dumps({
    "settings": [s.AWS_ACCESS_KEY_ID, s.AWS_SECRET_ACCESS_KEY],
    "factory": signed_with(sqs),
    "secrets": signed_with(client_build("ssm", region_name=s.AWS_REGION)),
    "pynamodb": signed_with(dynamodb),
    "model": signed_with(next(registered_models())._get_connection().connection.client),
    "lake": signed_with(storages["analytics"].connection.meta.client),
    "sent": sent,
}))
"""


def test_on_lambda_every_client_signs_with_the_roles_key_and_session_token(stage_secrets, production_env, manage):
    """Lambda's environment holds the role's temporary key, secret and token: each client must send all three."""
    import json

    from django.conf import settings

    stage_secrets("test")
    role = {"AWS_ACCESS_KEY_ID": "ASIAROLEKEYOFTHESTAGE", "AWS_SECRET_ACCESS_KEY": "role-secret"}
    env = production_env(
        "test", **role, AWS_SESSION_TOKEN="role-session-token", AWS_ENDPOINT_URL=settings.AWS_ENDPOINT_URL
    )
    result = manage("shell", "-c", SIGNED_WITH, env=env)
    assert result.returncode == 0, result.stderr
    signed = json.loads(result.stdout.strip().splitlines()[-1])

    role_signed = ["ASIAROLEKEYOFTHESTAGE", "role-session-token"]
    assert signed == {
        "settings": [None, None],  # no keys in the settings: botocore's default chain answers
        **dict.fromkeys(["factory", "secrets", "pynamodb", "model", "lake"], role_signed),
        "sent": ["role-session-token", "role-session-token"],
    }


# --- SSM throttling, injected with a botocore `before-send` hook --------------------------


def _throttle(times: int):
    """A `before-send` hook answering the first `times` GetParameters with SSM's ThrottlingException."""
    from botocore.awsrequest import AWSResponse

    sent = {"throttled": 0, "sent": 0}

    def hook(request, **kwargs):
        sent["sent"] += 1
        if sent["throttled"] >= times:
            return None  # let the request through to the emulator
        sent["throttled"] += 1
        body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "throttled"}
        return AWSResponse(request.url, 400, headers, _Raw(body))

    return hook, sent


class _Raw:
    """The raw stream an AWSResponse reads its body from."""

    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


@pytest.fixture
def ssm_for_secrets(stage_secrets, monkeypatch, settings):
    """The secrets' own SSM client (bookstore.secret_store.ssm_client), pointed at the emulator's SSM."""
    from bookstore.secret_store import ssm_client

    stage_secrets("test")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", settings.AWS_ENDPOINT_URL)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", settings.AWS_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", settings.AWS_SECRET_ACCESS_KEY)
    return ssm_client(region=settings.AWS_REGION)


def test_throttling_is_ridden_out_with_backoff(ssm_for_secrets, settings, caplog):
    hook, sent = _throttle(times=4)
    ssm_for_secrets.meta.events.register("before-send.ssm.GetParameters", hook)
    loaded = secrets_load(
        prefix="/bookstore/test/",
        names=["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"],
        region=settings.AWS_REGION,
        client=ssm_for_secrets,
        base_seconds=0.01,
    )
    assert set(loaded) == {"DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"}
    assert sent == {"throttled": 4, "sent": 5}  # botocore itself made one attempt per call: our loop retried
    assert not [r for r in caplog.records if r.levelno >= 30]


def test_throttling_past_the_retries_fails_with_one_clear_log_line(ssm_for_secrets, settings, caplog):
    from bookstore.secret_store import THROTTLE_ATTEMPTS

    hook, sent = _throttle(times=1000)
    ssm_for_secrets.meta.events.register("before-send.ssm.GetParameters", hook)
    with pytest.raises(ImproperlyConfigured, match="throttled"):
        secrets_load(
            prefix="/bookstore/test/",
            names=["DJANGO_SECRET_KEY"],
            region=settings.AWS_REGION,
            client=ssm_for_secrets,
            base_seconds=0.001,
        )
    assert sent["sent"] == THROTTLE_ATTEMPTS
    lines = [r for r in caplog.records if r.levelno >= 30]
    assert len(lines) == 1
    assert lines[0].name == "bookstore.secret_store"
    assert lines[0].getMessage().startswith(f"SSM GetParameters was throttled {THROTTLE_ATTEMPTS} times")
    assert "\n" not in lines[0].getMessage()
