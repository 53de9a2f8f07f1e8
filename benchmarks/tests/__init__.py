"""Tests of the benchmarks' models (run by `make test`; the benchmarks themselves are not)."""
