"""How much article text and how much page furniture the HTML loader keeps, on real pages.

python -m bench.html_text PATH/TO/trafilatura

Reads trafilatura's evaluation set (a checkout of github.com/adbar/trafilatura:
tests/evaldata.json and the pages under tests/cache and tests/eval): for each of
its 990 pages, strings that belong to the main text ("with") and strings of page
furniture that do not ("without"). Prints the share of each found in the text
service.ingest.html_text extracts, for the odd pages (on which the furniture words
were chosen), the even pages, and all. Nothing of that set is kept in this repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.core.errors import ServiceError
from service.ingest.html_text import extract_html
from service.ingest.text_encodings import decode_html

Page = tuple[str, list[str], list[str]]  # text extracted, "with" strings, "without" strings


def load_pages(checkout: Path) -> list[Page]:
    expected = json.loads((checkout / "tests" / "evaldata.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    for item in expected.values():
        folders = (checkout / "tests" / "cache", checkout / "tests" / "eval")
        path = next((d / item["file"] for d in folders if (d / item["file"]).exists()), None)
        if path is None:
            continue
        raw = path.read_bytes()
        try:
            markup = decode_html(raw, path.name)
        except ServiceError:
            markup = raw.decode("utf-8", "replace")
        try:
            text = extract_html(markup).text
        except (AssertionError, ValueError):  # as the loader: an unreadable page
            text = ""
        pages.append((text, [s for s in item["with"] if s], [s for s in item["without"] if s]))
    return pages


def shares(pages: list[Page]) -> str:
    kept = sum(s in text for text, w, _ in pages for s in w)
    content = sum(len(w) for _, w, _ in pages)
    leaked = sum(s in text for text, _, wo in pages for s in wo)
    furniture = sum(len(wo) for _, _, wo in pages)
    return (
        f"{len(pages):4d} pages: article text kept {kept / content:.3f} ({kept}/{content}), "
        f"furniture kept {leaked / furniture:.3f} ({leaked}/{furniture})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.html_text")
    parser.add_argument("trafilatura", type=Path, help="a checkout of adbar/trafilatura")
    args = parser.parse_args(argv)
    pages = load_pages(args.trafilatura)
    if not pages:
        print(f"no evaluation pages under {args.trafilatura}/tests", file=sys.stderr)
        return 1
    print("odd pages (chosen on): ", shares(pages[1::2]))
    print("even pages:            ", shares(pages[0::2]))
    print("all:                   ", shares(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
