"""The first worksheet of an XLSX workbook, read as a stream of XML events, never as a grid.

A workbook is a zip of XML parts, and its size on disk says little of what it holds: a 60 KB
file can declare a sheet of 16,384 columns by 50,001 rows (openpyxl's read-only reader then
pads every row to it), a row can hold every cell with a format and no value, and a few
megabytes can inflate to gigabytes. So only cells that hold a value within the columns an
import can have are kept, every part is inflated through a counted stream, and reading stops at
the first limit passed: settings.IMPORT_MAX_UNCOMPRESSED_BYTES unzipped, MAX_ELEMENTS XML
elements, settings.IMPORT_MAX_BYTES characters of text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from xml.parsers import expat

from django.conf import settings

from surveys.editorial.import_bounds import (
    MAX_CELL_LENGTH,
    MAX_ELEMENTS,
    MAX_PARTS,
    SHEET_COLUMNS,
    SHEET_ROWS,
    ImportFileError,
)

CHUNK = 64 * 1024

UNREADABLE = "The file is not a readable XLSX workbook."
# Transitional and strict OOXML name the same elements in different namespaces.
NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/package/2006/relationships",
)


def _names(*local: str) -> dict[str, str]:
    """Each element's expat name (namespace, a space, local name) -> its local name."""
    return {f"{ns} {name}": name for ns in NAMESPACES for name in local} | {n: n for n in local}


def xlsx_rows(data: bytes, width: int) -> Iterator[tuple[int, list[str]]]:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError) as exc:
        raise ImportFileError(UNREADABLE) from exc
    with book:
        if len(book.infolist()) > MAX_PARTS:
            raise ImportFileError(f"{UNREADABLE} It has more than {MAX_PARTS} parts.")
        try:
            yield from _Workbook(book, width).rows()
        except (
            zipfile.BadZipFile,  # also a part longer or shorter than its declared size
            zlib.error,
            EOFError,
            NotImplementedError,  # a compression method zipfile does not know
            RuntimeError,  # an encrypted part
            ValueError,  # a row or string number that is not a number
            expat.ExpatError,
        ) as exc:
            raise ImportFileError(UNREADABLE) from exc


def _refuse_dtd(*args) -> None:
    raise ImportFileError(f"{UNREADABLE} A part declares a DTD.")


def _ignore(*args) -> None:
    pass


