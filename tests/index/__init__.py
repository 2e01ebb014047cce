"""Tests of service/index."""
