"""Shared fixtures for tests of the data files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from geo.paths import ROOT
from geo.testing import Clock

DATA_DIR = ROOT / "data"


def _assert_data_error(exc: Exception, file: str, entry: str | None, field: str | None) -> None:
    """The message itself, not only the attributes, names the file, the entry and the field."""
    from geo.errors import DataError

    assert isinstance(exc, DataError), repr(exc)
    message = str(exc)
    assert message.startswith(f"{file}: "), message
    if entry is not None:
        assert f"entry '{entry}'" in message, message
    if field is not None:
        assert f"field '{field}'" in message, message
    assert (exc.file, exc.entry, exc.field) == (file, entry, field), message


@pytest.fixture(scope="session", autouse=True)
def rooms_dir(tmp_path_factory) -> Path:
    """Every room a test opens (in-process or in a server it starts) lives in a private folder."""
    import os

    folder = tmp_path_factory.mktemp("rooms")
    os.environ["ATLAS_ROOMS_DIR"] = str(folder)
    os.environ.pop("ATLAS_REDIS_URL", None)
    # Every test session and server it starts is one client address (this machine): the per-address
    # allowance of rooms is for a school, not for a test run that opens hundreds. The tests of the
    # limits give their own (tests/test_hostile_limits.py, tests/test_rooms.py).
    os.environ["ATLAS_ROOMS_PER_CLIENT"] = "10000"
    os.environ["ATLAS_ROOM_STARTS_PER_HOUR"] = "10000"
    return folder


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One private redis-server for the run (tests/redis_server.py); skipped without Debian's redis-server."""
    from tests.redis_server import running_redis

    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(params=["sqlite", "redis"])
def room_settings(request, tmp_path):
    """Where a test's rooms live, on each backend: a fresh SQLite folder, or the run's Redis emptied first."""
    from geo.rooms.store import StoreSettings

    if request.param == "sqlite":
        return StoreSettings(rooms_dir=tmp_path / "rooms")
    server = request.getfixturevalue("redis_server")
    import redis

    redis.Redis.from_url(server.url).flushdb()
    return StoreSettings(redis_url=server.url)


@pytest.fixture(scope="session")
def assert_data_error() -> Callable[[Exception, str, str | None, str | None], None]:
    """`assert_data_error(exc, file, entry, field)`: the DataError points at exactly that place."""
    return _assert_data_error


@pytest.fixture(scope="session")
def atlas():
    """The real atlas, loaded once for the whole run."""
    from geo.atlas.loader import load_atlas

    return load_atlas(DATA_DIR)


@pytest.fixture(scope="session")
def draft_sample_files() -> dict[str, bytes]:
    """The draft data folder of a short news item (tests/fixtures/geoparse/draft-sample.txt), every place kept:
    an atlas of another article, with the empty orientation layers and events file a draft starts with."""
    from geo.geoparser.draft import ArticleInfo, draft_files, find_places

    text = (ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt").read_text(encoding="utf-8")
    markdown, found = find_places(text, None)
    return draft_files(markdown, found, ArticleInfo(author="A. Reporter", publisher="Test News"))


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


HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def hostile_step(atlas):
    """A tour step whose place name, passage and note are all a script tag."""
    from dataclasses import replace

    from geo.atlas.tours import Step

    place = replace(atlas.by_slug["baku"], name=HOSTILE)
    passage = atlas.passages["baku"][0]
    sentence = HOSTILE + " " + passage.sentence
    passage = replace(passage, sentence=sentence, sentence_start=0, paragraph=sentence, spans=((0, len(HOSTILE)),))
    return Step(place, passage, 1, note=HOSTILE)


class Offered(dict):
    """Downloads by file name; a deferred one (a callable, made when clicked) is made when read."""

    def __getitem__(self, name: str) -> object:
        data = super().__getitem__(name)
        return data() if callable(data) else data


@pytest.fixture
def downloads(monkeypatch) -> dict[str, object]:
    """Every download a run offers, by file name, with its data."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    offered = Offered()
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        offered[file_name] = data
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(st._main, *a, **k))
    return offered


@pytest.fixture
def clock() -> Clock:
    """The rooms' clock, moved by hand."""
    return Clock()
