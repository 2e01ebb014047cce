"""Finding passages: hybrid dense + BM25 retrieval fused by rank, and the sentence reranker."""
