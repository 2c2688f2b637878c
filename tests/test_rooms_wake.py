"""Followers woken by the process's RoomWatch (geo/rooms/watch.py `follow`): each page once, when
its room is newer than the page's version or gone, and never while the room is quiet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from geo.rooms.backends import open_store
from geo.rooms.store import RoomStore, StoreSettings
from geo.rooms.watch import RoomWatch


class Wakes:
    """The pages' wake callables, recording which page was woken and when."""

    def __init__(self) -> None:
        self.woken: list[str] = []
        self.any = threading.Event()

    def of(self, key: str):
        def wake() -> bool:
            self.woken.append(key)
            self.any.set()
            return True

        return wake


@pytest.fixture
def store(tmp_path) -> Iterator[RoomStore]:
    opened = open_store(StoreSettings(rooms_dir=tmp_path / "rooms", idle_seconds=600.0))
    yield opened
    opened.shutdown()


@pytest.fixture
def new_watch(store) -> Iterator:
    """Watches on the test's store, stopped before the store shuts (their thread reads it)."""
    made: list[RoomWatch] = []

    def make() -> RoomWatch:
        # Turns wide enough for these tests' pages, which never follow again (turns have tests of their own).
        made.append(RoomWatch(store, every=0.02, batch=8))
        return made[-1]

    yield make
    for watch in made:
        watch.stop()


def settle(watch: RoomWatch, seconds: float = 0.3) -> None:
    time.sleep(seconds)  # several of the thread's ticks


def test_a_quiet_room_wakes_nobody_and_a_move_wakes_each_follower_once(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    for key in ("a", "b", "c"):
        watch.follow(room.code, key, room.version, wakes.of(key))
    settle(watch)
    assert wakes.woken == [] and watch.followers(room.code) == 3
    store.move(room.code, token, 1)
    assert wakes.any.wait(2)
    settle(watch)
    assert sorted(wakes.woken) == ["a", "b", "c"]
    assert watch.followers(room.code) == 0  # each page follows again from its next run
    store.move(room.code, token, 2)
    settle(watch)
    assert len(wakes.woken) == 3


def test_a_page_that_already_shows_the_new_version_is_not_woken(store, new_watch):
    room, token = store.create()
    moved = store.move(room.code, token, 1)
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "behind", room.version, wakes.of("behind"))
    watch.follow(room.code, "current", moved.version, wakes.of("current"))
    assert wakes.any.wait(2)
    settle(watch)
    assert wakes.woken == ["behind"] and watch.followers(room.code) == 1


def test_a_later_follow_of_the_same_page_replaces_its_first(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "page", room.version, wakes.of("first"))
    watch.follow(room.code, "page", room.version, wakes.of("second"))
    assert watch.followers(room.code) == 1
    store.move(room.code, token, 1)
    assert wakes.any.wait(2)
    settle(watch)
    assert wakes.woken == ["second"]


def test_a_woken_page_is_told_once_the_room_it_was_woken_for(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "page", room.version, wakes.of("page"))
    watch.follow(room.code, "other", room.version, wakes.of("other"))
    assert watch.told(room.code, "page") is None  # not woken yet: the run reads the store
    moved = store.move(room.code, token, 1)
    assert wakes.any.wait(2)
    settle(watch)
    assert watch.told("OTHER", "page") is None  # only for the room it follows
    told = watch.told(room.code, "page")
    assert told is not None and (told.step, told.version) == (1, moved.version)
    assert watch.told(room.code, "page") is None  # once: a later run reads the store
    watch.follow(room.code, "other", moved.version, wakes.of("other"))  # its run came without asking
    assert watch.told(room.code, "other") is None  # a later wake's news only


def test_a_page_that_unfollows_is_not_woken(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "left", room.version, wakes.of("left"))
    watch.follow(room.code, "stays", room.version, wakes.of("stays"))
    watch.unfollow(room.code, "left")
    store.move(room.code, token, 1)
    assert wakes.any.wait(2)
    settle(watch)
    assert wakes.woken == ["stays"]


def test_a_closed_room_wakes_its_followers(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "page", room.version, wakes.of("page"))
    store.close(room.code, token)
    assert wakes.any.wait(2)
    assert wakes.woken == ["page"]


def test_a_failing_wake_does_not_stop_the_others(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()

    def broken() -> bool:
        raise RuntimeError("the session went away mid-wake")

    watch.follow(room.code, "broken", room.version, broken)
    watch.follow(room.code, "fine", room.version, wakes.of("fine"))
    store.move(room.code, token, 1)
    assert wakes.any.wait(2)
    assert wakes.woken == ["fine"]


def test_followers_and_waiting_pages_share_the_thread(store, new_watch):
    """A page waiting (the "wait" mode) and a follower of the same room both learn of one move."""
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "page", room.version, wakes.of("page"))
    mover = threading.Timer(0.2, store.move, args=(room.code, token, 1))
    mover.start()
    assert watch.moved(room.code, room.version, timeout=5)
    assert wakes.any.wait(2)
    mover.join()


