"""The text of a file of text, or of an HTML page, from its bytes in the encoding it uses.

Text files (.txt, .md, .csv, .tsv) are UTF-8; else UTF-16 where a byte-order mark opens
them (a spreadsheet's "Unicode text"); else Windows-1252 (cp1252), the "ANSI" code page
many programs save text in (a spreadsheet's plain CSV among them), where the file reads
as such. A page is UTF-8 or in the charset it declares.
"""

from __future__ import annotations

import codecs
import re

from service.core.errors import UnreadableFile

MAX_NON_ASCII = 0.2  # of a text read as Windows-1252: its characters beyond ASCII
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8; else UTF-16 where a byte-order mark opens it (a spreadsheet's "Unicode text");
    else Windows-1252 (cp1252), the "ANSI" code page many programs save text in (a
    spreadsheet's plain CSV among them), where that reads as such: no control character, and
    at most MAX_NON_ASCII of its characters beyond ASCII (text in another legacy encoding
    read so is mostly accented letters and symbols)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    unusual = sum(not char.isascii() for char in text) / max(len(text), 1)
    if text and unusual <= MAX_NON_ASCII and not _CONTROL.search(text):
        return text
    raise UnreadableFile(
        f"{name} is not UTF-8 text (nor UTF-16 with a byte-order mark, nor Windows-1252 "
        "text); save it as UTF-8"
    )


def decode_html(data: bytes, name: str) -> str:
    """UTF-8, or the charset the page declares in its first bytes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeError):  # "undefined" is a codec that always raises
            pass
    raise UnreadableFile(f"{name} is neither UTF-8 nor in the charset it declares")
