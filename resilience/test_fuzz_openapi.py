"""Fuzzing with schemathesis over the project's own OpenAPI schema, as a customer and as an admin.

Every operation in the schema (so every endpoint added later too) gets generated valid
and invalid requests, each sent with a customer's token and with an admin's token of the
same tenant, in process through the WSGI app against the session emulator. Zero 5xx, and
every documented response conforms to its schema and content type.

Valid requests come from the examples phase and the fuzzing phase. The coverage phase makes
the invalid ones only (each constraint broken in turn): its valid cases enumerate every enum
value, and a book's or a profile's `language` (ISO 639, about 180 codes) alone made 7,000 of
the 13,600 requests.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 5
CASES: Counter[str] = Counter()


# Loaded at collection (pytest-django has set Django up by then); the app serves its own schema.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"generation": {"mode": "negative"}}}}),
)


@pytest.fixture
def fuzz_tokens(customer, admin, book, placed_order, cart_with):
    """Headers of a customer and of an admin of tenant1, whose shop has a book, a cart and an order."""
    from accounts.tokens import tokens_for_user

    placed_order(customer, book)
    cart_with(customer, book, 1)
    return [
        {"Authorization": f"Bearer {tokens_for_user(user)['access']}", "X-Tenant-ID": user.tenant_id}
        for user in (customer, admin)
    ]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_5xx_and_responses_conform(case, fuzz_tokens):
    for headers in fuzz_tokens:
        CASES[case.operation.label] += 1
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )
