"""The request log (bookstore/request_context.py): the tenant a view resolved reaches the log line."""

import logging

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def request_log_records():
    """The records the request log middleware (on in every environment) writes."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("bookstore.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)


def test_an_anonymous_read_is_logged_with_the_tenant_it_named(request_log_records, tenant, book):
    response = APIClient().get("/api/v1/books", HTTP_X_TENANT_ID=tenant.tenant_id)
    assert response.status_code == 200
    (record,) = request_log_records
    assert (record.tenant, record.user, record.status) == (tenant.tenant_id, None, 200)


def test_a_request_refused_before_a_tenant_is_resolved_is_logged_without_one(request_log_records):
    response = APIClient().get("/api/v1/books", HTTP_X_TENANT_ID="no-such-shop")
    assert response.status_code == 404
    (record,) = request_log_records
    assert (record.tenant, record.status) == (None, 404)
