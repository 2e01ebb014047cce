"""Tests of service/answering."""
