"""The stage's IAM policies: the Lambda role's (data plane) and the operator's (`deploy.provision`).

`python -m deploy.iam dev --account 123456789012 --region eu-west-1` prints the function
role's policy (deploy/iam/lambda-role-policy.json) for one stage: every resource is this
stage's (tables `bookstore-{stage}-*` with their indexes and streams, the bucket
`bookstore-analytics-{stage}`, the Glue database `bookstore_{stage}`, the Athena workgroup
`bookstore-{stage}`, the parameters `/bookstore/{stage}/*`, the queues
`bookstore-{stage}-stream-failures` and `bookstore-{stage}-outbound`, the function
`bookstore-{stage}`'s logs, and SES's identity of the stage's sender: the domain of its
`DEFAULT_FROM_EMAIL` in zappa_settings.json, which every email's From address is in). The role
holds data-plane actions only. `--operator` prints instead what `python -m deploy.provision`
needs (deploy/iam/operator-provision-policy.json): the control plane of the same resources,
for the operator who runs it. The deploy guide (docs/operations/deploy.md) creates the role
and grants the operator's policy once per stage.
"""

import argparse
import json
import re
import sys
from pathlib import Path
from string import Template

POLICY_TEMPLATE = Path(__file__).resolve().parent / "iam" / "lambda-role-policy.json"
OPERATOR_POLICY_TEMPLATE = Path(__file__).resolve().parent / "iam" / "operator-provision-policy.json"
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,15}$")


def sender_identity(stage: str) -> str:
    """The SES identity the stage sends from: the domain of its DEFAULT_FROM_EMAIL in zappa_settings.json."""
    from deploy.provision import stage_config

    address = stage_config(stage).get("environment_variables", {}).get("DEFAULT_FROM_EMAIL", "")
    if "@" not in address:
        raise ValueError(f"Stage {stage}: set DEFAULT_FROM_EMAIL (an address of a verified SES domain) first.")
    return address.rsplit("@", 1)[1].lower()


def iam_policy(
    *, stage: str, account_id: str, region: str, template: Path = POLICY_TEMPLATE, sender: str | None = None
) -> dict:
    """The role policy of `stage` (or another template's), with its account, region and sender identity filled in."""
    if not STAGE_PATTERN.match(stage) or not re.fullmatch(r"\d{12}", account_id):
        raise ValueError("stage: lowercase letters and digits; account: the 12-digit account id")
    raw = template.read_text()
    values = {"Stage": stage, "AccountId": account_id, "Region": region}
    if "${SenderIdentity}" in raw:  # the operator's policy sends no email
        values["SenderIdentity"] = sender or sender_identity(stage)
    return json.loads(Template(raw).substitute(values))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Print the Lambda role policy (or the operator's) of a stage.")
    parser.add_argument("stage", help="dev, test or prod")
    parser.add_argument("--account", required=True, help="The 12-digit AWS account id.")
    parser.add_argument("--region", required=True, help="The stage's aws_region, e.g. eu-west-1.")
    parser.add_argument(
        "--operator", action="store_true", help="Print the operator's policy for `python -m deploy.provision`."
    )
    args = parser.parse_args(argv)
    template = OPERATOR_POLICY_TEMPLATE if args.operator else POLICY_TEMPLATE
    policy = iam_policy(stage=args.stage, account_id=args.account, region=args.region, template=template)
    print(json.dumps(policy, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
