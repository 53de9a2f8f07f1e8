"""The shipped bundle, run as Lambda runs it, against an emulator that checks credentials as AWS does.

The zip `deploy/bundle.py` builds is unpacked into a read-only folder and run by
deploy/lambda_runtime.py in a fresh interpreter that sees only that folder (`python -I -S`),
with Lambda's environment: function name, region, task root, handler, and the role's
temporary credentials (key, secret and session token) from the emulator's STS AssumeRole on
the stage's role. The emulator is a process of this module's own.

The stage is set up as the deploy guide (docs/operations/deploy.md) sets it up: what its
one-time prerequisites create by hand (the role, the secrets, the deployment bucket; the
function stands in for `zappa deploy`), then the control plane by `python -m deploy.provision
dev` with the operator's static keys (tables, lake bucket, Glue/Athena, failure queue, stream
mappings). Then the emulator switches to its authenticating mode (`POST /moto-api/reset-auth`):
from then on it checks every request's signature and refuses an assumed-role key sent without
its session token (InvalidClientTokenId), as AWS does. Provisioning runs before that switch:
moto 5.2.5 cannot check the signature of a Lambda API request with a query string
(`ListEventSourceMappings?EventSourceArn=...`, which provisioning's stream step sends), and the
operator's identity is not what this run proves. Authentication is global to a moto server,
which is why this run does not share the session's emulator. moto evaluates IAM coarsely, so
the role holds an allow-all policy in the emulator; the role's real policy is evaluated against
the run's record instead.

Through the handler (bookstore/lambda_handler.py, INIT once, then one event after another):
every command the deploy guide still runs inside the function (`zappa manage`: create_tenant,
a day's `build_daily_summary` by hand, `parked_records collect`), API Gateway events (health,
register, login, listing, search, cart, checkout, purchases, an admin report), a stream event
of each streamed table built from the emulator's own stream records, the outbound queue's event
(the order's confirmation email, sent through the emulator's SES from the stage's verified
sender domain), and each schedule. Every
one must succeed. Every AWS call the run makes is recorded by deploy/call_record.py; each must
have carried the session token, and each is evaluated against the stage's rendered role policy
(deploy/policy_check.py): none may be denied.

Marked `bundle` (it needs the built zip and its read-only unpacking, shared with test_bundle.py);
about 30 s besides on the 2-core machine under load, 20 s when idle (the emulator's start, the
set-up and `deploy.provision` about 8 s of it; INIT and the 21 events about 10 s under load).
"""

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from elasticsearch import Elasticsearch

from deploy.call_record import read_calls
from deploy.iam import iam_policy
from deploy.policy_check import evaluate
from local_stack.processes import Stack, free_port

pytestmark = pytest.mark.bundle

ROOT = Path(__file__).resolve().parent.parent.parent
STAGE = "dev"
REGION = "eu-west-1"
FUNCTION = f"bookstore-{STAGE}"
ROLE = f"bookstore-{STAGE}-lambda"
DOMAIN = "api-dev.bookstore.example.com"
SENDER_DOMAIN = "dev.bookstore.example.com"  # DEFAULT_FROM_EMAIL's domain in the stage's zappa settings
TENANT = "acme"
ADMIN = ("boss@acme.example", "change-me-at-once")
CUSTOMER = ("reader@acme.example", "a-long-reader-password-1")
SECRETS = ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "ELASTICSEARCH_API_KEY")
ACCOUNT_ID = "123456789012"  # moto's account
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
# The commands the deploy guide runs inside the function (`zappa manage`): the first tenant
# (docs/operations/deploy.md, 4) first; once there are purchases, a day's summary by hand with a
# budget (deploy.md, 6) and the failure-queue collector (docs/architecture/streams-and-lake.md).
FIRST_TENANT = (
    f"create_tenant {TENANT} --name Acme --plan standard --admin-email {ADMIN[0]} --admin-password {ADMIN[1]}"
)
SUMMARY_BY_HAND = "build_daily_summary --date {day} --time-budget 20"
COLLECT_PARKED = "parked_records collect"
# Granted actions this run does not make, each made by the in-process scenario
# (deploy/tests/test_policy_check.py, which asserts it): with the grants NOT_MADE_BY_THE_CODE
# explains, the two records together use every grant of the role.
MADE_IN_PROCESS_ONLY = {
    "sqs:DeleteMessage": "collecting a batch waiting in the failure queue",
}


