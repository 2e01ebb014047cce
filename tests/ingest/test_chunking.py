from pathlib import Path

from service.core.tokens import count_tokens
from service.ingest.chunking import chunk_text
from service.ingest.loaders import load_document

SEED = Path(__file__).resolve().parents[2] / "seeds"


def test_chunk_offsets_round_trip_to_the_original_text() -> None:
    document = load_document(next(SEED.glob("*.txt")), SEED)
    chunks = chunk_text(
        document.text, count_tokens, max_tokens=80, overlap_tokens=20, offset=document.body_start
    )
    assert len(chunks) > 3
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert count_tokens(chunk.text) <= 80 + 2
    assert chunks[0].start == document.body_start
    assert chunks[-1].end == len(document.text.rstrip())


def test_chunks_overlap_and_cover_everything() -> None:
    text = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(60))
    chunks = chunk_text(text, count_tokens, max_tokens=40, overlap_tokens=10)
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end, "consecutive chunks share a sentence"
        assert after.start > before.start
    covered = {i for c in chunks for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_an_overlong_sentence_is_split_on_words() -> None:
    text = "word " * 500
    chunks = chunk_text(text.strip(), count_tokens, max_tokens=50, overlap_tokens=0)
    assert len(chunks) >= 9
    assert all(count_tokens(c.text) <= 50 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_a_chunk_that_starts_inside_a_table_keeps_its_header() -> None:
    """A long table is cut between rows; a later chunk's rows would lose what their cells
    are, so the chunk keeps the header (and the start of its first row) to read them under."""
    rows = "".join(f"| Item {i} | {i} euros | {i + 1} euros |\n" for i in range(40))
    text = f"Prices from May.\n\n| Item | Adult | Child |\n|---|---|---|\n{rows}\nThe end."
    chunks = chunk_text(text, count_tokens, max_tokens=60, overlap_tokens=0)
    assert len(chunks) > 3
    assert chunks[0].context == ""  # its header is its own
    assert chunks[-1].text.endswith("The end.")
    for chunk in chunks[1:]:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.context == "| Item | Adult | Child |\n|---|---|---|\n| "
        assert (chunk.context + chunk.text).startswith(chunk.context + "Item ")


def test_a_chunk_cut_from_inside_a_section_keeps_its_heading() -> None:
    """A later chunk of a long section would lose the heading its sentences leave their
    subject to, so its context starts with the heading's line; a chunk that opens with a
    heading has its own."""
    rules = " ".join(f"Rule {i} applies on deck {i}." for i in range(30))
    text = f"# Handbook\n\n## Lost property\n\n{rules}\n\n## Fees\n\n| Item | Fee |\n|---|---|\n"
    text += "".join(f"| Item {i} | {i} euros |\n" for i in range(30))
    chunks = chunk_text(text, count_tokens, max_tokens=60, overlap_tokens=0)
    in_rules = [c for c in chunks[1:] if c.text.startswith("Rule")]
    in_fees = [c for c in chunks if c.text.startswith("Item")]
    assert in_rules and in_fees
    assert all(c.context == "## Lost property\n\n" for c in in_rules)
    assert all(c.context.startswith("## Fees\n\n| Item | Fee |\n|---|---|\n") for c in in_fees)
    assert all(c.context == "" for c in chunks if c.text.startswith("## "))
