"""An Office Open XML file (.docx, .xlsx): a zip of XML parts, read within bounds.

Word and Excel files are zips of XML parts, read here with the standard library. Every
part is unpacked only after its stated size is checked, and all parts read together
may not unpack to more than MAX_UNPACKED_BYTES (a small zip can unpack to gigabytes); a
part that declares a document type (a DTD, which Office never writes and whose entity
expansion could blow up) is refused. Any fault of the zip or its XML is an
UnreadableFile naming the file and what it was to be ("... is not a readable Word
document"). The document's title and creation date are its core properties
(`docProps/core.xml`).
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

from service.core.errors import TooComplex, UnreadableFile

MAX_UNPACKED_BYTES = 64_000_000
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CORE_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_CORE_CREATED = "{http://purl.org/dc/terms/}created"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SPACE = re.compile(r"\s+")
_ZIP_FAULTS = (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError)


class Package:
    """The parts of one open Office file, each read at most once against a shared budget."""

    def __init__(self, archive: zipfile.ZipFile, name: str, kind: str) -> None:
        self._archive = archive
        self.name = name
        self.kind = kind  # what the file is to be: "Word document", "Excel workbook"
        self._unpacked = 0

    def unreadable(self, why: str = "") -> UnreadableFile:
        return UnreadableFile(f"{self.name} is not a readable {self.kind}{why}")

    def part(self, path: str) -> bytes | None:
        """The part's bytes; None when the file has no such part."""
        try:
            info = self._archive.getinfo(path)
        except KeyError:
            return None
        self._unpacked += info.file_size
        if self._unpacked > MAX_UNPACKED_BYTES:
            raise TooComplex(f"{self.name} unpacks to over {MAX_UNPACKED_BYTES} bytes")
        try:
            return self._archive.read(info)
        except _ZIP_FAULTS as exc:
            raise self.unreadable() from exc

    def xml(self, path: str) -> ElementTree.Element | None:
        """The part's XML root; None when the file has no such part."""
        data = self.part(path)
        return None if data is None else self.parse(data)

    def parse(self, data: bytes) -> ElementTree.Element:
        self.check_no_dtd(data)
        try:
            return ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise self.unreadable() from exc

    def check_no_dtd(self, data: bytes) -> None:
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise self.unreadable(" (it declares a DTD)")

    def related(self, path: str) -> dict[str, str]:
        """The parts the part at `path` names by relationship id (in its `_rels` part):
        each id's target as a path in the file. Attribute names are read in lower case."""
        folder, file = posixpath.split(path)
        rels = self.xml(posixpath.join(folder, "_rels", f"{file}.rels"))
        related = {}
        for rel in [] if rels is None else rels.iter(_RELATIONSHIP):
            attributes = {key.lower(): value for key, value in rel.attrib.items()}
            target = attributes.get("target", "")  # the related part, from this folder
            absolute = target.startswith("/")
            related[attributes.get("id", "")] = posixpath.normpath(
                target.lstrip("/") if absolute else posixpath.join(folder, target)
            )
        return related

    def properties(self) -> tuple[str | None, str | None]:
        """The document's title and creation day, where its core properties set them."""
        core = self.xml("docProps/core.xml")
        if core is None:
            return None, None
        title = SPACE.sub(" ", core.findtext(_CORE_TITLE) or "").strip() or None
        return title, _day(core.findtext(_CORE_CREATED) or "")


@contextmanager
def open_package(data: bytes, name: str, kind: str) -> Iterator[Package]:
    """The file `data`, called `name`, opened as an Office file of the given kind."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_FAULTS as exc:
        raise UnreadableFile(f"{name} is not a readable {kind}") from exc
    with archive:
        yield Package(archive, name, kind)


def _day(created: str) -> str | None:
    """The day of a W3C date-time ("2026-03-04T09:30:00Z"); None for any other value (a
    document's property costs it its date, never its upload)."""
    day = _ISO_DAY.match(created.strip())
    try:
        return datetime.date.fromisoformat(day.group(0)).isoformat() if day else None
    except ValueError:
        return None