class _Workbook:
    """The first worksheet of a workbook, read as a stream. The parts read count against
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES and MAX_ELEMENTS, the text kept against
    settings.IMPORT_MAX_BYTES characters (what a CSV upload may hold)."""

    def __init__(self, book: zipfile.ZipFile, width: int) -> None:
        self.book = book
        self.width = width
        self.inflated_left = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
        self.elements_left = MAX_ELEMENTS
        self.text_left = settings.IMPORT_MAX_BYTES

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        workbook = self._target("", "/officeDocument") or "xl/workbook.xml"
        folder = posixpath.dirname(workbook)
        rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        relationships = self._relationships(rels, folder)
        worksheets = [
            relationships[rid][1]
            for rid in (_attribute(sheet, "id") for sheet in self._elements(workbook, "sheet"))
            if rid in relationships and relationships[rid][0].endswith("/worksheet")
        ]
        if not worksheets:
            raise ImportFileError(f"{UNREADABLE} It has no worksheet.")
        strings = _Strings()
        for kind, target in relationships.values():
            if kind.endswith("/sharedStrings"):
                strings.read(self, target)
                break
        yield from _SheetReader(self, strings).rows(worksheets[0])

    def chunks(self, name: str) -> Iterator[bytes]:
        """A part's bytes as inflated, counted: reading stops at the limit, whatever the
        part declares (a declared size can lie; zipfile also stops at it)."""
        try:
            info = self.book.getinfo(name)
        except KeyError:
            raise ImportFileError(f"{UNREADABLE} Its part {name} is missing.") from None
        if info.file_size > self.inflated_left:
            raise self._too_big()
        with self.book.open(info) as part:
            while chunk := part.read(CHUNK):
                self.inflated_left -= len(chunk)
                if self.inflated_left < 0:
                    raise self._too_big()
                yield chunk

    def _too_big(self) -> ImportFileError:
        limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
        return ImportFileError(
            f"The workbook holds more than {limit:,} bytes once unzipped, the most one import "
            "reads: copy the answers alone into a new workbook, or save them as CSV."
        )

    def spend_text(self, length: int) -> None:
        self.text_left -= length
        if self.text_left < 0:
            raise ImportFileError(
                f"The workbook's cells hold more than {settings.IMPORT_MAX_BYTES:,} characters, "
                "more than a CSV upload may: split it into several files."
            )

    def parse(
        self, name: str, names: dict[str, str], start: Callable, end: Callable, text: Callable
    ) -> Iterator[None]:
        """Feed a part to expat chunk by chunk, yielding after each so the caller can hand on
        what the handlers collected. The handlers get the local names of the elements in
        ``names`` only. Every element counts against MAX_ELEMENTS; a DTD (and so any entity,
        the stuff of "billion laughs") is refused."""

        def on_start(tag: str, attributes: dict[str, str]) -> None:
            self.elements_left -= 1
            if self.elements_left < 0:
                raise ImportFileError(
                    f"The workbook has more than {MAX_ELEMENTS:,} cells, rows and strings, "
                    "counting empty formatted cells: copy the answers alone into a new "
                    "workbook, or save them as CSV."
                )
            if local := names.get(tag):
                start(local, attributes)

        def on_end(tag: str) -> None:
            if local := names.get(tag):
                end(local)

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        parser.StartElementHandler = on_start
        parser.EndElementHandler = on_end
        parser.CharacterDataHandler = text
        parser.buffer_text = True
        for chunk in self.chunks(name):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
        yield

    def _elements(self, name: str, local: str) -> list[dict[str, str]]:
        """The attributes of every element ``local`` of a (small) part."""
        found: list[dict[str, str]] = []
        for _ in self.parse(name, _names(local), lambda _, a: found.append(a), _ignore, _ignore):
            pass
        return found

    def _relationships(self, name: str, folder: str) -> dict[str, tuple[str, str]]:
        """A .rels part: each relationship's id -> (type, target part's name)."""
        relationships = {}
        for rel in self._elements(name, "Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            relationships[rel.get("Id", "")] = (rel.get("Type", ""), target)
        return relationships

    def _target(self, folder: str, kind: str) -> str | None:
        rels = posixpath.join(folder, "_rels", ".rels")
        for rel_kind, target in self._relationships(rels, folder).values():
            if rel_kind.endswith(kind):
                return target
        return None


def _attribute(attributes: dict[str, str], local: str) -> str:
    """An attribute by its name without namespace (r:id is a namespaced "id")."""
    for name, value in attributes.items():
        if name.rpartition(" ")[2] == local:
            return value
    return ""


class _Text:
    """Character data of the element being collected, kept to MAX_CELL_LENGTH + 1 characters
    (a longer cell is refused by row and column when validating)."""

    def __init__(self) -> None:
        self.on = False
        self.parts: list[str] = []
        self.length = 0

    def reset(self) -> None:
        self.on, self.parts, self.length = False, [], 0

    def add(self, data: str) -> None:
        if self.on and self.length <= MAX_CELL_LENGTH:
            data = data[: MAX_CELL_LENGTH + 1 - self.length]
            self.parts.append(data)
            self.length += len(data)

    def value(self) -> str:
        return "".join(self.parts).strip()


class _Strings:
    """The workbook's table of strings that cells refer to by number, kept as one text and
    where each string ends: a table of millions of short strings costs bytes per string, not
    a Python object each. Its text counts against the workbook's text limit."""

    NAMES = _names("si", "t", "rPh")

    def __init__(self) -> None:
        self.text = ""
        self.ends = array("Q", [0])

    def read(self, workbook: _Workbook, name: str) -> None:
        text, entry = io.StringIO(), _Text()
        phonetic = 0  # inside a run of phonetic text, which is not the string's

        def start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal phonetic
            if tag == "si":
                entry.reset()
            elif tag == "rPh":
                phonetic += 1
            elif not phonetic:
                entry.on = True

        def end(tag: str) -> None:
            nonlocal phonetic
            if tag == "t":
                entry.on = False
            elif tag == "rPh":
                phonetic -= 1
            else:
                value = entry.value()
                workbook.spend_text(len(value))
                text.write(value)
                self.ends.append(self.ends[-1] + len(value))

        for _ in workbook.parse(name, self.NAMES, start, end, entry.add):
            pass
        self.text = text.getvalue()

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.ends) - 1:
            raise ImportFileError(f"{UNREADABLE} A cell refers to a missing string.")
        return self.text[self.ends[index] : self.ends[index + 1]]


