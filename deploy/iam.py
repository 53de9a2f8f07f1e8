"""The stage's Lambda role policy, rendered from deploy/iam/lambda-role-policy.json.

`python -m deploy.iam dev --account 123456789012 --region eu-west-1` prints the policy for
one stage: every resource is this stage's (tables `bookstore-{stage}-*` with their indexes
and streams, the bucket `bookstore-analytics-{stage}`, the Glue database `bookstore_{stage}`,
the Athena workgroup `bookstore-{stage}`, the parameters `/bookstore/{stage}/*`, the queue
`bookstore-{stage}-stream-failures`, the function `bookstore-{stage}`'s logs and mappings).
The deploy guide (docs/operations/deploy.md) creates the role from it once per stage.
"""

import argparse
import json
import re
import sys
from pathlib import Path
from string import Template

POLICY_TEMPLATE = Path(__file__).resolve().parent / "iam" / "lambda-role-policy.json"
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,15}$")


def iam_policy(*, stage: str, account_id: str, region: str) -> dict:
    """The role policy of `stage`, with its account and region filled in."""
    if not STAGE_PATTERN.match(stage) or not re.fullmatch(r"\d{12}", account_id):
        raise ValueError("stage: lowercase letters and digits; account: the 12-digit account id")
    text = Template(POLICY_TEMPLATE.read_text()).substitute(Stage=stage, AccountId=account_id, Region=region)
    return json.loads(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Print the Lambda role policy of a stage.")
    parser.add_argument("stage", help="dev, test or prod")
    parser.add_argument("--account", required=True, help="The 12-digit AWS account id.")
    parser.add_argument("--region", required=True, help="The stage's aws_region, e.g. eu-west-1.")
    args = parser.parse_args(argv)
    print(json.dumps(iam_policy(stage=args.stage, account_id=args.account, region=args.region), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
