"""Tests of service/llm."""
