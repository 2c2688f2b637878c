"""One thread per process that watches the rooms its pages wait on or follow."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from geo.rooms.store import Room, RoomStore, StoreUnavailable

log = logging.getLogger(__name__)


class RoomWatch:
    """Pages of one process waiting for their room to move, served by one thread that asks the
    store every `every` seconds about the rooms someone waits on: a class of 50 in one process
    costs one read per room and tick instead of one per student, and a move wakes them all at once.

    Pages may also `follow` a room instead of waiting on it: the thread then calls the page's
    `wake` once, from its own thread, when the room is newer than the page's version or gone, and
    forgets the page; nothing of the page's runs while the room is quiet. A move wakes at most
    `batch` pages at a time: the next is woken when one of them follows again or stops following
    (its run is over) or after `straggler` seconds. Woken all at once, a hall's runs would share the
    process's one interpreter lock together and all end late, the presenter's own run among them;
    in turns, the first pages show the step early and the process switches between few threads.
    One at a time is the quickest (bench/bench_classroom.py --scenario follow, 250 followers on two
    workers: lag p95 0.98 s one at a time, 1.08 s two, 1.35 s six): a second run in flight shares
    the interpreter with the first and with the event loop that sends their messages, so both end
    later and the switching costs CPU. A run that fails or hangs holds the next page back for
    `straggler` seconds at most.

    The thread starts with the first wait or follower and sleeps while there is neither.
    """

    def __init__(self, store: RoomStore, every: float = 0.1, batch: int = 1, straggler: float = 0.3) -> None:
        self.store = store
        self.every = every
        self.batch = batch
        self.straggler = straggler
        # Two conditions on one lock: pages wait on `_changed`, which the thread notifies only when
        # a room has changed; the thread sleeps on `_wanted` while nobody waits. A page that starts
        # waiting wakes the thread alone, never the other pages (with 25 pages a poll would
        # otherwise wake 25 threads, each for nothing).
        lock = threading.Lock()
        self._changed = threading.Condition(lock)
        self._wanted = threading.Condition(lock)
        self._landed = threading.Condition(lock)  # a woken page followed again: the next may be woken
        self._in_flight: dict[str, float] = {}  # key of a woken page -> when it was woken
        self._waiting: dict[str, int] = {}  # code -> pages waiting on it
        # code -> page's key -> (the version it shows, its wake): at most one entry per page
        self._followers: dict[str, dict[str, tuple[int | None, Callable[[], object]]]] = {}
        self._seen: dict[str, Room | None] = {}  # code -> the room at the last tick (None: gone)
        self._told: dict[str, tuple[str, Room]] = {}  # key of a woken page -> (code, the room it was woken for)
        self._thread: threading.Thread | None = None
        self._stopped = False

    def stop(self) -> None:
        """End the thread after its current tick: the store it reads is about to close (a test's,
        or a process shutting down). Pages still following are forgotten, never woken."""
        with self._changed:
            self._stopped = True
            self._followers.clear()
            self._wanted.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def moved(self, code: str, version: int | None, timeout: float) -> bool:
        """Wait until the room is newer than `version` (None: any room is news) or gone, and say
        so; False at the timeout. Raises StoreUnavailable when the store has not answered.

        Only a newer version counts: the thread's last reading may be older than the page's own.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            if not self._waiting:
                self._wanted.notify()  # the thread may be asleep for want of anyone waiting
            self._waiting[code] = self._waiting.get(code, 0) + 1
            self._start()
            try:
                while True:
                    if code in self._seen:
                        room = self._seen[code]
                        if room is None or version is None or room.version > version:
                            return True
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        if code not in self._seen:
                            raise StoreUnavailable("the store has not answered")
                        return False
                    self._changed.wait(remaining)
            finally:
                self._waiting[code] -= 1
                if not self._waiting[code]:
                    del self._waiting[code]
                    self._seen.pop(code, None)

    def follow(self, code: str, key: str, version: int | None, wake: Callable[[], object]) -> None:
        """Call `wake` once when the room is newer than `version` (None: any room is news) or gone;
        `key` names the page, whose later `follow` replaces this one. `wake` runs on the watch's
        thread and must return quickly."""
        with self._changed:
            if not self._waiting and not self._followers:
                self._wanted.notify()
            self._followers.setdefault(code, {})[key] = (version, wake)
            self._told.pop(key, None)
            if self._in_flight.pop(key, None) is not None:
                self._landed.notify()
            self._start()

    def unfollow(self, code: str, key: str) -> None:
        """Forget a page that no longer follows the room (it left, or browses on its own)."""
        with self._changed:
            self._told.pop(key, None)
            if self._in_flight.pop(key, None) is not None:
                self._landed.notify()  # its woken run is over: the next page may be woken
            pages = self._followers.get(code)
            if pages is not None:
                pages.pop(key, None)
                if not pages:
                    del self._followers[code]

    def told(self, code: str, key: str) -> Room | None:
        """The room that page `key` was just woken for, once, if it is room `code`: the woken run
        need not read the store again (the thread has just read it). Should the room have moved
        since, the page follows with the older version and is woken again at the next tick."""
        with self._changed:
            told = self._told.get(key)
            if told is None or told[0] != code:
                return None
            del self._told[key]
            return told[1]

    def followers(self, code: str) -> int:
        """How many pages follow the room now (for tests and the benches' logs)."""
        with self._changed:
            return len(self._followers.get(code, {}))

    def _due(self, code: str, room: Room | None) -> list[tuple[str, Callable[[], object]]]:
        """The keys and wakes of the room's followers that `room` is news to, removed (lock held)."""
        pages = self._followers.get(code)
        if not pages:
            return []
        due = [key for key, (version, _) in pages.items() if room is None or version is None or room.version > version]
        wakes = [(key, pages.pop(key)[1]) for key in due]
        if not pages:
            del self._followers[code]
        return wakes

    def _wake(self, code: str, room: Room | None, wakes: list[tuple[str, Callable[[], object]]]) -> None:
        """Wake the pages in turns of `batch` (see the class's notes), telling each the room."""
        for key, wake in wakes:
            with self._landed:
                while True:
                    now = time.monotonic()
                    for late in [k for k, at in self._in_flight.items() if now - at >= self.straggler]:
                        del self._in_flight[late]  # its run failed or is slow: do not wait for it
                    if len(self._in_flight) < self.batch:
                        break
                    self._landed.wait(self.straggler / 4)
                self._in_flight[key] = now
                if room is not None:
                    self._told[key] = (code, room)
            try:
                woke = wake()
            except Exception:  # one page's failure must not stop the class's wake-ups
                log.exception("room %s: waking a page failed", code)
                woke = False
            if woke is False:  # the page is gone: nothing will follow again
                with self._landed:
                    self._in_flight.pop(key, None)
                    self._told.pop(key, None)

    def _start(self) -> None:
        if self._stopped:
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="room-watch", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._stopped and not self._waiting and not self._followers:
                    self._wanted.wait()
                if self._stopped:
                    return
                codes = list(self._waiting.keys() | self._followers.keys())
            for code in codes:
                try:
                    room = self.store.get(code)
                except StoreUnavailable:
                    continue  # nothing new to tell; the waits time out and try again, followers stay
                except Exception:  # a fault of the store must not end the wake-ups of every room
                    log.exception("room %s: reading the room failed", code)
                    continue
                with self._changed:
                    if code in self._waiting and (code not in self._seen or self._seen[code] != room):
                        self._seen[code] = room
                        self._changed.notify_all()
                    wakes = self._due(code, room)
                self._wake(code, room, wakes)
            time.sleep(self.every)
