"""The "Sources:" list an OpenAI client shows under an answer."""

from __future__ import annotations

from service.api.openai_compat import sources_text
from service.api.schemas import CitationOut


def _citation(n: int, date: str | None, page: int | None) -> CitationOut:
    quote = "The crane arrived in March."
    return CitationOut(
        n=n, doc_id="r.pdf", title="Harbour report", date=date, source="", chunk_id="c",
        text=quote, quote=quote, start=0, end=len(quote), score=1.0, page=page,
    )  # fmt: skip


def test_each_source_names_its_date_and_the_page_of_a_paged_document() -> None:
    text = sources_text([_citation(1, "2026-03-04", 3), _citation(2, None, None)])
    assert text == (
        "\n\nSources:\n"
        '[1] Harbour report (2026-03-04, p. 3) — "The crane arrived in March."\n'
        '[2] Harbour report (undated) — "The crane arrived in March."'
    )
    assert sources_text([]) == ""
