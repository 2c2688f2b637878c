"""Shared fixtures for tests of the data files."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
# Plain `pytest` (not `python -m pytest`) does not put the repository root on the path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def atlas():
    """The real atlas, loaded once for the whole run."""
    from geo.atlas import load_atlas

    return load_atlas(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break without touching the real files."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


@pytest.fixture
def edit_yaml(data_copy: Path) -> Callable[[str, Callable[[Any], None]], Path]:
    """Load a YAML file of the data copy, let `change` edit it in place, write it back.

    Usage: edit_yaml("places.yaml", lambda data: data["places"][0].pop("name"))
    """

    def edit(name: str, change: Callable[[Any], None]) -> Path:
        path = data_copy / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return edit
