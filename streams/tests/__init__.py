"""Tests of the streams app: registry, Lambda entry, poller, parked records, wiring, Zappa routing."""
