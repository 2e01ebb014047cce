"""Holding answers to their sources: citations, claims and the answer format."""
