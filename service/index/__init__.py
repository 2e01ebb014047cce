"""Where chunks are kept: the Chroma vector store, the BM25 lexical index and its snapshot."""
