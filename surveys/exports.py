"""CSV and XLSX downloads. Cells that a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A file name's length before its suffix: well inside every file system's limit of 255.
MAX_STEM = 150


def download_name(*parts: object, suffix: str) -> str:
    """A download's file name from what it holds, e.g. ``forces-2022-vendor-hikvision.xlsx``:
    lower-case ASCII letters, digits and hyphens. It ends before the first part that would
    take it past MAX_STEM characters, so no part is cut in two."""
    stem = ""
    for part in parts:
        slug = re.sub(r"-{2,}", "-", slugify(str(part)).replace("_", "-")).strip("-")
        if len(stem) + len(slug) + 1 > MAX_STEM:
            break
        if slug:
            stem = f"{stem}-{slug}" if stem else slug
    return f"{stem or 'download'}.{suffix}"


def escape_cell(value: object) -> object:
    """Prefix text that starts like a formula with an apostrophe (OWASP CSV injection), and
    text that starts with an apostrophe too, so that importing removes exactly one."""
    if isinstance(value, str) and value.startswith((*FORMULA_PREFIXES, "'")):
        return "'" + value
    return "" if value is None else value


class Echo:
    """A file for csv.writer that returns each row's text instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, filename: str
) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV (with a BOM so spreadsheets read it as UTF-8)."""
    writer = csv.writer(Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([escape_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    filename: str,
    title: str,
    about: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """The rows as a workbook; ``about`` (what, filters, source, licence...) as a second
    sheet "About", so that the file says what it holds wherever it is sent."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    if about:
        about_sheet = book.create_sheet(title="About")
        for label, text in about:
            about_sheet.append([escape_cell(label), escape_cell(text)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
