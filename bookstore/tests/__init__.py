"""Tests for the bookstore backend."""