class Account:
    """The emulated AWS account: set up with the operator's static keys, then used with the role's session."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.operator = boto3.Session(
            aws_access_key_id="operator", aws_secret_access_key="operator", region_name=REGION
        )
        self.role_session: boto3.Session | None = None
        self.credentials: dict = {}

    def client(self, service: str, session: boto3.Session | None = None):
        return (session or self.operator).client(service, endpoint_url=self.endpoint)

    def set_up(self) -> None:
        """What the guide's one-time prerequisites create by hand (role, secrets, deployment bucket); the function."""
        iam = self.client("iam")
        trust = (ROOT / "deploy" / "iam" / "lambda-trust-policy.json").read_text()
        role_arn = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(RoleName=ROLE, PolicyName=FUNCTION, PolicyDocument=json.dumps(ALLOW_ALL))
        ssm = self.client("ssm")
        for name in SECRETS:
            ssm.put_parameter(Name=f"/bookstore/{STAGE}/{name}", Value=f"{name}-" + "k" * 50, Type="SecureString")
        self.client("s3").create_bucket(
            Bucket=f"bookstore-zappa-deployments-{STAGE}", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        # The stage's sender domain, verified in SES (deploy.md): every email's From address is in it.
        self.client("ses").verify_domain_identity(Domain=SENDER_DOMAIN)
        # `zappa deploy` creates the function; the stream mappings `deploy.provision` makes name it.
        self.client("lambda").create_function(
            FunctionName=FUNCTION,
            Runtime="python3.11",
            Role=role_arn,
            Handler="bookstore.lambda_handler.lambda_handler",
            Code={"ZipFile": _tiny_zip()},
        )
        credentials = self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=FUNCTION)["Credentials"]
        self.credentials = {
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
        }
        self.role_session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        )

    def provision(self, search_url: str, log: Path) -> str:
        """`python -m deploy.provision dev` as the guide runs it: the operator's credentials, the stage's settings."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "BOOKSTORE_", "AWS_", "DYNAMODB_", "ELASTICSEARCH_"))
        }
        env.update(
            {
                "AWS_ACCESS_KEY_ID": "operator",
                "AWS_SECRET_ACCESS_KEY": "operator",
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": self.endpoint,
                "DYNAMODB_ENDPOINT_URL": self.endpoint,
                "ELASTICSEARCH_URL": search_url,
            }
        )
        result = subprocess.run(
            [sys.executable, "-m", "deploy.provision", STAGE],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        log.write_text(result.stdout + result.stderr)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def take_over_the_stream_mappings(self) -> None:
        """Check the mappings `deploy.provision` made, then delete them: this harness plays their part.

        On AWS a mapping's pollers read the stream (or the queue) and invoke the function. moto's mapping
        hands each new record to a Docker container it cannot start here, then drops the stream's records,
        so the test reads the streams and the outbound queue itself (`stream_events`, `queue_events`) and
        invokes the handler as a poller would.
        """
        lambda_client = self.client("lambda")
        mappings = lambda_client.list_event_source_mappings(FunctionName=FUNCTION)["EventSourceMappings"]
        sources = sorted(m["EventSourceArn"].split(":", 5)[5] for m in mappings)
        streamed = [f"table/bookstore-{STAGE}-{table}" for table in ("books", "purchases", "reviews")]
        assert [source.split("/stream/")[0] for source in sources] == [f"bookstore-{STAGE}-outbound", *streamed]
        for mapping in mappings:
            lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])

    def authenticate(self) -> None:
        """Turn on the emulator's checks of every request's signature and credentials (moto's auth mode)."""
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/reset-auth",
            data=b"0",  # how many requests to let through unchecked first
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


def _tiny_zip() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


class LambdaRun:
    """The bundle's handler in its own process: INIT at start, then `invoke(event)` one event at a time."""

    def __init__(self, *, task_root: Path, env: dict, record: Path, log: Path, stage_environment: dict):
        self.record = record
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                str(ROOT / "deploy" / "lambda_runtime.py"),
                "--record",
                str(record),
                "--stage-environment",
                json.dumps(stage_environment),
            ],
            cwd=task_root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
        )
        self.init = self._answer()
        self.invocations: list[tuple[dict, dict]] = []

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the runtime exited:\n{self.log.read_text()[-4000:]}")
        return json.loads(line)

    def invoke(self, event: dict) -> object:
        """The handler's result for `event`; fails the test with the function's log when the handler raises."""
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        self.invocations.append((event, answer))
        assert "error" not in answer, f"{answer['error']}\n--- function log ---\n{self.log.read_text()[-4000:]}"
        return answer["result"]

    def close(self) -> None:
        """Lambda freezes or ends a container without notice: so does this."""
        self.process.kill()
        self.process.wait(timeout=30)
        self._log_file.close()


