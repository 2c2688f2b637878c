"""The room store on SQLite in WAL mode: one file in a folder every worker on one machine shares."""

from __future__ import annotations

import hmac
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.atlas.tours import DEFAULT_TOUR
from geo.rooms.store import (
    DEFAULT_LIMITS,
    ROOM_STORYLINE,
    STARTS_WINDOW,
    STORE_TIMEOUT,
    Admission,
    Conflict,
    NotPresenter,
    Room,
    RoomGone,
    RoomLimits,
    RoomStore,
    StoreUnavailable,
    sqlite_path,
)

log = logging.getLogger(__name__)


class SqliteRoomStore(RoomStore):
    """Rooms in one SQLite file (WAL: followers read while the presenter writes), shared by the
    workers of one machine. One connection per store, used under a lock: a call takes
    microseconds, and Streamlit's script threads come and go too fast for one each."""

    SCHEMA = f"""
        CREATE TABLE IF NOT EXISTS rooms (
            code TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL,
            step INTEGER NOT NULL,
            version INTEGER NOT NULL,
            touched REAL NOT NULL,
            tour TEXT NOT NULL DEFAULT '{DEFAULT_TOUR}'
        ) WITHOUT ROWID
    """
    # Idle rooms are found by the index, not by reading every room; `starts` holds, while a room
    # may live (and an hour at least), a hash of the address that opened it (client_key), so that
    # the rooms each address opens can be counted. A room is its code and token hash (codes come again).
    INDEXES = (
        "CREATE INDEX IF NOT EXISTS rooms_touched ON rooms (touched)",
        """CREATE TABLE IF NOT EXISTS starts (
            client TEXT NOT NULL,
            code TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            at REAL NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS starts_client ON starts (client, at)",
        "CREATE INDEX IF NOT EXISTS starts_at ON starts (at)",
        # The storyline text a room carries (keep_storyline): the room's code and token hash, so it goes
        # with that room and never shows in a later room that has the same code.
        """CREATE TABLE IF NOT EXISTS room_storylines (
            code TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL,
            digest TEXT NOT NULL,
            text TEXT NOT NULL
        ) WITHOUT ROWID""",
    )
    FORGET_STORYLINES = (
        "DELETE FROM room_storylines WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.code = room_storylines.code"
        " AND r.token_hash = room_storylines.token_hash)"
    )

    def __init__(
        self,
        rooms_dir: Path,
        idle_seconds: float,
        clock: Callable[[], float] = time.time,
        limits: RoomLimits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(idle_seconds, clock, limits)
        self.path = sqlite_path(rooms_dir)
        self._lock = threading.Lock()
        try:
            rooms_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=STORE_TIMEOUT * 5, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL survives a killed process; only a crash of the machine may lose the last move.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(self.SCHEMA)
            self._add_tour_column()
            for statement in self.INDEXES:
                self._db.execute(statement)
        except (OSError, sqlite3.Error) as error:
            raise StoreUnavailable(f"the rooms file {self.path} cannot be opened: {error}") from error

    def _add_tour_column(self) -> None:
        """A rooms file from before rooms carried their storyline: its rooms are on the first one."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(rooms)")}
        if "tour" not in columns:
            self._db.execute(f"ALTER TABLE rooms ADD COLUMN tour TEXT NOT NULL DEFAULT '{DEFAULT_TOUR}'")

    def _run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            try:
                return work(self._db)
            except sqlite3.Error as error:
                if self._db.in_transaction:
                    self._db.rollback()
                raise StoreUnavailable(f"the rooms file cannot be used: {error}") from error

    def _row(self, db: sqlite3.Connection, code: str, now: float) -> tuple[str, int, int, str] | None:
        row = db.execute(
            "SELECT token_hash, step, version, touched, tour FROM rooms WHERE code = ?", (code,)
        ).fetchone()
        if row is None or self._expired(row[3], now):
            return None
        return row[0], row[1], row[2], row[4]

    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float, client: str | None) -> Admission:
        def work(db: sqlite3.Connection) -> Admission:
            self._forget(db, now)
            if db.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone():
                return Admission("taken")
            live = db.execute("SELECT COUNT(*) FROM rooms").fetchone()[0]  # at most max_rooms: all are live
            if live >= self.limits.max_rooms:
                return Admission("full", live)
            if client is not None:
                mine = db.execute(
                    "SELECT COUNT(*) FROM starts JOIN rooms USING (code, token_hash) WHERE client = ?", (client,)
                ).fetchone()[0]
                if mine >= self.limits.per_client:
                    return Admission("client", mine)
                recent, oldest = db.execute(
                    "SELECT COUNT(*), MIN(at) FROM starts WHERE client = ? AND at > ?", (client, now - STARTS_WINDOW)
                ).fetchone()
                if recent >= self.limits.starts_per_hour:
                    return Admission("rate", recent, oldest)
                db.execute(
                    "INSERT INTO starts (client, code, token_hash, at) VALUES (?, ?, ?, ?)", (client, code, hashed, now)
                )
            db.execute(
                "INSERT INTO rooms (code, token_hash, step, version, touched, tour) VALUES (?, ?, ?, 1, ?, ?)",
                (code, hashed, step, now, tour),
            )
            return Admission("added")

        return self._write(work)

    def _forget(self, db: sqlite3.Connection, now: float) -> int:
        """Delete idle rooms and openings no longer counted (both found by an index); how many rooms went."""
        gone = db.execute("DELETE FROM rooms WHERE touched < ?", (now - self.idle_seconds,)).rowcount
        db.execute("DELETE FROM starts WHERE at < ?", (now - self.starts_kept,))
        if gone:
            db.execute(self.FORGET_STORYLINES)
        return gone

    def _get(self, code: str, now: float) -> Room | None:
        row = self._run(lambda db: self._row(db, code, now))
        return None if row is None else Room(code, row[1], row[2], row[3])

    def _checked(self, db: sqlite3.Connection, code: str, hashed: str, now: float) -> Room:
        """The live room this token presents, read in the caller's transaction."""
        row = self._row(db, code, now)
        if row is None:
            raise RoomGone("the room has ended")
        if not hmac.compare_digest(row[0], hashed):
            raise NotPresenter("only the presenter's screen can do that")
        return Room(code, row[1], row[2], row[3])

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """One read-check-write under SQLite's write lock, so no other process slips in between."""

        def transaction(db: sqlite3.Connection) -> Any:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = work(db)
            except BaseException:
                db.rollback()
                raise
            db.execute("COMMIT")
            return result

        return self._run(transaction)

    def _touch(self, code: str, hashed: str, now: float) -> Room:
        def work(db: sqlite3.Connection) -> Room:
            room = self._checked(db, code, hashed, now)
            db.execute("UPDATE rooms SET touched = ? WHERE code = ?", (now, code))
            return room

        return self._write(work)

    def _move(self, code: str, hashed: str, step: int, expected: int | None, tour: str | None, now: float) -> Room:
        def work(db: sqlite3.Connection) -> Room:
            room = self._checked(db, code, hashed, now)
            if expected is not None and room.version != expected:
                raise Conflict(room)
            moved = Room(code, step, room.version + 1, tour or room.tour)
            db.execute(
                "UPDATE rooms SET step = ?, version = ?, touched = ?, tour = ? WHERE code = ?",
                (moved.step, moved.version, now, moved.tour, code),
            )
            return moved

        return self._write(work)

    def _delete(self, code: str, hashed: str, now: float) -> None:
        def work(db: sqlite3.Connection) -> None:
            self._checked(db, code, hashed, now)
            db.execute("DELETE FROM rooms WHERE code = ?", (code,))
            db.execute("DELETE FROM room_storylines WHERE code = ?", (code,))

        self._write(work)

    def _keep(self, code: str, hashed: str, text: str, digest: str, now: float) -> Room:
        def work(db: sqlite3.Connection) -> Room:
            room = self._checked(db, code, hashed, now)
            db.execute(
                "INSERT OR REPLACE INTO room_storylines (code, token_hash, digest, text) VALUES (?, ?, ?, ?)",
                (code, hashed, digest, text),
            )
            moved = Room(code, room.step, room.version + 1, ROOM_STORYLINE)
            db.execute(
                "UPDATE rooms SET version = ?, touched = ?, tour = ? WHERE code = ?",
                (moved.version, now, moved.tour, code),
            )
            return moved

        return self._write(work)

    def _carried(self, code: str, column: str, now: float) -> str | None:
        """A column of the live room's storyline row (the room's own: same code and token hash)."""
        row = self._run(
            lambda db: db.execute(
                f"SELECT s.{column}, r.touched FROM room_storylines s JOIN rooms r"
                " ON r.code = s.code AND r.token_hash = s.token_hash WHERE s.code = ?",
                (code,),
            ).fetchone()
        )
        return None if row is None or self._expired(row[1], now) else row[0]

    def _digest(self, code: str, now: float) -> str | None:
        return self._carried(code, "digest", now)

    def _text(self, code: str, now: float) -> str | None:
        return self._carried(code, "text", now)

    def purge(self) -> int:
        now = self.clock()
        return self._write(lambda db: self._forget(db, now))

    def shutdown(self) -> None:
        with self._lock:
            self._db.close()
