"""Helpers the tests share: live servers, the scripted LLM, files, the browser."""
