"""The chat model: an OpenAI-compatible client, its queue and breaker, a local llama.cpp server."""
