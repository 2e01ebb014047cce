"""Sources as OpenAI `url_citation` annotations.

Front ends that know OpenAI's annotations (Open WebUI, the `openai` client's
typed `message.annotations`, its `.stream()` helper, langchain) show them as
source chips or keep them in the message. Each citation [n] becomes

    {"type": "url_citation",
     "url_citation": {"url": ..., "title": ..., "start_index": ..., "end_index": ...}}

`url` is this service's own URL of the cited document, `{base}/v1/documents/{doc_id}`
(a document's `source` is often a file name, not a link); it returns the document's
text and metadata as JSON. `title` is the document's title. The indexes span the
`[n]` marker in the answer text, or, when the answer has none for that citation,
its line in the appended "Sources:" list. The full citation (quote, offsets, page)
stays in the `citations` field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from service.api.schemas import CitationOut


def document_url(base_url: str, doc_id: str) -> str:
    return f"{base_url.rstrip('/')}/v1/documents/{quote(doc_id, safe='')}"


def url_citations(
    content: str, answer: str, citations: list[CitationOut], base_url: str
) -> list[dict[str, Any]]:
    """One annotation per citation, its indexes into `content` (the answer + sources list)."""
    annotations = []
    for citation in citations:
        start, end = _span(content, answer, citation.n)
        annotations.append(
            {
                "type": "url_citation",
                "url_citation": {
                    "url": document_url(base_url, citation.doc_id),
                    "title": " ".join(citation.title.split()),
                    "start_index": start,
                    "end_index": end,
                },
            }
        )
    return annotations


def _span(content: str, answer: str, n: int) -> tuple[int, int]:
    marker = f"[{n}]"
    at = content.find(marker, 0, len(answer))
    if at < 0:  # the answer does not cite it inline: point at its line in the list
        at = content.find(f"\n{marker} ", len(answer)) + 1
        if at <= 0:
            return 0, 0
        line_end = content.find("\n", at)
        return at, len(content) if line_end < 0 else line_end
    return at, at + len(marker)
