"""Forged JWTs are refused with 401 (accounts/tokens.py, bookstore/authentication.py, bookstore/tenancy.py).

test_auth_flow.py covers a tampered signature, an expired token, a refresh token sent as
an access token and a revoked refresh; these are the algorithm-confusion forgeries and
the tokens whose tenant is gone. Each forgery copies the claims of a real token, so only
the forgery itself can be the reason it is refused.
"""

import base64
import hashlib
import hmac
import json

import pytest
from django.conf import settings

PROFILE = "/api/v1/users/profile"
REFRESH = "/api/v1/users/token/refresh"
PUBLIC_LOOKING_KEY = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexampleexampleexampleexample\n"
    "-----END PUBLIC KEY-----\n"
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(claims: dict, *, alg: str, key: str | None) -> str:
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = _b64(hmac.new(key.encode(), signing_input, hashlib.sha256).digest()) if key is not None else ""
    return f"{header}.{payload}.{signature}"


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def real_claims(customer):
    from accounts.tokens import tokens_for_user

    return _claims(tokens_for_user(customer)["access"])


@pytest.mark.parametrize(
    ("alg", "key"),
    [
        pytest.param("none", None, id="alg-none"),
        pytest.param("HS256", PUBLIC_LOOKING_KEY, id="hs256-with-a-public-looking-key"),
        pytest.param("HS256", "", id="hs256-with-an-empty-key"),
        pytest.param("RS256", "signing-key", id="rs256-header-hmac-signed-with-our-key"),
        pytest.param("HS512", "signing-key", id="hs512-with-our-key"),
    ],
)
def test_wrong_algorithm_tokens_are_401(api_client, real_claims, alg, key):
    key = settings.SIMPLE_JWT["SIGNING_KEY"] if key == "signing-key" else key
    forged = _forge({**real_claims, "role": "admin"}, alg=alg, key=key)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    response = api_client.get(PROFILE)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert api_client.post(REFRESH, {"refresh": forged}, format="json").status_code == 401


def test_the_real_claims_signed_the_real_way_are_accepted(api_client, real_claims):
    # The control: the forging code is right, so the refusals above are the algorithm's.
    token = _forge(real_claims, alg="HS256", key=settings.SIMPLE_JWT["SIGNING_KEY"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get(PROFILE).status_code == 200


def test_a_token_of_a_deleted_tenant_is_401(customer, tenant, client_for, api_client):
    from accounts.tokens import tokens_for_user

    client = client_for(customer)
    refresh = tokens_for_user(customer)["refresh"]
    tenant.delete()
    response = client.get(PROFILE)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert client.get("/api/v1/cart").status_code == 401
    assert api_client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


def test_a_token_naming_another_tenant_in_its_claims_only_is_401(api_client, real_claims, other_tenant):
    forged = _forge({**real_claims, "tenant_id": other_tenant.tenant_id}, alg="HS256", key="not-our-key")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert api_client.get(PROFILE, HTTP_X_TENANT_ID=other_tenant.tenant_id).status_code == 401