def api_event(method: str, path: str, *, body=None, token: str | None = None, query=None, headers=None) -> dict:
    """An API Gateway HTTP API (payload v2) event on the stage's custom domain: the stages' front door."""
    all_headers = {
        "host": DOMAIN,
        "content-type": "application/json",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-proto": "https",
        "x-forwarded-port": "443",
        "x-tenant-id": TENANT,
        **({"authorization": f"Bearer {token}"} if token else {}),
        **{name.lower(): value for name, value in (headers or {}).items()},
    }
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urllib.parse.urlencode(query or {}),
        **({"queryStringParameters": query} if query else {}),
        "headers": all_headers,
        "requestContext": {
            "requestId": f"req-{uuid.uuid4()}",
            "stage": STAGE,
            "domainName": all_headers["host"],
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def scheduled_event(function: str) -> dict:
    """The EventBridge event of a Zappa schedule: the rule is named `{function_name}-{module.function}`."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/{FUNCTION}-{function}"],
        "detail": {},
    }


def stream_events(account: Account, table: str) -> list[dict]:
    """Lambda-shaped events of every record in the table's stream, one event per shard."""
    from streams.services import lambda_record

    physical = f"bookstore-{STAGE}-{table}"
    streams = account.client("dynamodbstreams", account.role_session)
    arn = account.client("dynamodb", account.role_session).describe_table(TableName=physical)["Table"][
        "LatestStreamArn"
    ]
    events = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        raws = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        if raws:
            events.append({"Records": [lambda_record(raw, stream_arn=arn) for raw in raws]})
    return events


def queue_events(account: Account) -> list[dict]:
    """Lambda-shaped SQS events of every message on the outbound queue, received and deleted as the mapping does."""
    sqs = account.client("sqs", account.role_session)  # the mapping reads the queue with the function's role
    url = sqs.get_queue_url(QueueName=f"bookstore-{STAGE}-outbound")["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:bookstore-{STAGE}-outbound"
    events = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
        events.append({"Records": records})
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        )
    return events


def body(response: dict, status: int) -> dict:
    assert response["statusCode"] == status, response.get("body")
    return json.loads(response["body"]) if response.get("body") else {}


@pytest.fixture(scope="module")
def lambda_run(task_root, tmp_path_factory, search_engine):
    """The whole scenario, run once: the account, the emulator in auth mode, the bundle, every event."""
    folder = tmp_path_factory.mktemp("lambda-run")
    stack = Stack(emulator_port=free_port(), log_dir=folder)
    emulator = stack.start_emulator()
    endpoint = f"http://127.0.0.1:{stack.emulator_port}"
    account = Account(endpoint)
    run = None
    try:
        account.set_up()
        provisioned = account.provision(search_engine.url, folder / "provision.log")
        assert provisioned.strip().splitlines()[-1].endswith(" 0 pending, 0 conflicts."), provisioned
        account.take_over_the_stream_mappings()
        account.authenticate()
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(task_root),
            "_HANDLER": "bookstore.lambda_handler.lambda_handler",
            "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            **account.credentials,
            # The account's endpoints are the emulator's. AWS_ENDPOINT_URL is read by the settings and by
            # botocore itself (the secrets' SSM client is built before the settings exist).
            "AWS_ENDPOINT_URL": endpoint,
            "DYNAMODB_ENDPOINT_URL": endpoint,
        }
        run = LambdaRun(
            task_root=task_root,
            env=env,
            record=folder / "calls.jsonl",
            log=folder / "function.log",
            stage_environment={"ELASTICSEARCH_URL": search_engine.url},
        )
        assert "init_seconds" in run.init, run.init.get("init_error")
        # INIT read the secrets (the settings loaded) before any event arrived.
        assert [(c["service"], c["operation"]) for c in read_calls(run.record)] == [("ssm", "GetParameters")]
        scenario(run, account)
        yield run, account
    finally:
        if run is not None:
            run.close()
        emulator.stop()
        search = Elasticsearch(search_engine.url, request_timeout=60)
        for name in search.indices.get(index=f"bookstore-{STAGE}-*"):
            search.indices.delete(index=name)
        search.close()


