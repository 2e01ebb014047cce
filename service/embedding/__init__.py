"""Embedders: text to unit vectors (MiniLM on ONNX Runtime or torch, or OpenAI)."""
