"""Large downloads built once per data version, then served as files.

The first request after a change builds the file (``var/downloads/`` by default, the
``DOWNLOADS_DIR`` setting), writing a temporary file and renaming it, so a half-written file is
never served. A build that takes longer than ``BUILD_WAIT`` seconds goes on in a background
thread, guarded by a file lock so that one process builds it at a time, while the request is
told "being prepared, retry in N s" (503 with Retry-After): no request waits past the worker
timeout, and memory stays flat because the rows are written as they are read. A file's name
holds the database, the code version, the data version and the time the data last changed:
a change of any of them is a new file, and the files of the old versions are removed.
Served with ``Content-Length`` and single byte ranges.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from surveys.caching import code_version
from surveys.exports import Echo, escape_cell
from surveys.models import DataVersion

BUILD_WAIT = 3.0  # seconds a request waits for a build before it is told to retry
FIRST_GUESS = 15  # seconds to suggest for a retry before any build has been timed
CHUNK = 64 * 1024

Chunks = Callable[[], Iterable[str | bytes]]


def directory() -> Path:
    return Path(getattr(settings, "DOWNLOADS_DIR", settings.BASE_DIR / "var" / "downloads"))


def _database() -> str:
    return hashlib.sha256(str(connection.settings_dict.get("NAME", "")).encode()).hexdigest()[:8]


def current_path(name: str, suffix: str) -> Path:
    """Where the download ``name`` of the data as they are now is (or will be) built."""
    version, changed = DataVersion.objects.filter(pk=1).values_list(
        "version", "changed_at"
    ).first() or (0, None)
    stamp = int(changed.timestamp() * 1_000_000) if changed else 0
    return directory() / f"{name}.{_database()}.{code_version()}.{version}.{stamp}{suffix}"


def serve(
    request, *, name: str, suffix: str, chunks: Chunks, content_type: str, filename: str
) -> HttpResponse:
    """The download as a file, built first if need be; or a 503 asking to retry."""
    path = current_path(name, suffix)
    if not path.exists() and not build(path, name, chunks):
        return preparing(name)
    return file_response(request, path, content_type=content_type, filename=filename)


def build(path: Path, name: str, chunks: Chunks, *, background: bool | None = None) -> bool:
    """Build ``path`` unless it is being built; whether it is there within ``BUILD_WAIT``.

    Inside a transaction (a test, a preview) another connection would not see what this one
    sees, so the build is made here and now (``background`` None: decide so).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if background is None:
        background = not connection.in_atomic_block
    if not background:
        _write(path, name, chunks)
        return True
    threading.Thread(target=_build_in_background, args=(path, name, chunks), daemon=True).start()
    deadline = time.monotonic() + BUILD_WAIT
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return path.exists()


def _build_in_background(path: Path, name: str, chunks: Chunks) -> None:
    try:
        with _lock(path.parent / f".{name}.{_database()}.lock") as held:
            if held and not path.exists():
                _write(path, name, chunks)
    finally:
        connections.close_all()  # this thread's own connections


class _lock:
    """An exclusive, non-blocking lock on a file, shared by every process on the machine."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> bool:
        self.file = self.path.open("a")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def __exit__(self, *exc) -> None:
        self.file.close()  # releases the lock


def _write(path: Path, name: str, chunks: Chunks) -> None:
    started = time.monotonic()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with temporary.open("wb") as out:
            for chunk in chunks():
                out.write(chunk.encode() if isinstance(chunk, str) else chunk)
        os.replace(temporary, path)  # atomic: the file is whole or absent
    finally:
        temporary.unlink(missing_ok=True)
    _timing(name).write_text(f"{time.monotonic() - started:.1f}")
    clean(name, keep=path)


def _timing(name: str) -> Path:
    return directory() / f".{name}.{_database()}.seconds"


def clean(name: str, *, keep: Path) -> None:
    """Remove the files of older versions of ``name`` (and temporary files left by a build
    that died more than an hour ago)."""
    prefix = f"{name}.{_database()}."
    for path in directory().iterdir():
        old_temporary = path.name.endswith(".tmp") and time.time() - path.stat().st_mtime > 3600
        if (path.name.startswith(prefix) and path != keep) or old_temporary:
            path.unlink(missing_ok=True)


def preparing(name: str) -> HttpResponse:
    try:
        seconds = max(1, round(float(_timing(name).read_text())))
    except (OSError, ValueError):
        seconds = FIRST_GUESS
    response = HttpResponse(
        f"This download is being prepared from the latest data. Please retry in {seconds} s.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def file_response(request, path: Path, *, content_type: str, filename: str) -> HttpResponse:
    """The file with its length; one byte range when asked (``Range: bytes=a-b``)."""
    size = path.stat().st_size
    wanted = _range(request.headers.get("Range", ""), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    disposition = f'attachment; filename="{filename}"'
    if wanted is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            _part(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = disposition
    response["Accept-Ranges"] = "bytes"
    return response


def _range(header: str, size: int) -> tuple[int, int] | str | None:
    """One byte range of a file of ``size`` bytes; None for the whole file (no header, one we
    do not serve, several ranges)."""
    match = RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


def _part(path: Path, start: int, length: int):
    with path.open("rb") as file:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Rows as UTF-8 CSV text in large pieces, exactly as ``exports.csv_response`` writes them."""
    writer = csv.writer(Echo())
    buffer = ["\ufeff" + writer.writerow(header)]
    for row in rows:
        buffer.append(writer.writerow([escape_cell(v) for v in row]))
        if len(buffer) >= 1000:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)
