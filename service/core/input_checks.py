"""Checks every request body gets before its fields are read.

JSON allows strings that are not Unicode text: a lone surrogate such as
"\\ud800" parses, but cannot be encoded as UTF-8, so it would fail deep inside
the tokenizer, the store or the log (a 500). Such input is refused up front.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from service.core.documents import ID_PATTERN, ID_REGEX, ID_RULE, MAX_ID_CHARS

_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 64  # nesting of a request body; ours go three or four levels deep


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def check_text_value(value: Any, depth: int = 0) -> None:
    """Raise ValueError for a lone surrogate anywhere in `value`, or nesting past MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        if has_surrogates(value):
            raise ValueError("text holds a lone surrogate (not valid Unicode)")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text_value(key, depth + 1)
            check_text_value(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_text_value(item, depth + 1)


class TextInput(BaseModel):
    """A request body whose strings must all be valid Unicode."""

    @model_validator(mode="before")
    @classmethod
    def valid_unicode(cls, data: Any) -> Any:
        check_text_value(data)
        return data


class StrictInput(TextInput):
    """...and which names no field the schema does not know."""

    model_config = ConfigDict(extra="forbid")


def _exact_id(value: object) -> object:
    """An id is stored exactly as sent, or refused (service.core.documents.check_doc_id)."""
    if isinstance(value, str) and not ID_PATTERN.fullmatch(value):
        raise ValueError(ID_RULE)
    return value


# The id rule, in the schema too (so clients and the fuzzer know it) and with a clear message.
DocumentId = Annotated[
    str,
    # The length is checked by the pattern, so that every bad id gets the same message.
    Field(json_schema_extra={"pattern": ID_REGEX, "minLength": 1, "maxLength": MAX_ID_CHARS}),
    AfterValidator(_exact_id),
]
SOURCE_CHARS = 2000
