"""End to end through real servers, processes, browsers and the real local model (marked slow)."""
