"""Tests of the reviews app."""
