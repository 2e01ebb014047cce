"""Answering a question: the answer service, prompts, follow-ups, the extractive fallback."""
