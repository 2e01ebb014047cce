"""Tests of service/grounding."""
