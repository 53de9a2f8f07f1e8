"""The stage's control plane, applied by the operator: `python -m deploy.provision <stage>`.

Everything the request-serving function must never be allowed to do runs here, from the
operator's machine with the operator's credentials and no time limit, idempotently:

1. the tables, from the models (bookstore/dynamodb/provisioning.py): created if missing,
   repaired if not (indexes, stream, TTL), with point-in-time recovery and deletion protection;
2. the data lake bucket: created if missing, default encryption and all four public-access blocks;
3. the Glue database and tables and the Athena workgroup (analytics/catalog.py);
4. the stream failure queue and the stream event source mappings (streams/wiring.py), and the
   outbound queue, its failure queue and its mapping (outbound/wiring.py), once the function
   exists (`zappa deploy` creates it; until then the mappings are reported as pending).

Every step reads before it writes, so a second run sends no mutating call. The stage's
environment comes from zappa_settings.json (variables already set in the shell win), with
`bookstore.settings.production`, so the names are exactly the function's. deploy/ is never
in the bundle: the function cannot run this, and its role holds none of these actions.
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

ZAPPA_SETTINGS = Path(__file__).resolve().parent.parent / "zappa_settings.json"


@dataclass
class StageProvisioned:
    """What a run changed (`changes`), what AWS refused for now (`pending`) and what only a person can fix."""

    changes: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def stage_config(stage: str, settings_file: Path = ZAPPA_SETTINGS) -> dict:
    """A stage of zappa_settings.json after `extends` (Zappa's shallow merge over the parent)."""
    stages = json.loads(settings_file.read_text())
    if stage not in stages:
        raise SystemExit(f"No stage {stage!r} in {settings_file.name}: {', '.join(stages)}.")
    config = dict(stages[stage])
    parent = config.pop("extends", None)
    return {**stage_config(parent, settings_file), **config} if parent else config


def stage_environment(stage: str) -> dict[str, str]:
    """The variables the stage's function runs with, its region, and the production settings module."""
    config = stage_config(stage)
    return {
        **config.get("environment_variables", {}),
        "AWS_REGION": config["aws_region"],
        "DJANGO_SETTINGS_MODULE": config["django_settings"],
    }


def _bucket(report: StageProvisioned) -> None:
    from django.conf import settings

    from bookstore.aws import client
    from bookstore.encryption import bucket_secure

    s3, bucket = client("s3"), settings.ANALYTICS_BUCKET
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
        location = {} if settings.AWS_REGION == "us-east-1" else {"LocationConstraint": settings.AWS_REGION}
        s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": location} if location else {}))
        report.changes.append(f"{bucket}: bucket created")
    report.changes += bucket_secure(s3_client=s3, bucket=bucket, kms_key_id=settings.ANALYTICS_BUCKET_KMS_KEY)


def _function_exists(function_name: str) -> bool:
    from bookstore.aws import client

    lambda_client = client("lambda")
    try:
        lambda_client.get_function_configuration(FunctionName=function_name)
    except lambda_client.exceptions.ResourceNotFoundException:
        return False
    return True


def _streams(report: StageProvisioned) -> None:
    from django.conf import settings

    from streams.wiring import streams_wire

    if not _function_exists(settings.STREAMS_FUNCTION_NAME):
        report.pending.append(
            f"stream mappings: no function {settings.STREAMS_FUNCTION_NAME} yet; run again after `zappa deploy`"
        )
        return
    for wiring in streams_wire():
        if wiring.changed:
            verb = "created" if wiring.created else "updated"
            report.changes.append(f"{wiring.table}: stream mapping {wiring.uuid} {verb}")


def _outbound(report: StageProvisioned) -> None:
    from django.conf import settings

    from outbound.wiring import outbound_queues_ensure, outbound_wire

    if not _function_exists(settings.STREAMS_FUNCTION_NAME):
        report.changes += outbound_queues_ensure().changes  # the queues need no function; the stream handlers write
        report.pending.append(
            f"outbound mapping: no function {settings.STREAMS_FUNCTION_NAME} yet; run again after `zappa deploy`"
        )
        return
    report.changes += outbound_wire()


def stage_provision(*, on_progress=lambda line: None) -> StageProvisioned:
    """Apply the control plane of the stage the settings name (see the module docstring); idempotent."""
    from analytics.catalog import analytics_catalog_setup
    from bookstore.dynamodb.provisioning import tables_provision

    report = StageProvisioned()
    on_progress("tables")
    tables = tables_provision(point_in_time_recovery=True, deletion_protection=True, on_change=on_progress)
    report.changes += [f"{name}: table created" for name in tables.created] + tables.repaired
    report.pending += tables.pending
    report.conflicts += tables.conflicts
    on_progress("data lake bucket")
    _bucket(report)
    on_progress("Glue and Athena")
    catalog = analytics_catalog_setup()
    report.changes += [f"{name} created" for name in catalog.created] + [f"{name} updated" for name in catalog.updated]
    on_progress("failure queue and stream mappings")
    _streams(report)
    on_progress("outbound queues and mapping")
    _outbound(report)
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.provision",
        description="Create or repair a stage's tables, lake bucket, Glue/Athena catalogue, failure queue, "
        "stream mappings and outbound queue, with the operator's credentials. Safe to re-run; a second run "
        "changes nothing.",
    )
    parser.add_argument("stage", help="A stage of zappa_settings.json: dev, test or prod.")
    args = parser.parse_args(argv)
    environment = stage_environment(args.stage)
    for name, value in environment.items():
        os.environ.setdefault(name, value)  # the shell wins: e.g. AWS_REGION, or an endpoint for a rehearsal
    # ...except for the settings module: a developer's shell often names the local one.
    os.environ["DJANGO_SETTINGS_MODULE"] = environment["DJANGO_SETTINGS_MODULE"]
    import django

    django.setup()
    report = stage_provision(on_progress=lambda line: print(f"... {line}", file=sys.stderr))
    for line in report.changes:
        print(f"changed   {line}")
    for line in report.pending:
        print(f"pending   {line}")
    for line in report.conflicts:
        print(f"CONFLICT  {line}")
    print(f"{len(report.changes)} changed, {len(report.pending)} pending, {len(report.conflicts)} conflicts.")
    return 1 if report.conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
