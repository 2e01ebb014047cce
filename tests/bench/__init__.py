"""The answer-quality harness (bench/quality)."""
