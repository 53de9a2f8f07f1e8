"""Tests of the recommendations module."""
