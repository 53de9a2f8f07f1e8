"""Tests of the test support itself: waiting on conditions, once-per-run builds, free ports."""
