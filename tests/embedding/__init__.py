"""Tests of service/embedding."""
