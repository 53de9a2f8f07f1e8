"""Tests of the outbound queue and its worker."""
