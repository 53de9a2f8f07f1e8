"""Benchmarks run by hand against the local emulator; not part of the test suite."""
