"""Offline proofs of the deploy: bundle, Zappa handler, production settings, IAM policy."""
