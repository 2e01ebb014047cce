"""Tests of service/retrieval."""