def _column(reference: str) -> int:
    """A cell reference's column number: "A1" -> 1, "XFD7" -> 16384."""
    letters = reference.rstrip("0123456789").upper()
    if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        raise ImportFileError(f"{UNREADABLE} It has a cell at {reference[:20]!r}.")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _number(text: str) -> str:
    """A number cell as text: a whole number without ".0" (2022, not 2022.0)."""
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


class _SheetReader:
    """A worksheet's rows: only cells with a value within the workbook's width are kept."""

    NAMES = _names("row", "c", "v", "f", "t", "rPh")

    def __init__(self, workbook: _Workbook, strings: _Strings) -> None:
        self.workbook = workbook
        self.strings = strings
        self.width = workbook.width
        self.ready: list[tuple[int, list[str]]] = []
        self.row: dict[int, str] = {}
        self.row_number = self.column = 0
        self.kind = ""
        self.keep = False  # inside a cell within the width
        self.value, self.inline = _Text(), _Text()
        self.formula: _Text | None = None
        self.collect: _Text | None = None
        self.phonetic = 0  # inside a run of phonetic text, which is not the cell's

    def rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        for _ in self.workbook.parse(name, self.NAMES, self.start, self.end, self.text):
            yield from self.ready
            self.ready.clear()

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "c":
            reference = attributes.get("r")
            self.column = _column(reference) if reference else self.column + 1
            if self.column > SHEET_COLUMNS:
                raise ImportFileError(f"{UNREADABLE} It has a cell beyond column XFD.")
            self.keep = self.column <= self.width
            if self.keep:
                self.kind = attributes.get("t", "n")
                self.formula = None
                self.value.reset()
                self.inline.reset()
        elif tag == "row":
            number = int(attributes["r"]) if "r" in attributes else self.row_number + 1
            if not self.row_number < number <= SHEET_ROWS:
                raise ImportFileError(f"{UNREADABLE} Its rows are out of order.")
            self.row, self.row_number, self.column = {}, number, 0
        elif tag == "rPh":
            self.phonetic += 1
        elif not self.keep:
            return
        elif tag == "v":
            self.collect = self.value
        elif tag == "f":
            self.collect = self.formula = _Text()
        elif not self.phonetic:  # a <t> of an inline string
            self.collect = self.inline
        if self.collect is not None:
            self.collect.on = True

    def end(self, tag: str) -> None:
        if tag == "c":
            if self.keep and (text := self._cell()):
                self.workbook.spend_text(len(text))
                self.row[self.column] = text
            self.keep = False
        elif tag == "row":
            if self.row:
                cells = [self.row.get(i, "") for i in range(1, self.width + 1)]
                self.ready.append((self.row_number, cells))
        elif tag == "rPh":
            self.phonetic -= 1
        elif self.collect is not None:
            self.collect.on = False
            self.collect = None

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.add(data)

    def _cell(self) -> str:
        if self.formula is not None:
            # Its text, not the value it last computed: refused as a formula, never hidden.
            return "=" + self.formula.value()
        value = self.value.value()
        if self.kind == "s":
            return self.strings[int(value)] if value else ""
        if self.kind == "inlineStr":
            return self.inline.value()
        if self.kind == "b":
            return {"1": "True", "0": "False"}.get(value, value)
        if self.kind in ("str", "e", "d"):
            return value
        return _number(value)
