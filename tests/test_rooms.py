"""The room store (geo/rooms/): the same tests on SQLite and on a private Redis."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from geo.rooms import store as rooms
from geo.rooms.backends import open_store
from geo.rooms.sqlite_store import SqliteRoomStore
from geo.rooms.store import (
    CODE_ALPHABET,
    Conflict,
    NotPresenter,
    RateLimit,
    Room,
    RoomGone,
    RoomLimit,
    RoomLimits,
    RoomStore,
    StoreSettings,
    StoreUnavailable,
    read_room_param,
    settings_from_env,
    sqlite_path,
    token_hash,
)
from geo.rooms.watch import RoomWatch
from tests.redis_server import running_redis

IDLE = 600.0
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def settings(room_settings) -> StoreSettings:
    """Where a test's rooms live (conftest.py: SQLite, then Redis), with a short idle time."""
    return replace(room_settings, idle_seconds=IDLE)


@pytest.fixture
def store(settings, clock):
    opened = open_store(settings, clock)
    yield opened
    opened.shutdown()


def stored_fields(store) -> list[dict]:
    """Every room exactly as the backend holds it."""
    if isinstance(store, SqliteRoomStore):
        db = sqlite3.connect(store.path)
        db.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in db.execute("SELECT * FROM rooms")]
        finally:
            db.close()
    client = store._redis
    keys = [
        key for key in client.scan_iter(rooms.REDIS_PREFIX + "*") if rooms.CODE_RE.match(key[len(rooms.REDIS_PREFIX) :])
    ]
    return [client.hgetall(key) | {"code": key} for key in keys]


# Codes, links and settings ------------------------------------------------------------------


def test_codes_are_short_and_have_no_look_alikes():
    for confusing in "0OQ1IL2Z5S8B6GV":
        assert confusing not in CODE_ALPHABET
    codes = {rooms.new_code() for _ in range(200)}
    assert all(rooms.CODE_RE.match(code) for code in codes)
    assert len(codes) > 190  # drawn at random, not a sequence


def test_tokens_are_unguessable_and_only_their_hash_is_kept():
    tokens = {rooms.new_token() for _ in range(50)}
    assert len(tokens) == 50 and all(rooms.plausible_token(t) and len(t) >= 32 for t in tokens)
    token = next(iter(tokens))
    assert token_hash(token) != token and len(token_hash(token)) == 64


@pytest.mark.parametrize(
    ("raw", "code"),
    [("ACDEF", "ACDEF"), ("acdef", "ACDEF"), (" ac-def ", "ACDEF"), (["XXXXX", "HJK34"], "HJK34"), ("ac def", "ACDEF")],
)
def test_room_links_are_read_as_typed(raw, code):
    assert read_room_param(raw) == (code, None)


@pytest.mark.parametrize("raw", [None, "", []])
def test_no_room_is_no_notice(raw):
    assert read_room_param(raw) == (None, None)


@pytest.mark.parametrize("raw", [HOSTILE, "ABCDE", "OOOOO", "ACDE", "ACDEFH", "A" * 5000, "ÀCDEF", "AC%44EF", "1e3"])
def test_malformed_room_codes_get_a_notice_that_echoes_nothing(raw):
    code, notice = read_room_param(raw)
    assert code is None and notice
    assert "<" not in notice and raw not in notice


def test_the_class_link_names_the_room_and_a_storyline_other_than_the_first():
    base = "https://atlas.example/Classroom_tour?step=4#top"
    assert rooms.class_link(base, "HJK34") == "https://atlas.example/Classroom_tour?room=HJK34"
    assert (
        rooms.class_link(base, "HJK34", "chronology")
        == "https://atlas.example/Classroom_tour?tour=chronology&room=HJK34"
    )
    secret = rooms.presenter_link(base, "HJK34", "t" * 32, "chronology")
    assert secret == (
        f"https://atlas.example/app/static/atlas/presenter.html#tour=chronology&room=HJK34&presenter={'t' * 32}"
    )


