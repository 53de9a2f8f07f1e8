"""Tests of the emails app."""
