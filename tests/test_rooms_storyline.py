"""A room that carries its storyline's own text (RoomStore.keep_storyline): the same tests on SQLite
and on a private Redis."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from geo.atlas.storyline import MAX_FILE_BYTES
from geo.rooms.backends import open_store
from geo.rooms.store import ROOM_STORYLINE, NotPresenter, Room, RoomError, RoomGone

IDLE = 600.0
TEXT = "title: Mine <script>alert(1)</script>\nsteps:\n  - place: baku\n"


@pytest.fixture
def store(room_settings, clock):
    opened = open_store(replace(room_settings, idle_seconds=IDLE), clock)
    yield opened
    opened.shutdown()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_presenter_gives_the_room_its_storyline_and_the_class_reads_it(store):
    room, token = store.create(step=1)
    assert store.storyline_text(room.code) is None and store.storyline_digest(room.code) is None
    kept = store.keep_storyline(room.code, token, TEXT)
    assert kept == Room(room.code, 1, 2, ROOM_STORYLINE)  # it moves: the class's pages wake
    assert store.get(room.code) == kept
    assert store.storyline_text(room.code) == TEXT  # as written: the page escapes it when it shows it
    assert store.storyline_digest(room.code) == digest(TEXT)
    assert store.move(room.code, token, 2) == Room(room.code, 2, 3, ROOM_STORYLINE)  # a Next keeps it


def test_a_new_text_replaces_the_old(store):
    room, token = store.create()
    store.keep_storyline(room.code, token, TEXT)
    changed = TEXT + "  - place: stepanakert\n"
    assert store.keep_storyline(room.code, token, changed).version == 3
    assert store.storyline_text(room.code) == changed and store.storyline_digest(room.code) == digest(changed)


def test_only_the_presenter_writes_it(store):
    room, token = store.create()
    other, other_token = store.create()
    store.keep_storyline(room.code, token, TEXT)
    for forged in ("", "x" * 40, other_token):
        with pytest.raises(NotPresenter):
            store.keep_storyline(room.code, forged, "title: forged\nsteps: [baku]\n")
    assert store.storyline_text(room.code) == TEXT and store.get(room.code).version == 2
    assert store.storyline_text(other.code) is None


def test_a_text_longer_than_a_storyline_file_is_refused(store):
    room, token = store.create()
    with pytest.raises(RoomError, match="too long"):
        store.keep_storyline(room.code, token, "#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(RoomError, match="too long"):
        store.keep_storyline(room.code, token, "é" * (MAX_FILE_BYTES // 2 + 1))  # counted in bytes
    with pytest.raises(RoomError):
        store.keep_storyline(room.code, token, "")
    assert store.storyline_text(room.code) is None and store.get(room.code).version == 1
    store.keep_storyline(room.code, token, "#" * MAX_FILE_BYTES)  # the largest file fits


def test_the_text_goes_with_a_closed_room_and_never_shows_in_a_later_one(store, monkeypatch):
    from geo.rooms import store as rooms

    monkeypatch.setattr(rooms, "new_code", lambda: "HJK34")
    room, token = store.create()
    store.keep_storyline(room.code, token, TEXT)
    store.close(room.code, token)
    assert store.storyline_text("HJK34") is None
    with pytest.raises(RoomGone):
        store.keep_storyline(room.code, token, TEXT)
    store.create()  # the same code again
    assert store.storyline_text("HJK34") is None and store.storyline_digest("HJK34") is None


def test_the_text_expires_with_the_room(store, clock, monkeypatch):
    from geo.rooms import store as rooms

    monkeypatch.setattr(rooms, "new_code", lambda: "HJK34")
    room, token = store.create()
    clock.now += IDLE - 1
    store.keep_storyline(room.code, token, TEXT)  # a presenter action: it keeps the room alive
    clock.now += IDLE - 1
    assert store.storyline_text(room.code) == TEXT
    clock.now += 2
    assert store.storyline_text(room.code) is None and store.storyline_digest(room.code) is None
    if hasattr(store, "_redis"):
        assert IDLE < store._redis.ttl(store.key(room.code)) <= store.ttl  # Redis forgets it by itself
    store.create()  # the idle room's code is free again: its text does not come back
    assert store.storyline_text("HJK34") is None