def test_settings_come_from_the_environment():
    assert settings_from_env({}) == StoreSettings(None, None, rooms.DEFAULT_IDLE_MINUTES * 60)
    env = {"ATLAS_REDIS_URL": " redis://:secret@db:6380/2 ", "ATLAS_ROOMS_DIR": "/srv/rooms"}
    settings = settings_from_env({**env, "ATLAS_ROOM_IDLE_MINUTES": "45"})
    assert settings == StoreSettings("redis://:secret@db:6380/2", Path("/srv/rooms"), 45 * 60)
    assert "secret" not in settings.describe() and "db:6380" in settings.describe()
    for bad in ("-5", "0", "nan", "inf", "soon"):
        assert settings_from_env({"ATLAS_ROOM_IDLE_MINUTES": bad}).idle_seconds == rooms.DEFAULT_IDLE_MINUTES * 60
    assert "rooms.sqlite3" in StoreSettings(rooms_dir=Path("/srv/rooms")).describe()


def test_the_settings_read_only_the_variables_the_app_watches_for_a_change():
    """geo/app/presenting.py reads the settings again only when one of STORE_ENV changes."""

    class Recording(dict):
        def __init__(self) -> None:
            super().__init__()
            self.read: set[str] = set()

        def get(self, key, default=None):
            self.read.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            self.read.add(key)
            return super().__getitem__(key)

    environ = Recording()
    settings_from_env(environ)
    assert environ.read == set(rooms.STORE_ENV)


def test_rate_limit_per_session():
    limit = RateLimit(count=3, window=600)
    history: tuple[float, ...] = ()
    for t in (0.0, 10.0, 20.0):
        ok, history = limit.allow(history, t)
        assert ok
    ok, kept = limit.allow(history, 30.0)
    assert not ok and kept == history
    assert limit.wait(history, 30.0) == pytest.approx(570.0)
    ok, history = limit.allow(history, 601.0)  # the first has left the window
    assert ok and history == (10.0, 20.0, 601.0)
    assert limit.wait((), 0.0) == 0.0


# The store, on both backends -------------------------------------------------------------------


def test_a_new_room_starts_where_the_presenter_is(store):
    room, token = store.create(step=4)
    assert room == Room(room.code, 4, 1)
    assert rooms.CODE_RE.match(room.code) and rooms.plausible_token(token)
    assert store.get(room.code) == room
    assert store.get("HJK34") is None


def test_the_store_holds_no_token_and_nothing_about_people(store):
    room, token = store.create(step=2)
    store.move(room.code, token, 3)
    (held,) = stored_fields(store)
    assert set(held) == {"code", "token_hash", "step", "version", "touched", "tour"}
    assert token not in repr(held) and held["token_hash"] == token_hash(token)


def test_the_presenter_moves_the_room_and_every_move_counts(store):
    room, token = store.create()
    moved = store.move(room.code, token, 5, expected_version=1)
    assert moved == Room(room.code, 5, 2)
    assert store.get(room.code) == moved
    assert store.move(room.code, token, 6) == Room(room.code, 6, 3)  # no expected version: any


def test_a_room_carries_its_storyline_and_a_move_keeps_or_changes_it(store):
    room, token = store.create(step=2, tour="chronology")
    assert room == Room(room.code, 2, 1, "chronology")
    assert store.get(room.code) == room
    assert store.move(room.code, token, 3) == Room(room.code, 3, 2, "chronology")  # a Next keeps it
    assert store.claim(room.code, token).tour == "chronology"
    assert store.move(room.code, token, 0, tour="places") == Room(room.code, 0, 3, "places")
    assert store.get(room.code) == Room(room.code, 0, 3, "places")
    assert store.create()[0].tour == rooms.DEFAULT_TOUR


def test_a_conflict_names_the_storyline_the_room_is_on(store):
    room, token = store.create(tour="chronology")
    store.move(room.code, token, 1)
    with pytest.raises(Conflict) as lost:
        store.move(room.code, token, 4, expected_version=1, tour="places")
    assert lost.value.room == Room(room.code, 1, 2, "chronology")


@pytest.mark.parametrize("storyline", [HOSTILE, "", "Places", "a" * 40, "places;drop", 7])
def test_a_storyline_the_page_did_not_name_is_never_stored(store, storyline):
    with pytest.raises(ValueError):
        store.create(tour=storyline)
    room, token = store.create()
    with pytest.raises(ValueError):
        store.move(room.code, token, 1, tour=storyline)
    assert store.get(room.code) == room
    assert all(held["tour"] == rooms.DEFAULT_TOUR for held in stored_fields(store))


