"""Grounded question answering over documents, with cited passages."""

__version__ = "0.1.0"
