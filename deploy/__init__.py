"""Deployment tooling: the Lambda bundle builder and the IAM policy (never inside the bundle)."""
