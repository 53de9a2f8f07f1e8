"""Login limits (accounts/login_limits.py): failures are counted, not attempts, so a stranger cannot lock out the owner.

The address is REMOTE_ADDR (set per request here, as API Gateway's source IP sets it on a stage).
"""

from datetime import timedelta

import pytest

from accounts.login_limits import account_delay

LOGIN = "/api/v1/users/login"
HOME, OFFICE = "198.51.100.1", "198.51.100.2"
GUESSER = "203.0.113.66"
WRITES = ("UpdateItem", "PutItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


@pytest.fixture
def login(api_client, customer):
    def attempt(password, address, email=None):
        body = {"email": email or customer.email, "password": password, "tenant_id": "tenant1"}
        return api_client.post(LOGIN, body, format="json", REMOTE_ADDR=address)

    return attempt


def test_a_strangers_failures_do_not_lock_the_owner_out(login, password):
    codes = [login(f"guess-{n}", GUESSER).status_code for n in range(11)]
    assert codes == [401] * 10 + [429]

    assert login(password, HOME).status_code == 200
    refused = login(password, GUESSER)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 300


def test_a_forwarded_for_header_does_not_change_the_address(login, api_client, customer, password):
    for n in range(10):
        login(f"guess-{n}", GUESSER)
    body = {"email": customer.email, "password": password, "tenant_id": "tenant1"}
    response = api_client.post(LOGIN, body, format="json", REMOTE_ADDR=GUESSER, HTTP_X_FORWARDED_FOR=HOME)
    assert response.status_code == 429


def test_one_success_clears_the_pairs_failures(login, password):
    assert [login(f"typo-{n}", HOME).status_code for n in range(9)] == [401] * 9
    assert login(password, HOME).status_code == 200
    codes = [login(f"typo-{n}", HOME).status_code for n in range(11)]
    assert codes == [401] * 10 + [429]


@pytest.fixture
def account_threshold(settings, clock):
    """Three failures on an account, from anywhere, start the growing delay."""
    settings.LOGIN_THROTTLE_PER_ACCOUNT = (3, 86400)
    settings.LOGIN_THROTTLE_MAX_DELAY = 900
    clock.set(clock.now().replace(microsecond=0))
    return clock


def test_past_the_account_threshold_unknown_addresses_wait_longer_and_longer(login, password, account_threshold):
    assert login(password, HOME).status_code == 200  # the owner's usual address
    for n in range(3):
        assert login(f"guess-{n}", f"203.0.113.{n}").status_code == 401

    assert login("guess-3", "203.0.113.10").status_code == 401  # takes the first slot (1 s)
    first = login("guess-4", "203.0.113.11")
    assert first.status_code == 429
    assert first["Retry-After"] == "1"

    account_threshold.advance(timedelta(seconds=1))
    assert login("guess-5", "203.0.113.12").status_code == 401  # the next slot, now 2 s long
    second = login("guess-6", "203.0.113.13")
    assert second.status_code == 429
    assert second["Retry-After"] == "2"

    # The owner's known address is never delayed; a new one waits like anyone.
    assert login(password, HOME).status_code == 200
    assert login(password, OFFICE).status_code == 429


def test_the_delay_doubles_up_to_its_ceiling(settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = (100, 86400)
    settings.LOGIN_THROTTLE_MAX_DELAY = 900
    assert [account_delay(failures=f) for f in (100, 101, 102, 105)] == [1, 2, 4, 32]
    assert account_delay(failures=110) == 900
    assert account_delay(failures=10**9) == 900


def test_the_account_slot_admits_one_of_many_parallel_guessers(login, password, account_threshold):
    from concurrent.futures import ThreadPoolExecutor

    for n in range(3):
        login(f"guess-{n}", f"203.0.113.{n}")
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda n: login(f"guess-{n}", f"192.0.2.{n}").status_code, range(8)))
    assert sorted(codes) == [401] + [429] * 7


def test_what_a_login_costs(login, password, dynamodb_calls):
    assert login(password, HOME).status_code == 200  # first time from HOME: remembered

    dynamodb_calls.clear()
    assert login(password, HOME).status_code == 200
    assert dynamodb_calls["BatchGetItem"] == 1
    assert not any(dynamodb_calls[op] for op in WRITES)

    dynamodb_calls.clear()
    assert login("wrong", HOME).status_code == 401
    assert dynamodb_calls["BatchGetItem"] == 1
    assert dynamodb_calls["UpdateItem"] == 3

    for n in range(9):
        login(f"wrong-{n}", HOME)
    dynamodb_calls.clear()
    assert login(password, HOME).status_code == 429
    assert dynamodb_calls["BatchGetItem"] == 1
    assert sum(dynamodb_calls.values()) == 1  # a refused login checks no password and writes nothing


def test_an_unknown_email_is_a_counted_failure(login, password):
    codes = [login("whatever", GUESSER, email="nobody@example.com").status_code for _ in range(11)]
    assert codes == [401] * 10 + [429]


def test_the_browser_login_obeys_the_same_limits(login, customer, password):
    from rest_framework.test import APIClient

    for n in range(10):
        login(f"guess-{n}", GUESSER)
    browser = APIClient(enforce_csrf_checks=True)
    browser.get("/api/auth/login/", REMOTE_ADDR=GUESSER)
    response = browser.post(
        "/api/auth/login/",
        {
            "tenant_id": "tenant1",
            "email": customer.email,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
        REMOTE_ADDR=GUESSER,
    )
    assert response.status_code == 429
    assert "Retry-After" in response


def test_requests_without_an_address_share_one_count(login, password):
    codes = [login(f"guess-{n}", "").status_code for n in range(11)]
    assert codes == [401] * 10 + [429]
