"""Login limits: failed logins, counted in DynamoDB per (account, address), per address and per account.

Failures are counted, never attempts (a failure is a wrong password, or an email or tenant
that does not exist), so a stranger's guesses cannot spend the owner's logins:

- per (account, address): after LOGIN_THROTTLE_PER_PAIR failures (10 per 5 minutes) that
  address gets `429 throttled` for that account until the window ends. One successful login
  from the address clears its failures.
- per address: after LOGIN_THROTTLE_PER_IP failures (100 per 5 minutes), whatever the
  accounts, the address gets 429 for every login (a password spray).
- per account: past LOGIN_THROTTLE_PER_ACCOUNT failures (100 per day) from all addresses
  together, an address the account has not logged in from gets one attempt per slot, and each
  further failure doubles the slot (1 s, 2 s, 4 s... up to LOGIN_THROTTLE_MAX_DELAY); the
  429's Retry-After says when the next slot is free. Addresses the account logged in from
  within LOGIN_KNOWN_ADDRESS_DAYS are not delayed: a guesser spread over many addresses is
  slowed to a trickle without locking the owner out of the places they use.

The account is `{tenant}#{email}` normalised as login compares them; the address is
`bookstore.ratelimit.client_address` (REMOTE_ADDR: API Gateway's source IP on a stage, never
X-Forwarded-For). Each counter is an item of the rate_limits table with a TTL.

Call budget: `login_admit` is one BatchGetItem (a 429 costs nothing more), plus one conditional
UpdateItem that claims the slot when the account is past its threshold and the address is not
known. Then a failure is three UpdateItems (`ADD hits 1` on each counter); a success writes
nothing when the pair had no failures and the address is known, else a DeleteItem (the pair's
failures) and a PutItem (the address becomes known).

The counters are read before the password is checked and written after it, so guesses sent at
the same instant from one address can all be checked before any is counted: the per-pair and
per-address limits can be passed by the number of requests in flight at once (each still pays
a bcrypt check). The account-wide slot is claimed with a condition, so it holds exactly.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from pynamodb.exceptions import UpdateError

from accounts.emails import normalize_email
from bookstore.dynamodb.clock import now
from bookstore.dynamodb.conditions import is_condition_failure
from bookstore.models import RateLimitCounter
from bookstore.ratelimit import Window, counter_add, counter_key, current_window, throttled
from bookstore.tenants import normalize_tenant_id

PAIR_SCOPE = "login-pair"
ADDRESS_SCOPE = "login-ip"
ACCOUNT_SCOPE = "login-account"
KNOWN_SCOPE = "login-known"
# 2 ** 30 s is decades: any delay setting is reached long before the exponent matters.
MAX_DELAY_EXPONENT = 30


@dataclass(frozen=True)
class LoginCounter:
    """One counter of a login attempt: its key, its window and the failures it held when read."""

    key: str
    window: Window
    failures: int


@dataclass(frozen=True)
class LoginAttempt:
    """A login the limits admitted: what `login_failed` and `login_succeeded` write to."""

    pair: LoginCounter
    address: LoginCounter
    account: LoginCounter
    known_key: str
    known: bool


def _counter(scope: str, subject: str, window_seconds: int, items: dict) -> LoginCounter:
    window = current_window(window_seconds)
    key = counter_key(scope=scope, subject=subject, window=window)
    item = items.get(key)
    return LoginCounter(key=key, window=window, failures=int(item.hits) if item else 0)


def _still_valid(item: RateLimitCounter | None) -> bool:
    # DynamoDB's TTL deletes late, so an item is trusted only until its own expiry.
    return item is not None and item.expires_at is not None and item.expires_at > now()


def account_delay(*, failures: int) -> int:
    """Seconds between attempts on an account past its threshold: doubles with each further failure."""
    threshold, _ = settings.LOGIN_THROTTLE_PER_ACCOUNT
    exponent = min(max(0, failures - threshold), MAX_DELAY_EXPONENT)
    return min(settings.LOGIN_THROTTLE_MAX_DELAY, 2**exponent)


def _claim_account_slot(account: LoginCounter, item: RateLimitCounter) -> None:
    """Take the account's next attempt slot (one conditional UpdateItem), or raise 429 until it is free."""
    moment = account.window.moment
    delay = account_delay(failures=account.failures)
    slot = RateLimitCounter(account.key)
    try:
        slot.update(
            actions=[RateLimitCounter.next_attempt_at.set(moment + delay)],
            condition=RateLimitCounter.next_attempt_at.does_not_exist() | (RateLimitCounter.next_attempt_at <= moment),
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
        taken_until = int(item.next_attempt_at or 0)
        raise throttled(taken_until - moment if taken_until > moment else delay) from exc


def login_admit(*, tenant_id: str, email: str, address: str) -> LoginAttempt:
    """Admit a login attempt of `email` in `tenant_id` from `address`, or raise `429 throttled` with Retry-After."""
    account = f"{normalize_tenant_id(tenant_id)}#{normalize_email(email)}"
    pair_limit, pair_seconds = settings.LOGIN_THROTTLE_PER_PAIR
    address_limit, address_seconds = settings.LOGIN_THROTTLE_PER_IP
    account_limit, account_seconds = settings.LOGIN_THROTTLE_PER_ACCOUNT
    keys = {
        counter_key(scope=PAIR_SCOPE, subject=f"{account}#{address}", window=current_window(pair_seconds)),
        counter_key(scope=ADDRESS_SCOPE, subject=address, window=current_window(address_seconds)),
        counter_key(scope=ACCOUNT_SCOPE, subject=account, window=current_window(account_seconds)),
        known_key := counter_key(scope=KNOWN_SCOPE, subject=f"{account}#{address}"),
    }
    items = {item.key: item for item in RateLimitCounter.batch_get(list(keys), consistent_read=True)}
    attempt = LoginAttempt(
        pair=_counter(PAIR_SCOPE, f"{account}#{address}", pair_seconds, items),
        address=_counter(ADDRESS_SCOPE, address, address_seconds, items),
        account=_counter(ACCOUNT_SCOPE, account, account_seconds, items),
        known_key=known_key,
        known=_still_valid(items.get(known_key)),
    )
    if attempt.address.failures >= address_limit:
        raise throttled(attempt.address.window.remaining)
    if attempt.pair.failures >= pair_limit:
        raise throttled(attempt.pair.window.remaining)
    if attempt.account.failures >= account_limit and not attempt.known:
        _claim_account_slot(attempt.account, items[attempt.account.key])
    return attempt


def login_failed(attempt: LoginAttempt) -> None:
    """Count a failed login on its three counters (three atomic UpdateItems)."""
    for counter in (attempt.pair, attempt.address, attempt.account):
        counter_add(key=counter.key, expires_at=counter.window.end)


def login_succeeded(attempt: LoginAttempt) -> None:
    """Clear the pair's failures and remember the address for the account (each write only when needed)."""
    if attempt.pair.failures:
        RateLimitCounter(attempt.pair.key).delete()
    if not attempt.known:
        expires_at = now() + timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
        RateLimitCounter(attempt.known_key, expires_at=expires_at).save()
