"""The SSRF guard at registration (webhooks/addresses.py through the admin API); production refuses loopback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

WEBHOOKS = "/api/v1/admin/webhooks"
EVENTS = ["order.created"]
PUBLIC = "93.184.215.14"  # a global unicast address; never connected to here
ROOT = Path(__file__).resolve().parents[2]


def register(client, url: str):
    return client.post(WEBHOOKS, {"url": url, "events": EVENTS}, format="json")


def assert_refused(response, because: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "webhook_url_refused"
    assert because in error["message"]
    assert error["details"]["url"] == [error["message"]]


@pytest.mark.parametrize(
    ("url", "because"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("http://[::1]/", "loopback"),
        ("http://127.0.0.1:8000/", "loopback"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://100.64.0.1/", "not a public unicast address"),
        ("http://[fd00::1]/", "private"),
    ],
)
def test_registration_refuses_internal_addresses(admin_client, settings, url, because):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    assert_refused(register(admin_client, url), because)
    assert admin_client.get(WEBHOOKS).json()["results"] == []


@pytest.mark.parametrize("address", ["169.254.169.254", "10.0.0.1", "::1"])
def test_a_name_that_resolves_to_an_internal_address_is_refused(admin_client, settings, resolver_names, address):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    resolver_names["hooks.shop.example"] = [PUBLIC, address]  # one bad address refuses the name
    assert_refused(register(admin_client, "http://hooks.shop.example/in"), address)
    assert admin_client.get(WEBHOOKS).json()["results"] == []


def test_the_reason_is_in_the_callers_language(admin_client, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    response = admin_client.post(
        WEBHOOKS, {"url": "http://10.0.0.1/", "events": EVENTS}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.json()["error"]["code"] == "webhook_url_refused"
    assert response.json()["error"]["message"] == (
        "No se puede llamar a la URL: 10.0.0.1 se resuelve a 10.0.0.1, y es una dirección privada."
    )


def test_a_public_name_is_accepted_and_an_unknown_one_refused(admin_client, resolver_names):
    resolver_names["hooks.shop.example"] = [PUBLIC]
    assert register(admin_client, "http://hooks.shop.example/in").status_code == 201
    assert_refused(register(admin_client, "http://nowhere.shop.example/"), "does not resolve")


def test_a_changed_url_is_checked_too(admin_client, settings, resolver_names):
    resolver_names["hooks.shop.example"] = [PUBLIC]
    created = register(admin_client, "http://hooks.shop.example/in").json()
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    resolver_names["rebound.shop.example"] = ["169.254.169.254"]
    url = f"{WEBHOOKS}/{created['webhook_id']}"
    assert_refused(admin_client.patch(url, {"url": "http://rebound.shop.example/"}, format="json"), "link-local")
    assert admin_client.get(url).json()["url"] == "http://hooks.shop.example/in"


def test_only_https_where_it_is_required(admin_client, settings, resolver_names):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    resolver_names["hooks.shop.example"] = [PUBLIC]
    assert_refused(register(admin_client, "http://hooks.shop.example/in"), "https://")
    assert register(admin_client, "https://hooks.shop.example/in").status_code == 201


SHOW = "from django.conf import settings as s; print(s.WEBHOOKS_REQUIRE_HTTPS, s.WEBHOOKS_ALLOW_LOOPBACK)"


@pytest.fixture
def production(settings):
    """`production(**env)`: run manage.py under the production settings of a stage whose secrets are in SSM."""
    import boto3

    stage = "webhookstest"
    ssm = boto3.client(
        "ssm",
        endpoint_url=settings.AWS_ENDPOINT_URL,
        region_name=settings.AWS_REGION,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )
    names = {"DJANGO_SECRET_KEY": "k" * 60, "JWT_SIGNING_KEY": "j" * 60}
    for name, value in names.items():
        ssm.put_parameter(Name=f"/bookstore/{stage}/{name}", Value=value, Type="SecureString", Overwrite=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BOOKSTORE_", "AWS_", "WEBHOOKS_"))}
    base.update(
        DJANGO_SETTINGS_MODULE="bookstore.settings.production",
        BOOKSTORE_STAGE=stage,
        BOOKSTORE_DOMAIN=f"api-{stage}.bookstore.example.com",
        AWS_REGION=settings.AWS_REGION,
        AWS_ACCESS_KEY_ID=settings.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=settings.AWS_SECRET_ACCESS_KEY,
        AWS_ENDPOINT_URL_SSM=settings.AWS_ENDPOINT_URL,
    )

    def run(**env: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "shell", "-c", SHOW]
        return subprocess.run(command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)

    yield run
    for name in names:
        ssm.delete_parameter(Name=f"/bookstore/{stage}/{name}")


def test_production_settings_require_https_and_refuse_to_start_with_loopback_allowed(production):
    started = production()
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == "True False"
    refused = production(WEBHOOKS_ALLOW_LOOPBACK="true")
    assert refused.returncode != 0
    assert "WEBHOOKS_ALLOW_LOOPBACK is for local use and tests" in refused.stderr