def test_a_follower_cannot_move_the_room_and_the_refusal_is_logged(store, caplog):
    room, token = store.create(step=1)
    caplog.set_level(logging.WARNING, logger="geo.rooms.store")
    for forged in (rooms.new_token(), token[:-1] + ("A" if token[-1] != "A" else "B"), "", HOSTILE, "x" * 10_000):
        with pytest.raises(NotPresenter):
            store.move(room.code, forged, 9)
        with pytest.raises(NotPresenter):
            store.close(room.code, forged)
    assert store.get(room.code) == Room(room.code, 1, 1)
    refusals = [r for r in caplog.records if r.name == "geo.rooms.store" and "refused" in r.getMessage()]
    assert len(refusals) == 10
    assert all(room.code in r.getMessage() for r in refusals)
    assert not any(token in r.getMessage() for r in caplog.records)


def test_a_token_moves_only_its_own_room(store):
    first, first_token = store.create()
    second, _ = store.create()
    with pytest.raises(NotPresenter):
        store.move(second.code, first_token, 3)
    assert store.get(second.code).step == 0


def test_two_presenter_screens_one_winner(store):
    room, token = store.create()
    won = store.move(room.code, token, 1, expected_version=1)
    with pytest.raises(Conflict) as lost:
        store.move(room.code, token, 7, expected_version=1)
    assert lost.value.room == won == store.get(room.code)


