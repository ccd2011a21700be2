"""Peak memory of reading each hostile import file of tests/test_import_file_limits.py.

    DJANGO_SETTINGS_MODULE=obscc.test_settings .venv/bin/python scripts/import_memory.py

Prints, per file, its size, what reading it said and the reading process's peak memory.
"""

import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from tests.test_import_file_limits import HOSTILE, read_in_child  # noqa: E402

with tempfile.TemporaryDirectory() as folder:
    for name, (build, filename, _) in HOSTILE.items():
        data = build()
        path = Path(folder) / filename
        path.write_bytes(data)
        read = read_in_child(path, filename)
        print(f"{read['peak_mb']:>4} MB  {len(data):>10,} bytes  {name}: {read['outcome'][:70]}")
