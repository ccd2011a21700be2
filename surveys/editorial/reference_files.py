"""The reference data files (``surveys/data/*.yaml``): where they are, each read as YAML, and
the digest of them all that a load records."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataFileError(Exception):
    pass


def read_data(name: str, data_dir: Path = DATA_DIR) -> Any:
    path = data_dir / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc


def files_digest(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
