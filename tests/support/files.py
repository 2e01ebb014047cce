"""Small files of every supported format, made by the tests themselves."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Sequence

from fpdf import FPDF

# A PDF header and then garbage: pypdf cannot read it ("not a readable PDF").
CORRUPT_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage without an end"


def pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    """A real PDF with one text page per item (an empty item makes a page with no text)."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
        else:
            pdf.rect(20, 20, 60, 40)  # a drawing, no text: what a scan looks like to pypdf
    return bytes(pdf.output())


ARTICLE_HTML = """<!doctype html>
<html><head>
<title>Bridge reopens | Town Gazette</title>
<meta property="og:title" content="The old bridge reopens">
<meta property="article:published_time" content="2024-05-01T08:00:00+02:00">
<style>p { color: red }</style><script>var tracking = "pixel";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<header>Town Gazette: all the news</header>
<article>
<h1>The old bridge reopens</h1>
<p>The old bridge reopened on Friday after two years of repairs.</p>
<script>alert("never text")</script>
<p>Engineers replaced the <b>steel cables</b> &amp; the deck.</p>
</article>
<aside>Subscribe to our newsletter</aside>
<footer>Copyright Town Gazette</footer>
</body></html>
"""


def hostile_pdf(pages: int, text_operators: int) -> bytes:
    """A small PDF whose pages all share one content stream of `text_operators` operators:
    a few KB on disk, and seconds of text extraction per page."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    content = DecodedStreamObject()
    content.set_data(("BT /F1 12 Tf 72 720 Td " + "(ab) Tj " * text_operators + "ET").encode())
    shared = writer._add_object(content.flate_encode())
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(body: str, title: str | None = None, created: str | None = None) -> bytes:
    """A Word document whose body is the `body` XML (w: elements), with its properties."""
    return _office_zip(
        {
            "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document '
            f'xmlns:w="{WORD_NS}" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f"<w:body>{body}</w:body></w:document>",
        },
        title,
        created,
    )


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_bytes(
    sheets: list[tuple[str, str]],
    strings: Sequence[str] = (),
    formats: dict[int, str] | None = None,
    styles: Sequence[int] = (),
    hidden: frozenset[str] = frozenset(),
    title: str | None = None,
    created: str | None = None,
) -> bytes:
    """An Excel workbook of (name, sheetData XML) sheets, with its shared strings, custom
    number formats (id -> code), cell styles (each a number format id) and properties."""
    listed = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"'
        + (' state="hidden"' if name in hidden else "")
        + "/>"
        for n, (name, _) in enumerate(sheets, 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="worksheet"/>'
        for n in range(1, len(sheets) + 1)
    )
    numbers = "".join(
        f'<numFmt numFmtId="{n}" formatCode="{html.escape(code)}"/>'
        for n, code in (formats or {}).items()
    )
    cell_styles = "".join(f'<xf numFmtId="{n}"/>' for n in styles)
    members = {
        "xl/workbook.xml": f'<workbook xmlns="{SHEET_NS}" xmlns:r="{RELS_NS}">'
        f"<sheets>{listed}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org'
        f'/package/2006/relationships">{rels}</Relationships>',
        "xl/sharedStrings.xml": f'<sst xmlns="{SHEET_NS}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>",
        "xl/styles.xml": f'<styleSheet xmlns="{SHEET_NS}"><numFmts>{numbers}</numFmts>'
        f"<cellXfs>{cell_styles}</cellXfs></styleSheet>",
    }
    for n, (_, data) in enumerate(sheets, 1):
        members[f"xl/worksheets/sheet{n}.xml"] = (
            f'<worksheet xmlns="{SHEET_NS}"><sheetData>{data}</sheetData></worksheet>'
        )
    return _office_zip(members, title, created)


PRESENTATION_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def pptx_bytes(slides: list[str], hidden: frozenset[int] = frozenset(), title: str = "") -> bytes:
    """A PowerPoint presentation of slides whose shape trees are the `slides` XML (p: and a:
    elements); slides numbered in `hidden` (from 1) are hidden."""
    listed = "".join(f'<p:sldId id="{255 + n}" r:id="rId{n}"/>' for n in range(1, len(slides) + 1))
    rels = "".join(
        f'<Relationship Id="rId{n}" Target="slides/slide{n}.xml" Type="slide"/>'
        for n in range(1, len(slides) + 1)
    )
    spaces = f'xmlns:p="{PRESENTATION_NS}" xmlns:a="{DRAWING_NS}" xmlns:r="{RELS_NS}"'
    members = {
        "ppt/presentation.xml": f"<p:presentation {spaces}><p:sldIdLst>{listed}</p:sldIdLst>"
        "</p:presentation>",
        "ppt/_rels/presentation.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/relationships">{rels}</Relationships>',
    }
    for n, tree in enumerate(slides, 1):
        show = ' show="0"' if n in hidden else ""
        members[f"ppt/slides/slide{n}.xml"] = (
            f"<p:sld {spaces}{show}><p:cSld><p:spTree>{tree}</p:spTree></p:cSld></p:sld>"
        )
    return _office_zip(members, title or None, None)


def _office_zip(members: dict[str, str], title: str | None, created: str | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for name, text in members.items():
            archive.writestr(name, text)
        properties = "".join(
            [
                f"<dc:title>{title}</dc:title>" if title else "",
                f"<dcterms:created>{created}</dcterms:created>" if created else "",
            ]
        )
        archive.writestr(
            "docProps/core.xml",
            '<?xml version="1.0"?><cp:coreProperties xmlns:cp="urn:cp" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
            f"{properties}</cp:coreProperties>",
        )
    return out.getvalue()


def with_members(data: bytes, changed: dict[str, str | None]) -> bytes:
    """The zip `data` with the named members' text replaced, or left out where None."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in changed:
                target.writestr(info.filename, source.read(info))
            elif (text := changed[info.filename]) is not None:
                target.writestr(info.filename, text)
    return out.getvalue()
