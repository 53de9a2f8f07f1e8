"""The role policy proven by the calls (deploy/policy_check.py): a representative scenario, recorded, evaluated.

The scenario runs the application in this process against the emulator, with the data lake
in the stage's S3 bucket and the reports on Athena, as on a stage: register, login, a listing,
the books stream into search, a search, a cart, a checkout, the purchases list, the purchases
stream into the lake, the counters and the outbound queue, the order's email sent through SES,
an admin report, both schedules and the failure-queue collector. Every AWS call is recorded by
a botocore hook and evaluated against the test
stage's rendered policy. Removing any one action the scenario uses makes the evaluation fail.
"""

import json
import uuid
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import override_settings

from bookstore import scheduled
from bookstore.aws import client
from deploy.iam import iam_policy
from deploy.policy_check import NOT_MADE_BY_THE_CODE, Request, allowed, evaluate, granted_actions
from testing.aws_calls import recorded_aws_calls
from testing.factories import ADDRESS

ACCOUNT = "123456789012"


class LambdaContext(SimpleNamespace):
    """Lambda's context object: the schedule reads its remaining time."""

    def get_remaining_time_in_millis(self) -> int:
        return 25_000


@pytest.fixture
def stage_lake(settings):
    """The lake in the stage's own bucket on the emulator's S3, and the reports on Athena."""
    from analytics.catalog import analytics_catalog_setup
    from streams.wiring import failure_queue_arn

    s3 = client("s3")
    try:
        s3.head_bucket(Bucket=settings.ANALYTICS_BUCKET)
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=settings.ANALYTICS_BUCKET)
    analytics_catalog_setup()
    failure_queue_arn()  # as `deploy.provision` leaves the stage
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": settings.ANALYTICS_BUCKET,
            "endpoint_url": settings.AWS_ENDPOINT_URL,
            "access_key": settings.AWS_ACCESS_KEY_ID,
            "secret_key": settings.AWS_SECRET_ACCESS_KEY,
            "region_name": settings.AWS_REGION,
            "file_overwrite": True,
        },
    }
    with override_settings(
        STORAGES={**settings.STORAGES, "analytics": storage},
        ANALYTICS_QUERY_RUNNER="analytics.runners.athena.AthenaRunner",
    ):
        yield
    bucket = settings.ANALYTICS_BUCKET  # other tests create and delete the stage's bucket themselves
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


def _a_batch_lambda_gave_up_on(settings) -> None:
    """The message Lambda sends to the failure queue for a stream batch (AWS documentation's shape)."""
    from streams.sources import stream_arn

    arn = stream_arn("books")
    shard = client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    first = shard["SequenceNumberRange"]["StartingSequenceNumber"]
    sqs = client("sqs")
    queue = sqs.get_queue_url(QueueName=settings.STREAMS_FAILURE_QUEUE)["QueueUrl"]
    batch = {"shardId": shard["ShardId"], "startSequenceNumber": first, "endSequenceNumber": first, "batchSize": 1}
    batch["streamArn"] = arn
    message = {
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 4},
        "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
        "version": "1.0",
        "DDBStreamBatchInfo": batch,
    }
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(message))


