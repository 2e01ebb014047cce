"""The readable text of an HTML page: its article, without navigation, scripts or styles.

Title and date come from the page's metadata (og:title, <title>, <h1>;
article:published_time and friends, <time datetime>) when present.

A page saved from a news site holds more than its article, often with no <article>
or <main> to say where that is: a cookie notice, menus, share buttons, "related
stories" whose headlines are other articles', a newsletter box. The usual signs
of such page furniture are read, as text-extraction tools do (Mozilla's
Readability among them): elements hidden or given a landmark role that is not
content, elements whose class or id names furniture ("cookie-banner",
"related_stories") and none that names content ("article-share" stays), blocks
that are mostly link text, and lone furniture lines ("Advertisement"). Measured on
990 real pages by bench/html_text.py (bench/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from selectolax.lexbor import LexborHTMLParser

from service.ingest.extracted import Extracted
from service.ingest.html_furniture import REGIONS, furniture_block, furniture_element
from service.ingest.parsing_pool import NO_DEADLINE, Deadline
from service.ingest.plain_headings import heading_like

# Never part of the article: scripts, styles, page chrome, forms.
SKIPPED = {
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
    "form", "button", "select", "textarea", "iframe", "svg", "canvas", "head", "dialog",
}  # fmt: skip
BLOCKS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "ul", "ol", "br", "tr", "table", "blockquote", "pre", "figure", "figcaption", "dd",
    "dt", "dl", "hr", "address", "details", "summary",
}  # fmt: skip
# A list's items and a table's rows are lines of one block of text ("- item"; a row as in a
# Markdown table, "| cell | cell |", its header row of <th> cells followed by a delimiter
# row), so a row keeps its cells together, a list reads as one and a table as Markdown's;
# a glossary's term leads its definition ("Late fee: 20 cents a day.").
LINES = {"li", "tr"}
CELLS = {"td", "th"}
# A heading is a Markdown heading of its level ("## Opening hours"), so that the sentences
# under it are read in its section (service/core/sections.py).
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# So is a disclosure's label (a FAQ's question in <details><summary>), and a short paragraph
# all in bold (a heading typed as "<p><strong>Opening hours</strong></p>").
SUMMARY_LEVEL = 3
BOLD_LEVEL = 2
BOLD = {"b", "strong"}
DATE_META = {
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publishdate", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
}  # fmt: skip
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
FEED_CHARS = 65_536
_SPACE = re.compile(r"\s+")
_ISO_DAY = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")


def extract_html(markup: str, deadline: Deadline = NO_DEADLINE) -> Extracted:
    """Read in linear time: Python's html.parser is quadratic on some malformed markup
    ('<a' * 50,000 took 9 s), so the page is first parsed by lexbor (an HTML5 parser in C)
    and html.parser reads lexbor's well-formed rewrite, in pieces, checking the deadline."""
    well_formed = LexborHTMLParser(markup).html or ""
    parser = _PageParser()
    for start in range(0, len(well_formed), FEED_CHARS):
        deadline.check("the HTML page")
        parser.feed(well_formed[start : start + FEED_CHARS])
    parser.close()
    return Extracted(parser.main_text(), parser.best_title(), parser.best_date())


def iso_day(value: str) -> str | None:
    """The calendar day a timestamp like 2024-03-05T10:00:00Z names, if it is a real one."""
    match = _ISO_DAY.match(value)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