def scenario(run: LambdaRun, account: Account) -> None:
    """Every kind of event the function receives, in the order a new stage sees them."""
    assert run.invoke({"manage": FIRST_TENANT}) == {}

    health = body(run.invoke(api_event("GET", "/api/v1/health")), 200)
    assert (health["status"], health["services"]["search"]) == ("ok", "ok"), health
    body(
        run.invoke(api_event("GET", "/api/v1/health", headers={"Host": "a1b2c3.execute-api.eu-west-1.amazonaws.com"})),
        200,
    )

    admin_login = {"email": ADMIN[0], "password": ADMIN[1], "tenant_id": TENANT}
    admin = body(run.invoke(api_event("POST", "/api/v1/users/login", body=admin_login)), 200)
    book = {
        "isbn": "978-84-9759-592-6",
        "title": "Noticia de un secuestro",
        "author": "Gabriel García Márquez",
        "category": "Fiction",
        "price": "18.50",
        "stock_quantity": 10,
        "language": "es",
    }
    book_id = body(run.invoke(api_event("POST", "/api/v1/books", body=book, token=admin["access"])), 201)["book_id"]

    new_user = {
        "email": CUSTOMER[0],
        "password": CUSTOMER[1],
        "first_name": "Ana",
        "last_name": "Lector",
        "tenant_id": TENANT,
    }
    body(run.invoke(api_event("POST", "/api/v1/users/register", body=new_user)), 201)
    login = {"email": CUSTOMER[0], "password": CUSTOMER[1], "tenant_id": TENANT}
    customer = body(run.invoke(api_event("POST", "/api/v1/users/login", body=login)), 200)["access"]

    listing = body(run.invoke(api_event("GET", "/api/v1/books")), 200)
    assert [b["book_id"] for b in listing["results"]] == [book_id]
    body(run.invoke(api_event("GET", f"/api/v1/books/{book_id}")), 200)

    for event in stream_events(account, "books"):
        assert run.invoke(event) == {"batchItemFailures": []}
    found = body(run.invoke(api_event("GET", "/api/v1/books/search", query={"q": "secuestro"})), 200)
    assert [hit["book_id"] for hit in found["results"]] == [book_id], found

    body(
        run.invoke(api_event("POST", "/api/v1/cart/add", body={"book_id": book_id, "quantity": 2}, token=customer)), 200
    )
    body(run.invoke(api_event("GET", "/api/v1/cart", token=customer)), 200)
    checkout = {
        "payment_method": "card",
        "shipping_address": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
    }
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    purchase = body(
        run.invoke(api_event("POST", "/api/v1/purchases/checkout", body=checkout, token=customer, headers=headers)), 201
    )
    purchases = body(run.invoke(api_event("GET", "/api/v1/purchases", token=customer)), 200)
    assert [p["purchase_id"] for p in purchases["results"]] == [purchase["purchase_id"]]

    for event in stream_events(account, "purchases"):
        assert run.invoke(event) == {"batchItemFailures": []}
    # The purchases stream put the order's confirmation email on the outbound queue; the queue's
    # mapping hands it to the function, which sends it through SES.
    emails = queue_events(account)
    assert sum(len(event["Records"]) for event in emails) == 1, emails
    for event in emails:
        assert run.invoke(event) == {"batchItemFailures": []}
    assert account.client("ses", account.role_session).get_send_quota()["SentLast24Hours"] >= 1
    review = {"score": 5, "title": "Imprescindible", "body": "Un reportaje que se lee como una novela."}
    body(run.invoke(api_event("POST", f"/api/v1/books/{book_id}/reviews", body=review, token=customer)), 201)
    for event in stream_events(account, "reviews"):
        assert run.invoke(event) == {"batchItemFailures": []}
    rated = body(run.invoke(api_event("GET", f"/api/v1/books/{book_id}")), 200)
    assert (rated["rating"], rated["rating_count"]) == ("5.00", 1), rated
    body(run.invoke(api_event("GET", "/api/v1/analytics/top-books", token=admin["access"])), 200)

    for schedule in _schedules():
        run.invoke(scheduled_event(schedule))
    assert run.invoke({"manage": SUMMARY_BY_HAND.format(day=purchase["created_at"][:10])}) == {}
    assert run.invoke({"manage": COLLECT_PARKED}) == {}