def test_concurrent_moves_from_two_workers_have_exactly_one_winner(settings, clock):
    """Two stores (as two worker processes would have) and many threads race from one version."""
    stores = [open_store(settings, clock) for _ in range(2)]
    try:
        room, token = stores[0].create()
        barrier = threading.Barrier(16)
        outcomes: list[str] = []

        def press(i: int) -> None:
            barrier.wait()
            try:
                stores[i % 2].move(room.code, token, i + 1, expected_version=1)
                outcomes.append("won")
            except Conflict:
                outcomes.append("lost")

        threads = [threading.Thread(target=press, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["lost"] * 15 + ["won"]
        assert stores[1].get(room.code).version == 2
    finally:
        for opened in stores:
            opened.shutdown()


def test_concurrent_presses_that_retry_lose_no_move(settings, clock):
    stores = [open_store(settings, clock) for _ in range(2)]
    try:
        room, token = stores[0].create()

        def press_five_times(store) -> None:
            for _ in range(5):
                while True:
                    current = store.get(room.code)
                    try:
                        store.move(room.code, token, current.step + 1, expected_version=current.version)
                        break
                    except Conflict:
                        continue

        threads = [threading.Thread(target=press_five_times, args=(stores[i % 2],)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert stores[0].get(room.code) == Room(room.code, 40, 41)
    finally:
        for opened in stores:
            opened.shutdown()


def test_a_room_is_shared_by_every_store_on_the_same_settings(settings, clock, store):
    room, token = store.create(step=3)
    other = open_store(settings, clock)
    try:
        assert other.get(room.code) == room
        other.move(room.code, token, 4)
        assert store.get(room.code) == Room(room.code, 4, 2)
    finally:
        other.shutdown()


def test_the_presenter_token_is_claimed_back_after_a_reload(store):
    room, token = store.create(step=2)
    assert store.claim(room.code, token) == room
    with pytest.raises(NotPresenter):
        store.claim(room.code, rooms.new_token())
    with pytest.raises(RoomGone):
        store.claim("HJK34", token)


def test_a_closed_room_is_gone_for_everyone(store):
    room, token = store.create()
    store.close(room.code, token)
    assert store.get(room.code) is None
    with pytest.raises(RoomGone):
        store.move(room.code, token, 1)


def test_rooms_expire_after_the_idle_time_unless_the_presenter_acts(store, clock):
    room, token = store.create()
    clock.now += IDLE - 1
    store.move(room.code, token, 1)  # a presenter action keeps it alive
    clock.now += IDLE - 1
    assert store.get(room.code) == Room(room.code, 1, 2)
    clock.now += 2
    assert store.get(room.code) is None
    for act in (lambda: store.move(room.code, token, 2), lambda: store.claim(room.code, token)):
        with pytest.raises(RoomGone):
            act()


def test_an_idle_room_frees_its_code(store, clock, monkeypatch):
    monkeypatch.setattr(rooms, "new_code", lambda: "HJK34")
    store.create()
    with pytest.raises(StoreUnavailable):
        store.create()  # every attempt draws a code in use
    clock.now += IDLE + 1
    room, token = store.create(step=6)
    assert store.get("HJK34") == Room("HJK34", 6, 1)
    store.move(room.code, token, 7)


def test_purge_forgets_idle_rooms(settings, clock):
    if settings.redis_url:
        pytest.skip("Redis expires idle rooms itself (EXPIRE)")
    store = open_store(settings, clock)
    try:
        store.create()
        clock.now += IDLE + 1
        store.create()
        assert len(stored_fields(store)) == 1  # creating a room purges idle ones
        clock.now += IDLE + 1
        assert store.purge() == 1
    finally:
        store.shutdown()


def test_redis_forgets_an_idle_room_by_itself(settings, store):
    if not settings.redis_url:
        pytest.skip("SQLite has no expiry of its own; purge() does it")
    room, _ = store.create()
    ttl = store._redis.ttl(store.key(room.code))
    assert IDLE < ttl <= store.ttl


# Limits: the server's and each address's ------------------------------------------------------


TEACHER, STUDENT = "203.0.113.9", "198.51.100.23"


@contextlib.contextmanager
def limited(settings, clock, **limits) -> Iterator[Callable[[], RoomStore]]:
    """Stores (one per worker, opened as needed) on these settings with these limits, all shut at the end."""
    opened: list = []
    limited_settings = replace(settings, limits=RoomLimits(**limits))

    def worker():
        opened.append(open_store(limited_settings, clock))
        return opened[-1]

    try:
        yield worker
    finally:
        for one in opened:
            one.shutdown()


def test_the_server_holds_at_most_its_number_of_rooms(settings, clock):
    with limited(settings, clock, max_rooms=3) as worker:
        store = worker()
        made = [store.create(client=f"192.0.2.{n}") for n in range(3)]
        with pytest.raises(RoomLimit, match=r"already has 3 rooms open, the most it holds \(3\)"):
            worker().create(client="192.0.2.99")  # another worker sees the same rooms
        with pytest.raises(RoomLimit):
            store.create()  # no address: the server's cap still holds
        room, token = made[0]
        store.close(room.code, token)
        store.create()  # a room that ends frees its place
        clock.now += IDLE + 1
        assert len({store.create()[0].code for _ in range(3)}) == 3  # idle rooms free theirs


def test_three_tabs_of_three_rooms_from_one_address_stop_at_its_share(settings, clock):
    """Before, each session could open 3 rooms, and a reload started a new allowance: 9 and more live rooms.
    Now the store counts what the address has open, whichever worker or session asks."""
    with limited(settings, clock, per_client=6) as worker:
        made = []
        refused = []
        for _tab in range(3):
            store = worker()  # a new session, possibly on another worker, after a reload
            for _ in range(3):
                try:
                    made.append(store.create(client=STUDENT))
                except RoomLimit as exc:
                    refused.append(str(exc))
        assert len(made) == 6 and len(refused) == 3
        assert refused[0].startswith("6 rooms opened from this address are still open, the most one address may")
        teacher_room, _ = worker().create(client=TEACHER)  # another address is not held back
        assert worker().get(teacher_room.code) == teacher_room
        room, token = made[0]
        worker().close(room.code, token)
        worker().create(client=STUDENT)  # a room closed is one more allowed
        with pytest.raises(RoomLimit):
            worker().create(client=STUDENT)
        clock.now += IDLE + 1  # the student's rooms went idle
        worker().create(client=STUDENT)


def test_an_address_opens_only_so_many_rooms_an_hour_even_if_it_closes_them(settings, clock):
    with limited(settings, clock, per_client=2, starts_per_hour=4) as worker:
        store = worker()
        for _ in range(4):
            room, token = store.create(client=STUDENT)
            store.close(room.code, token)
            clock.now += 60
        with pytest.raises(RoomLimit, match=r"4 rooms have been opened from this address in the last hour") as refused:
            store.create(client=STUDENT)
        assert refused.value.wait_seconds == pytest.approx(3600 - 4 * 60)
        assert "Open another in 56 min" in str(refused.value)
        store.create(client=TEACHER)
        clock.now += refused.value.wait_seconds + 1
        store.create(client=STUDENT)


def test_the_store_keeps_a_hash_of_the_address_never_the_address(settings, clock):
    with limited(settings, clock) as worker:
        store = worker()
        store.create(client=STUDENT)
        if isinstance(store, SqliteRoomStore):
            held = repr(store._db.execute("SELECT * FROM starts").fetchall())
        else:
            db = store._redis
            held = repr([(key, db.dump(key)) for key in db.scan_iter("atlas:*")])  # every key and its value
        assert rooms.client_key(STUDENT) in held and STUDENT not in held


def test_sqlite_finds_idle_rooms_by_an_index_not_by_reading_every_room(tmp_path, clock):
    store = SqliteRoomStore(tmp_path / "rooms", IDLE, clock)
    try:
        for query in ("DELETE FROM rooms WHERE touched < ?", "DELETE FROM starts WHERE at < ?"):
            plan = " ".join(row[-1] for row in store._db.execute(f"EXPLAIN QUERY PLAN {query}", (0.0,)))
            assert "USING" in plan and "INDEX" in plan, plan
    finally:
        store.shutdown()


def test_the_limits_come_from_the_environment():
    assert settings_from_env({}).limits == RoomLimits(rooms.DEFAULT_MAX_ROOMS, rooms.DEFAULT_ROOMS_PER_CLIENT)
    limits = settings_from_env({"ATLAS_MAX_ROOMS": " 40 ", "ATLAS_ROOMS_PER_CLIENT": "2"}).limits
    assert (limits.max_rooms, limits.per_client) == (40, 2)
    for bad in ("0", "-3", "many", "2.5"):
        assert settings_from_env({"ATLAS_MAX_ROOMS": bad}).limits.max_rooms == rooms.DEFAULT_MAX_ROOMS


# Restarts and failures ---------------------------------------------------------------------------


def test_sqlite_rooms_survive_a_restart(tmp_path, clock):
    settings = StoreSettings(rooms_dir=tmp_path / "rooms", idle_seconds=IDLE)
    store = open_store(settings, clock)
    room, token = store.create(step=5)
    store.shutdown()
    again = open_store(settings, clock)
    try:
        assert again.get(room.code) == room
        assert again.move(room.code, token, 6).version == 2
        assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        again.shutdown()


def test_a_rooms_file_from_before_storylines_is_read_on_the_first_storyline(tmp_path, clock):
    folder = tmp_path / "rooms"
    folder.mkdir()
    old = sqlite3.connect(sqlite_path(folder))
    old.execute(
        "CREATE TABLE rooms (code TEXT PRIMARY KEY, token_hash TEXT NOT NULL, step INTEGER NOT NULL, "
        "version INTEGER NOT NULL, touched REAL NOT NULL) WITHOUT ROWID"
    )
    token = rooms.new_token()
    old.execute("INSERT INTO rooms VALUES ('HJK34', ?, 3, 7, ?)", (token_hash(token), clock.now))
    old.commit()
    old.close()
    store = open_store(StoreSettings(rooms_dir=folder, idle_seconds=IDLE), clock)
    try:
        assert store.get("HJK34") == Room("HJK34", 3, 7, rooms.DEFAULT_TOUR)
        assert store.move("HJK34", token, 1, tour="chronology") == Room("HJK34", 1, 8, "chronology")
    finally:
        store.shutdown()


def test_a_redis_room_from_before_storylines_is_on_the_first_storyline(settings, store, clock):
    if not settings.redis_url:
        pytest.skip("Redis only")
    token = rooms.new_token()
    fields = {"token_hash": token_hash(token), "step": 3, "version": 7, "touched": repr(clock.now)}
    store._redis.hset(store.key("HJK34"), mapping=fields)
    assert store.get("HJK34") == Room("HJK34", 3, 7, rooms.DEFAULT_TOUR)
    assert store.move("HJK34", token, 4) == Room("HJK34", 4, 8, rooms.DEFAULT_TOUR)


def test_redis_rooms_survive_a_restart(tmp_path, clock):
    with running_redis(tmp_path / "redis") as server:
        store = open_store(StoreSettings(redis_url=server.url, idle_seconds=IDLE), clock)
        room, token = store.create(step=5)
        server.restart()
        assert store.get(room.code) == room  # the client reconnects by itself
        assert store.move(room.code, token, 6).version == 2
        store.shutdown()


def test_an_unreachable_redis_fails_fast_with_store_unavailable(tmp_path, clock):
    with running_redis(tmp_path / "redis") as server:
        store = open_store(StoreSettings(redis_url=server.url, idle_seconds=IDLE), clock)
        room, token = store.create()
        server.stop()
        started = time.monotonic()
        for act in (lambda: store.get(room.code), lambda: store.move(room.code, token, 1), store.create):
            with pytest.raises(StoreUnavailable) as failed:
                act()
            assert "cannot be reached" in str(failed.value)
        assert time.monotonic() - started < 6
        store.shutdown()


def test_an_unusable_rooms_folder_is_store_unavailable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable):
        open_store(StoreSettings(rooms_dir=blocker / "rooms"))


# Waiting for a move: one thread per process asks the store for everyone ------------------------------


class CountingStore:
    """A store that counts the reads the watch makes."""

    def __init__(self, store) -> None:
        self.store, self.reads = store, 0

    def get(self, code: str):
        self.reads += 1
        return self.store.get(code)


def test_a_wait_returns_at_once_when_the_room_has_already_moved(store):
    room, token = store.create()
    store.move(room.code, token, 3)
    started = time.monotonic()
    assert RoomWatch(store, every=0.05).moved(room.code, 1, timeout=5)
    assert time.monotonic() - started < 1


def test_a_move_wakes_every_page_waiting_on_the_room_with_few_reads(store):
    room, token = store.create()
    counting = CountingStore(store)
    watch = RoomWatch(counting, every=0.05)
    woke: list[tuple[bool, float]] = []

    def wait() -> None:
        woke.append((watch.moved(room.code, 1, timeout=10), time.monotonic()))

    threads = [threading.Thread(target=wait) for _ in range(25)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    moved_at = time.monotonic()
    store.move(room.code, token, 1)
    for thread in threads:
        thread.join()
    assert [moved for moved, _ in woke] == [True] * 25
    assert max(at for _, at in woke) - moved_at < 0.5
    assert counting.reads < 40  # one read per tick for all 25, not one each


def test_a_page_that_starts_waiting_wakes_no_other_waiting_page(store):
    room, _ = store.create()
    watch = RoomWatch(store, every=0.05)
    woken = 0
    waits = watch._changed.wait

    def counted(timeout=None):
        nonlocal woken
        woken += 1
        return waits(timeout)

    watch._changed.wait = counted  # every return of a page's wait, timeouts included, is one more call
    threads = [threading.Thread(target=watch.moved, args=(room.code, 1, 1.0)) for _ in range(20)]
    for thread in threads:
        thread.start()
        time.sleep(0.01)
    for thread in threads:
        thread.join()
    # Each page waits once, is woken once by the thread's first reading of the room, and times out:
    # about 40 waits. Were every new page to wake the others, 20 pages would make about 210.
    assert woken <= 3 * len(threads)


def test_a_wait_times_out_with_the_room_unchanged_and_sees_a_closed_room(store):
    room, token = store.create()
    watch = RoomWatch(store, every=0.05)
    assert watch.moved(room.code, 1, timeout=0.3) is False
    assert watch.moved(room.code, None, timeout=5)  # a page that saw no room: any room is news
    closer = threading.Timer(0.2, store.close, args=(room.code, token))
    closer.start()
    assert watch.moved(room.code, 1, timeout=5)
    closer.join()


def test_a_wait_on_a_store_out_of_reach_is_store_unavailable(tmp_path, clock):
    with running_redis(tmp_path / "redis") as server:
        store = open_store(StoreSettings(redis_url=server.url, idle_seconds=IDLE), clock)
        room, _ = store.create()
        server.stop()
        with pytest.raises(StoreUnavailable):
            RoomWatch(store, every=0.05).moved(room.code, 1, timeout=0.5)
        store.shutdown()


def test_the_watch_thread_wakes_again_for_a_later_wait(store):
    """After everyone stopped waiting the thread sleeps; the next wait must wake it."""
    room, token = store.create()
    watch = RoomWatch(store, every=0.05)
    assert not watch.moved(room.code, 1, timeout=0.2)
    time.sleep(0.2)  # nobody waits: the thread sleeps
    mover = threading.Timer(0.2, store.move, args=(room.code, token, 2))
    mover.start()
    started = time.monotonic()
    assert watch.moved(room.code, 1, timeout=5)
    assert time.monotonic() - started < 1
    mover.join()


def test_an_older_reading_than_the_pages_own_is_no_move(store):
    """The page read version 2 itself; the thread still holds version 1: that is not news."""
    room, token = store.create()
    watch = RoomWatch(store, every=0.05)
    assert not watch.moved(room.code, 1, timeout=0.2)
    store.move(room.code, token, 1)
    assert not watch.moved(room.code, 2, timeout=0.3)