@dataclass
class _Block:
    parts: list[str] = field(default_factory=list)  # raw text; spaces collapse at the end
    link_parts: list[str] = field(default_factory=list)  # the raw text inside <a>
    bold_parts: list[str] = field(default_factory=list)  # the raw text inside <b>, <strong>
    regions: frozenset[str] = frozenset()
    kind: str = ""  # "li", "tr", "dt" or "h1"-"h6": a list's item, a table's row, a
    # glossary's term, a heading
    cells: list[str] = field(default_factory=list)  # a row's cells' tags ("th", "td")

    @property
    def text(self) -> str:
        return _SPACE.sub(" ", "".join(self.parts)).strip()

    @property
    def line_kind(self) -> str:
        """The kind of line the block is, "li" (a list's) or "tr" (a table's); "" for any
        other block, and for a row of one cell, as pages laid out with a table have."""
        return (
            self.kind if self.kind in LINES and (self.kind == "li" or len(self.cells) > 1) else ""
        )

    @property
    def line(self) -> str:
        if self.line_kind == "li":
            return f"- {self.text}"
        if self.kind in HEADINGS:
            return f"{'#' * HEADINGS[self.kind]} {self.text}"
        if self.kind == "summary":
            return f"{'#' * SUMMARY_LEVEL} {self.text}"
        if not self.kind and self._typed_heading():
            return f"{'#' * BOLD_LEVEL} {self.text}"
        if self.line_kind != "tr":
            return self.text
        row = f"| {self.text} |"
        if self.cells and set(self.cells) == {"th"}:  # the header: a delimiter row follows
            row += "\n|" + "---|" * len(self.cells)
        return row

    def _typed_heading(self) -> bool:
        """All in bold, short and without a statement's closing punctuation."""
        text = self.text
        bold = _SPACE.sub(" ", "".join(self.bold_parts)).strip()
        return bold == text and heading_like(text)

    def is_furniture(self) -> bool:
        links = _SPACE.sub(" ", "".join(self.link_parts)).strip()
        return furniture_block(self.text, links)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip_depth = 0
        self._open: list[tuple[str, bool]] = []  # open elements: (tag, skipped with its content)
        self._link_depth = 0
        self._bold_depth = 0
        self._open_regions: dict[str, int] = {name: 0 for name in REGIONS}
        self._blocks: list[_Block] = [_Block()]
        self._in_title = self._in_h1 = False
        self._title = self._h1 = ""
        self._meta_title: str | None = None
        self._dates: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta":
            self._read_meta(values)
        elif tag == "time" and values.get("datetime"):
            self._dates.append(values["datetime"])
        elif tag == "title":
            self._in_title = True
        if tag == "body":
            self._skip_depth, self._open = 0, []  # a <head> left open ends here
        if tag not in VOID:
            skipped = tag in SKIPPED or furniture_element(tag, values)
            self._open.append((tag, skipped))
            self._skip_depth += skipped
        if tag == "a":
            self._link_depth += 1
        if tag in BOLD:
            self._bold_depth += 1
        if tag in self._open_regions:
            self._open_regions[tag] += 1
        if tag == "h1":
            self._in_h1 = True
        if tag in CELLS:
            self._continue_block(" | ")  # the row's next cell
            if not self._skip_depth:
                self._blocks[-1].cells.append(tag)
        elif tag == "dd" and self._blocks[-1].kind == "dt":
            self._continue_block(": ")  # the term's definition
        elif tag in BLOCKS:
            self._new_block(tag if tag in (*LINES, "dt", "summary", *HEADINGS) else None)

    def handle_endtag(self, tag: str) -> None:
        if any(name == tag for name, _ in reversed(self._open)):  # it, and what it left open
            while self._open:
                name, skipped = self._open.pop()
                self._skip_depth -= skipped
                if name == tag:
                    break
        if tag == "a" and self._link_depth:
            self._link_depth -= 1
        if tag in BOLD and self._bold_depth:
            self._bold_depth -= 1
        if tag in self._open_regions and self._open_regions[tag]:
            self._open_regions[tag] -= 1
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in BLOCKS and tag != "dt":  # a term's block goes on with its definition
            self._new_block("")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title += data
        if self._in_h1:
            self._h1 += data
        if self._skip_depth:
            return
        self._blocks[-1].parts.append(data)
        if self._link_depth:
            self._blocks[-1].link_parts.append(data)
        if self._bold_depth:
            self._blocks[-1].bold_parts.append(data)

    def _read_meta(self, values: dict[str, str]) -> None:
        key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
        content = values.get("content", "").strip()
        if not content:
            return
        if key in ("og:title", "twitter:title") and self._meta_title is None:
            self._meta_title = content
        elif key in DATE_META:
            self._dates.append(content)

    def _new_block(self, kind: str | None) -> None:
        """A block starts (of `kind`; None: of the kind an empty block already has, so that
        in "<li><p>" the paragraph is the item)."""
        current = self._blocks[-1]
        regions = frozenset(name for name, depth in self._open_regions.items() if depth)
        if current.text:
            self._blocks.append(_Block(regions=regions, kind=kind or ""))
        else:
            current.regions = regions
            current.kind = current.kind if kind is None else kind

    def _continue_block(self, separator: str) -> None:
        if self._blocks[-1].text and not self._skip_depth:
            self._blocks[-1].parts.append(separator)

    def main_text(self) -> str:
        blocks = [b for b in self._blocks if b.text and not b.is_furniture()]
        for region in REGIONS:
            inside = [b for b in blocks if region in b.regions]
            if inside:
                blocks = inside
                break
        text = ""
        for before, block in zip([None, *blocks], blocks, strict=False):
            if before is not None:
                text += "\n" if block.line_kind and block.line_kind == before.line_kind else "\n\n"
            text += block.line
        return text

    def best_title(self) -> str | None:
        for candidate in (self._meta_title, self._title, self._h1):
            if candidate and candidate.strip():
                return _SPACE.sub(" ", candidate).strip()
        return None

    def best_date(self) -> str | None:
        return next((day for day in map(iso_day, self._dates) if day), None)