def _source(event: dict) -> str | None:
    """The eventSource of a Records event (a stream's or a queue's), else None."""
    return event.get("Records", [{}])[0].get("eventSource")


def _schedules() -> list[str]:
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    return [event["function"] for event in settings[STAGE]["events"]]


def test_every_event_succeeds_in_the_bundle_with_the_roles_session(lambda_run):
    """One test over the whole run: split over xdist workers, the scenario would run once per worker."""
    run, account = lambda_run
    kinds = {
        "manage": sum("manage" in event for event, _ in run.invocations),
        "api": sum(event.get("version") == "2.0" for event, _ in run.invocations),
        "stream": sum(
            event.get("Records", [{}])[0].get("eventSource") == "aws:dynamodb" for event, _ in run.invocations
        ),
        "queue": sum(event.get("Records", [{}])[0].get("eventSource") == "aws:sqs" for event, _ in run.invocations),
        "schedule": sum(event.get("detail-type") == "Scheduled Event" for event, _ in run.invocations),
    }
    assert kinds == {"manage": 3, "api": 16, "stream": 3, "queue": 1, "schedule": len(_schedules())}, kinds

    # The emulator refuses the role's key without its token, as AWS does: the run above sent it.
    keys_alone = boto3.Session(
        aws_access_key_id=account.credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=account.credentials["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    with pytest.raises(ClientError, match="InvalidClientTokenId"):
        account.client("ssm", keys_alone).get_parameter(Name=f"/bookstore/{STAGE}/DJANGO_SECRET_KEY")

    # Every AWS call of the run is recorded (deploy/call_record.py), each with its session token.
    calls = read_calls(run.record)
    assert {call["service"] for call in calls} == {"ssm", "dynamodb", "s3", "athena", "sqs", "sesv2"}, calls
    assert [call for call in calls if not call["session_token"]] == []
    secrets = next(call for call in calls if call["service"] == "ssm")
    assert secrets == {
        "service": "ssm",
        "signing_name": "ssm",
        "operation": "GetParameters",
        "region": REGION,
        "params": {"Names": [f"/bookstore/{STAGE}/{name}" for name in SECRETS]},
        "session_token": True,
    }

    # The stage's rendered role policy allows every one of those calls (deploy/policy_check.py).
    policy = iam_policy(stage=STAGE, account_id=ACCOUNT_ID, region=REGION)
    report = evaluate(calls, policy)
    assert (report.unmapped, report.wrong_resource_type, report.unknown_actions) == ([], [], [])
    assert report.denied == []
    assert report.unused == sorted(MADE_IN_PROCESS_ONLY)