@pytest.fixture
def scenario_calls(
    stage_lake, tenant, admin_client, api_client, consume_streams, outbound_queue, clock, password, settings
):
    """Every AWS call of the scenario, in order."""
    headers = {"HTTP_X_TENANT_ID": tenant.tenant_id}
    _a_batch_lambda_gave_up_on(settings)
    # Emails go through SES from the test stage's sender, whose domain the deploy guide verifies.
    settings.EMAIL_BACKEND = "emails.backends.SESEmailBackend"
    settings.DEFAULT_FROM_EMAIL = "orders@test.bookstore.example.com"
    client("ses").verify_domain_identity(Domain="test.bookstore.example.com")
    with recorded_aws_calls() as calls:
        book = admin_client.post(
            "/api/v1/books",
            {"title": "Rayuela", "author": "Julio Cortázar", "category": "Fiction", "price": "15.00",
             "stock_quantity": 5, "language": "es", "isbn": "9788437604572"},
            format="json",
        )  # fmt: skip
        assert book.status_code == 201, book.content
        book_id = book.json()["book_id"]
        restocked = admin_client.patch(
            f"/api/v1/books/{book_id}", {"stock_quantity": 6, "version": book.json()["version"]}, format="json"
        )
        assert restocked.status_code == 200, restocked.content  # a stock change checks the book's version
        registered = api_client.post(
            "/api/v1/users/register",
            {"email": "reader@example.com", "password": password, "first_name": "Ana", "last_name": "Ruiz",
             "tenant_id": tenant.tenant_id},
            format="json",
        )  # fmt: skip
        assert registered.status_code == 201, registered.content
        login = api_client.post(
            "/api/v1/users/login",
            {"email": "reader@example.com", "password": password, "tenant_id": tenant.tenant_id},
            format="json",
        )
        assert login.status_code == 200
        assert api_client.get("/api/v1/books", **headers).status_code == 200
        consume_streams("--tables", "books")
        assert api_client.get("/api/v1/books/search", {"q": "rayuela"}, **headers).status_code == 200
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
        assert api_client.post("/api/v1/cart/add", {"book_id": book_id, "quantity": 1}, format="json").status_code in (
            200,
            201,
        )
        assert api_client.get("/api/v1/cart").status_code == 200
        checkout = api_client.post(
            "/api/v1/purchases/checkout",
            {"payment_method": "card", "shipping_address": ADDRESS},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert checkout.status_code == 201, checkout.content
        assert api_client.get("/api/v1/purchases").status_code == 200
        consume_streams("--tables", "purchases")
        assert outbound_queue.drain().handled == 1  # the order's confirmation, sent through SES
        report = admin_client.get("/api/v1/analytics/top-books", {"start": "2020-01-01", "end": "2030-01-01"})
        assert report.status_code == 200, report.content
        clock.advance(timedelta(days=1))  # the nightly run builds yesterday: the day of the checkout
        scheduled.build_daily_summary({}, LambdaContext())
        scheduled.expire_pending_orders({}, LambdaContext())
        call_command("parked_records", "collect", stdout=StringIO())
    return calls


def test_no_call_is_denied_every_grant_is_used_or_explained_and_each_used_grant_is_needed(scenario_calls, settings):
    policy = iam_policy(stage="test", account_id=ACCOUNT, region=settings.AWS_REGION)
    report = evaluate(scenario_calls, policy)  # ARNs in the region and account the policy names

    assert report.unmapped == []
    assert report.wrong_resource_type == []
    assert report.unknown_actions == []
    assert report.denied == []
    assert report.unused == []
    made = {r.action for r in report.requests}
    assert {"dynamodb:TransactWriteItems"} & made == set()  # authorized per item, as AWS does
    assert {
        "dynamodb:Query",
        "dynamodb:PutItem",
        "s3:PutObject",
        "s3:DeleteObject",
        "athena:StartQueryExecution",
        "sqs:SendMessage",
        "ses:SendEmail",
    } <= made
    # The grants the Lambda-shaped run does not make: this scenario makes them (see its MADE_IN_PROCESS_ONLY).
    assert {"sqs:DeleteMessage"} <= made
    # An explained action the code does make should leave the list. Two exceptions: the stream reads here
    # are the local poller's, which stands in for the event source mapping, and PynamoDB's DescribeTable
    # happens only in a process that has not yet used the table.
    tolerated = {"dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords", "dynamodb:ListStreams"}
    assert made & set(NOT_MADE_BY_THE_CODE) <= tolerated | {"dynamodb:DescribeTable"}

    # Removing any one action the scenario uses denies exactly that action's requests.
    for action in sorted(made):
        narrowed = {
            **policy,
            "Statement": [{**s, "Action": [a for a in s["Action"] if a != action]} for s in policy["Statement"]],
        }
        narrowed_report = evaluate(scenario_calls, narrowed, region=settings.AWS_REGION, account_id=ACCOUNT)
        assert {r.action for r in narrowed_report.denied} == {action}, action
        assert not narrowed_report.ok


def test_a_grant_nobody_uses_is_reported(settings):
    policy = iam_policy(stage="test", account_id=ACCOUNT, region=settings.AWS_REGION)
    policy["Statement"].append(
        {"Effect": "Allow", "Action": ["dynamodb:CreateTable"], "Resource": "arn:aws:dynamodb:*:*:table/*"}
    )
    report = evaluate([], policy, region=settings.AWS_REGION, account_id=ACCOUNT)
    assert "dynamodb:CreateTable" in report.unused
    assert not report.ok


def test_iam_semantics_deny_wins_conditions_hold_and_typos_are_caught():
    table = "arn:aws:dynamodb:eu-west-1:123456789012:table/bookstore-dev-books"
    request = Request(action="dynamodb:GetItem", resource=table, operation="GetItem")
    allow = {"Effect": "Allow", "Action": "dynamodb:getitem", "Resource": "arn:aws:dynamodb:*:*:table/bookstore-dev-*"}
    assert allowed({"Statement": [allow]}, request)
    deny = {"Effect": "Deny", "Action": "dynamodb:*", "Resource": table}
    assert not allowed({"Statement": [allow, deny]}, request)
    conditional = {**allow, "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}
    assert not allowed({"Statement": [conditional]}, request)  # a key the request does not carry never matches
    assert not allowed({"Statement": [allow]}, Request("dynamodb:GetItem", table.replace("dev", "prod"), "GetItem"))

    typo = {"Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItems"], "Resource": table}]}
    assert evaluate([], typo, region="eu-west-1", account_id=ACCOUNT).unknown_actions == ["dynamodb:GetItems"]
    assert "dynamodb:GetItems" in granted_actions(typo)