def test_a_move_wakes_the_class_in_turns_and_a_page_that_follows_again_frees_its_turn(store, new_watch):
    room, token = store.create()
    watch = RoomWatch(store, every=0.02, batch=2, straggler=0.6)
    woken: dict[str, float] = {}
    lock = threading.Lock()

    def wake_of(key: str, comes_back: bool):
        def wake() -> bool:
            with lock:
                woken[key] = time.monotonic()
            if comes_back:  # its run is over at once: it follows the new version again
                watch.follow(room.code, key, room.version + 1, wake_of(key, comes_back))
            return True

        return wake

    for key in ("slow-1", "slow-2"):  # woken first; their runs never end
        watch.follow(room.code, key, room.version, wake_of(key, False))
    for key in ("back-1", "back-2", "back-3"):
        watch.follow(room.code, key, room.version, wake_of(key, True))
    moved = time.monotonic()
    store.move(room.code, token, 1)
    time.sleep(1.5)
    assert set(woken) == {"back-1", "back-2", "back-3", "slow-1", "slow-2"}
    assert max(woken["slow-1"], woken["slow-2"]) - moved < 0.3
    # both turns held by the slow pages: the next waits until they are given up on
    assert woken["back-1"] - moved >= 0.55
    # each of the others follows again at once and frees its turn for the next
    assert woken["back-3"] - woken["back-1"] < 0.3
    for key in ("back-1", "back-2", "back-3"):
        watch.unfollow(room.code, key)


def test_a_page_gone_when_woken_frees_its_turn_at_once(store, new_watch):
    room, token = store.create()
    watch = RoomWatch(store, every=0.02, batch=1, straggler=5.0)
    woken: list[str] = []

    def gone(key: str):
        def wake() -> bool:
            woken.append(key)
            return False  # its tab was closed

        return wake

    for key in ("a", "b", "c"):
        watch.follow(room.code, key, room.version, gone(key))
    store.move(room.code, token, 1)
    time.sleep(0.5)
    assert sorted(woken) == ["a", "b", "c"]  # never waited for the 5 s a straggler gets


def test_a_page_whose_woken_run_stops_following_frees_its_turn_at_once(store, new_watch):
    """A room that ends wakes each follower once, and none of them follows again: each run's
    unfollow must hand the turn on, or a hall would hear of the end one straggler at a time."""
    room, token = store.create()
    watch = RoomWatch(store, every=0.02, batch=1, straggler=5.0)
    woken: list[str] = []

    def leaves(key: str):
        def wake() -> bool:
            woken.append(key)
            watch.unfollow(room.code, key)  # its run: the room is over, it browses on its own
            return True

        return wake

    for key in ("a", "b", "c"):
        watch.follow(room.code, key, room.version, leaves(key))
    store.close(room.code, token)
    time.sleep(0.5)
    assert sorted(woken) == ["a", "b", "c"]  # never waited for the 5 s a straggler gets


class FailingStore:
    """A store whose reads fail with an error no store should raise, then recover."""

    def __init__(self, store: RoomStore, failures: int) -> None:
        self.store, self.failures = store, failures

    def get(self, code: str):
        if self.failures:
            self.failures -= 1
            raise RuntimeError("disk fault")
        return self.store.get(code)


def test_a_failing_read_does_not_end_the_wake_ups(store):
    room, token = store.create()
    watch, wakes = RoomWatch(FailingStore(store, failures=3), every=0.02), Wakes()
    try:
        watch.follow(room.code, "page", room.version, wakes.of("page"))
        settle(watch)
        store.move(room.code, token, 1)
        assert wakes.any.wait(2)
        assert wakes.woken == ["page"]
    finally:
        watch.stop()


def test_a_stopped_watch_ends_its_thread_and_wakes_nobody(store, new_watch):
    room, token = store.create()
    watch, wakes = new_watch(), Wakes()
    watch.follow(room.code, "page", room.version, wakes.of("page"))
    settle(watch)
    thread = watch._thread
    watch.stop()
    assert thread is not None and not thread.is_alive()
    watch.follow(room.code, "later", room.version, wakes.of("later"))  # a page after the stop starts nothing
    store.move(room.code, token, 1)
    settle(watch)
    assert wakes.woken == [] and (watch._thread is thread)
