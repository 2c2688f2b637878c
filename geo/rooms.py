"""Rooms: a class follows its presenter's step through a store every worker shares.

A room is a short code the class reads, types or scans, the storyline and step of the tour
it shows, and a version that goes up with every move. Only the presenter token given when the room was
made can move or close it, and a move names the version it starts from
(compare-and-set), so of two presenter screens pressing Next at once exactly one wins.

The store is real and shared, never a Python dict, because a class is spread over several
worker processes and possibly machines: SQLite in WAL mode (one file in a folder,
`ATLAS_ROOMS_DIR`) by default, Redis when `ATLAS_REDIS_URL` names one. A room is gone
after `ATLAS_ROOM_IDLE_MINUTES` without a presenter action. Nothing about people is
stored: a room holds its code, a hash of the token, the storyline, the step, the version and
the time of the presenter's last action.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import os
import re
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from geo.links import page_link
from geo.tour import DEFAULT_TOUR

log = logging.getLogger(__name__)

# Read aloud or typed from a projector: no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V look-alikes.
ROOM_PARAM = "room"  # ?room=CODE: the class's link
PRESENTER_PARAM = "presenter"  # ?room=CODE&presenter=TOKEN: the presenter's own link, never shown to the class
CODE_ALPHABET = "ACDEFHJKMNPRTUWXY3479"
CODE_LENGTH = 5
CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
MAX_ROOM_PARAM_LENGTH = 16
TOKEN_BYTES = 24  # 192 bits: secrets.token_urlsafe gives 32 characters
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
TOUR_PARAM = "tour"  # the storyline, in the class's link when it is not the first one
STORYLINE_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")  # a storyline's name as geo.tour.TOURS spells them
DEFAULT_IDLE_MINUTES = 180.0
CREATE_ATTEMPTS = 20
REDIS_PREFIX = "atlas:room:"
STORE_TIMEOUT = 1.0  # seconds a store call may wait; a poll must never hang a page


class RoomError(Exception):
    """A room action that cannot be done; the message is fit to show."""


class RoomGone(RoomError):
    """No such room: never made, closed, or idle for too long."""


class NotPresenter(RoomError):
    """The token does not move this room (a follower, a forged or stale token)."""


class Conflict(RoomError):
    """Someone moved the room first: `room` is where it is now."""

    def __init__(self, room: Room) -> None:
        super().__init__("the room moved first")
        self.room = room


class StoreUnavailable(RoomError):
    """The store cannot be reached or answered with an error (a restart, a full disk)."""


class StoreRefused(StoreUnavailable):
    """The store's settings are unsafe or its credentials wrong: waiting will not help."""


@dataclass(frozen=True)
class Room:
    """What a page needs of a room: where the class is, and how often it has moved."""

    code: str
    step: int  # 0-based index into the storyline's steps
    version: int  # 1 when made, one more with every move
    tour: str = DEFAULT_TOUR  # the storyline (geo.tour.TOURS): the class follows it as well as the step


@dataclass(frozen=True)
class StoreSettings:
    """Which store to open; hashable, so a page can cache one store per setting."""

    redis_url: str | None = None
    rooms_dir: Path | None = None
    idle_seconds: float = DEFAULT_IDLE_MINUTES * 60
    redis_insecure: bool = False  # ATLAS_REDIS_INSECURE=1: a Redis on another machine without a password

    def describe(self) -> str:
        """Where rooms live, for a log or a start-up line (a Redis password is left out)."""
        if self.redis_url:
            return f"Redis at {redacted(self.redis_url)}"
        return f"SQLite in {sqlite_path(self.rooms_dir or default_rooms_dir())}"


def redacted(url: str) -> str:
    """The URL with its password (in the address or a ?password= parameter) replaced by ***."""
    parts = urlsplit(url)
    query = re.sub(r"(?i)((?:^|&)[a-z_]*password=)[^&]*", r"\1***", parts.query)
    if parts.password is None and query == parts.query:
        return url
    netloc = parts.netloc
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[1]
        netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def unguarded_redis(url: str) -> str | None:
    """Why a Redis URL must not be used as it is: on another machine and no password, so anyone who
    reaches it could rewrite a room's token hash; None when it is on this machine or has credentials
    (a password, an ACL user's, or a TLS client certificate)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return None
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    if parts.password or re.search(r"(?i)(^|&)(password|ssl_certfile)=[^&]", parts.query):
        return None
    return (
        f"refusing the rooms store at {redacted(url)}: it is on another machine and the URL has no password, "
        "so anyone who reaches it could take over a class's room. Give Redis a password (requirepass, or an "
        "ACL user) and name it in ATLAS_REDIS_URL: redis://:PASSWORD@HOST:6379/0, redis://USER:PASSWORD@HOST:6379/0, "
        "or rediss://... for TLS; or set ATLAS_REDIS_INSECURE=1 if only the workers can reach it"
    )


def default_rooms_dir() -> Path:
    """Beside the user's other state (XDG), shared by every worker of this machine."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "karabakh-atlas" / "rooms"


def settings_from_env(environ: Mapping[str, str]) -> StoreSettings:
    """ATLAS_REDIS_URL, ATLAS_ROOMS_DIR, ATLAS_ROOM_IDLE_MINUTES and ATLAS_REDIS_INSECURE, with their defaults."""
    minutes_text = environ.get("ATLAS_ROOM_IDLE_MINUTES", "").strip()
    try:
        minutes = float(minutes_text) if minutes_text else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    if not math.isfinite(minutes) or minutes <= 0:
        minutes = DEFAULT_IDLE_MINUTES
    rooms_dir = environ.get("ATLAS_ROOMS_DIR", "").strip()
    return StoreSettings(
        redis_url=environ.get("ATLAS_REDIS_URL", "").strip() or None,
        rooms_dir=Path(rooms_dir) if rooms_dir else None,
        idle_seconds=minutes * 60,
        redis_insecure=environ.get("ATLAS_REDIS_INSECURE", "").strip() == "1",
    )


# Reading what a link or a person typed ----------------------------------------------------


def normalize_code(value: str) -> str | None:
    """A room code as typed ("abc d3", "ABC-D3") to its canonical form, or None if it is not one."""
    if len(value) > MAX_ROOM_PARAM_LENGTH:
        return None
    code = re.sub(r"[\s-]", "", value).upper()
    return code if CODE_RE.match(code) else None


def read_room_param(raw: str | list[str] | None) -> tuple[str | None, str | None]:
    """A raw `?room=` value to a well-formed code, or a notice for the reader; never raises.

    Only the shape is checked here; whether the room exists is the store's answer.
    """
    if raw is None or raw == "" or raw == []:
        return None, None
    value = raw[-1] if isinstance(raw, list) else raw
    code = normalize_code(value) if isinstance(value, str) else None
    if code is None:
        return None, (
            f"The link's room code cannot be read: room codes are {CODE_LENGTH} letters and digits. "
            "The tour is open for browsing on your own."
        )
    return code, None


def gone_notice(code: str) -> str:
    """What a follower reads when a room does not exist (the code is safe to echo: checked letters)."""
    return (
        f"No class is presenting in room {code}: the presentation has ended or the code is mistyped. "
        "The tour is open for browsing on your own."
    )


def _storyline(tour: str) -> dict[str, str]:
    return {TOUR_PARAM: tour} if tour != DEFAULT_TOUR else {}


def class_link(base_url: str, code: str, tour: str = DEFAULT_TOUR) -> str:
    """The link the class opens: the room's code, and its storyline unless it is the first one
    (the room is the truth; the link's storyline is what a page shows while the store is away)."""
    return page_link(base_url, {**_storyline(tour), ROOM_PARAM: code})


def presenter_link(base_url: str, code: str, token: str, tour: str = DEFAULT_TOUR) -> str:
    """The link that makes a screen the room's presenter again (another device, a closed browser)."""
    return page_link(base_url, {**_storyline(tour), ROOM_PARAM: code, PRESENTER_PARAM: token})


def checked_storyline(tour: str) -> str:
    """A storyline's name as the store keeps it; ValueError for anything else (a store never holds
    text a page did not make)."""
    if not isinstance(tour, str) or not STORYLINE_RE.match(tour):
        raise ValueError(f"not a storyline name: {tour!r}")
    return tour


def plausible_token(value: object) -> bool:
    """Worth asking the store about: the shape of a token this module makes."""
    return isinstance(value, str) and bool(TOKEN_RE.match(value))


def token_hash(token: str) -> str:
    """What the store keeps instead of the token: a leaked store moves no class."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class RateLimit:
    """At most `count` rooms per `window` seconds for one session (its history kept by the caller)."""

    count: int = 3
    window: float = 600.0

    def allow(self, history: tuple[float, ...], now: float) -> tuple[bool, tuple[float, ...]]:
        """Whether one more is allowed now, and the history to keep (with it, if allowed)."""
        recent = tuple(t for t in history if now - self.window < t <= now)
        if len(recent) >= self.count:
            return False, recent
        return True, (*recent, now)

    def wait(self, history: tuple[float, ...], now: float) -> float:
        """Seconds until one more is allowed."""
        recent = sorted(t for t in history if now - self.window < t <= now)
        if len(recent) < self.count:
            return 0.0
        return recent[-self.count] + self.window - now


# The stores -------------------------------------------------------------------------------


class RoomStore(ABC):
    """Rooms shared by every worker; subclasses hold them in SQLite or Redis.

    The checks every backend shares (token shape, logging of refusals) live here; each
    backend makes its own read-check-write one atomic step.
    """

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock

    def create(self, step: int = 0, tour: str = DEFAULT_TOUR) -> tuple[Room, str]:
        """A new room at `step` of the storyline `tour`, and the presenter token that alone moves it
        (shown to nobody else)."""
        token, tour = new_token(), checked_storyline(tour)
        for _ in range(CREATE_ATTEMPTS):
            code = new_code()
            if self._insert(code, token_hash(token), step, tour, self.clock()):
                return Room(code, step, 1, tour), token
        raise StoreUnavailable("no free room code was found; try again")

    def get(self, code: str) -> Room | None:
        """The room, or None if it does not exist or has been idle too long."""
        return self._get(code, self.clock())

    def claim(self, code: str, token: str) -> Room:
        """Check a presenter token (a presenter link, a reload) and keep the room alive."""
        return self._act(code, token, "claim", lambda now: self._touch(code, token_hash(token), now))

    def move(
        self, code: str, token: str, step: int, expected_version: int | None = None, tour: str | None = None
    ) -> Room:
        """Move the class to `step` (of the storyline `tour`, when given; else the room's own) if the
        token is the presenter's and, when given, the room is still at `expected_version`; raise
        Conflict with the current room otherwise."""
        tour = None if tour is None else checked_storyline(tour)
        return self._act(
            code, token, "move", lambda now: self._move(code, token_hash(token), step, expected_version, tour, now)
        )

    def close(self, code: str, token: str) -> None:
        """End the room: its followers are told and browse on their own."""
        self._act(code, token, "close", lambda now: self._delete(code, token_hash(token), now))

    def _act(self, code: str, token: str, action: str, do: Callable[[float], Any]) -> Any:
        if not plausible_token(token):
            log.warning("room %s: %s refused: not a presenter token", code, action)
            raise NotPresenter("only the presenter's screen can do that")
        try:
            return do(self.clock())
        except NotPresenter:
            log.warning("room %s: %s refused: the token does not present this room", code, action)
            raise

    def _expired(self, touched: float, now: float) -> bool:
        return now - touched > self.idle_seconds

    @abstractmethod
    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float) -> bool:
        """Add the room unless a live one has this code; True if added."""

    @abstractmethod
    def _get(self, code: str, now: float) -> Room | None: ...

    @abstractmethod
    def _touch(self, code: str, hashed: str, now: float) -> Room: ...

    @abstractmethod
    def _move(self, code: str, hashed: str, step: int, expected: int | None, tour: str | None, now: float) -> Room: ...

    @abstractmethod
    def _delete(self, code: str, hashed: str, now: float) -> None: ...

    @abstractmethod
    def purge(self) -> int:
        """Forget rooms idle for too long; how many went."""

    @abstractmethod
    def shutdown(self) -> None:
        """Let go of connections (a test, or a process that is ending)."""


def sqlite_path(rooms_dir: Path) -> Path:
    return rooms_dir / "rooms.sqlite3"


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

    def __init__(self, rooms_dir: Path, idle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        super().__init__(idle_seconds, clock)
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

    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM rooms WHERE touched < ?", (now - self.idle_seconds,))
                added = db.execute(
                    "INSERT OR IGNORE INTO rooms (code, token_hash, step, version, touched, tour) "
                    "VALUES (?, ?, ?, 1, ?, ?)",
                    (code, hashed, step, now, tour),
                ).rowcount
                db.execute("COMMIT")
            except BaseException:
                db.rollback()
                raise
            return added == 1

        return self._run(work)

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

        self._write(work)

    def purge(self) -> int:
        cutoff = self.clock() - self.idle_seconds
        return self._run(lambda db: db.execute("DELETE FROM rooms WHERE touched < ?", (cutoff,)).rowcount)

    def shutdown(self) -> None:
        with self._lock:
            self._db.close()


# Redis runs each script atomically: no other client's command runs between its steps.
# KEYS[1] the room; ARGV: token hash, step, expected version ("" for any), now, idle, ttl, action,
# storyline ("" keeps the room's). A room from before rooms carried a storyline is on the default one.
REDIS_ACT = f"""
local r = redis.call('HMGET', KEYS[1], 'token_hash', 'step', 'version', 'touched', 'tour')
if not r[1] or tonumber(ARGV[4]) - tonumber(r[4]) > tonumber(ARGV[5]) then return {{'gone'}} end
if r[1] ~= ARGV[1] then return {{'refused'}} end
local tour = r[5] or '{DEFAULT_TOUR}'
if ARGV[7] == 'close' then redis.call('DEL', KEYS[1]) return {{'closed'}} end
if ARGV[7] == 'claim' then
  redis.call('HSET', KEYS[1], 'touched', ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  return {{'ok', r[2], r[3], tour}}
end
if ARGV[3] ~= '' and r[3] ~= ARGV[3] then return {{'conflict', r[2], r[3], tour}} end
if ARGV[8] ~= '' then tour = ARGV[8] end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'step', ARGV[2], 'touched', ARGV[4], 'tour', tour)
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {{'ok', ARGV[2], tostring(v), tour}}
"""
# KEYS[1] the room; ARGV: token hash, step, now, idle, ttl, storyline. Replaces only a missing or idle room.
REDIS_INSERT = """
local touched = redis.call('HGET', KEYS[1], 'touched')
if touched and tonumber(ARGV[3]) - tonumber(touched) <= tonumber(ARGV[4]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'token_hash', ARGV[1], 'step', ARGV[2], 'version', 1, 'touched', ARGV[3], 'tour', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class RedisRoomStore(RoomStore):
    """Rooms in Redis, for workers on several machines. Redis forgets a room by itself
    (EXPIRE) a little after it went idle; persistence across a restart is Redis's own
    (appendonly yes)."""

    def __init__(self, url: str, idle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        super().__init__(idle_seconds, clock)
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        # A wrong or missing password, or an ACL user without the rights: no retry helps.
        self._refusals: tuple[type[Exception], ...] = (redis.AuthenticationError, redis.exceptions.NoPermissionError)
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=STORE_TIMEOUT,
            socket_connect_timeout=STORE_TIMEOUT,
            retry=Retry(NoBackoff(), 1),  # one quick retry after a dropped connection, then tell the page
            decode_responses=True,
        )
        self._act_script = self._redis.register_script(REDIS_ACT)
        self._insert_script = self._redis.register_script(REDIS_INSERT)
        self.url = url

    @property
    def ttl(self) -> int:
        return math.ceil(self.idle_seconds) + 60

    def _call(self, work: Callable[[], Any]) -> Any:
        try:
            return work()
        except self._errors as error:
            said = str(error)
            if secret := urlsplit(self.url).password:
                said = said.replace(secret, "***")
            if isinstance(error, self._refusals):
                raise StoreRefused(
                    f"the rooms store at {redacted(self.url)} refused the credentials: {said} "
                    "(check the user and password in ATLAS_REDIS_URL)"
                ) from error
            raise StoreUnavailable(f"the rooms store at {redacted(self.url)} cannot be reached: {said}") from error

    @staticmethod
    def key(code: str) -> str:
        return REDIS_PREFIX + code

    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float) -> bool:
        args = [hashed, step, repr(now), repr(self.idle_seconds), self.ttl, tour]
        return bool(self._call(lambda: self._insert_script(keys=[self.key(code)], args=args)))

    def _get(self, code: str, now: float) -> Room | None:
        fields = ("step", "version", "touched", "tour")
        step, version, touched, tour = self._call(lambda: self._redis.hmget(self.key(code), *fields))
        if touched is None or self._expired(float(touched), now):
            return None
        return Room(code, int(step), int(version), tour or DEFAULT_TOUR)

    def _script(
        self,
        code: str,
        hashed: str,
        action: str,
        now: float,
        step: int = 0,
        expected: int | None = None,
        tour: str | None = None,
    ) -> Room | None:
        version = "" if expected is None else expected
        args = [hashed, step, version, repr(now), repr(self.idle_seconds), self.ttl, action, tour or ""]
        answer = self._call(lambda: self._act_script(keys=[self.key(code)], args=args))
        if answer[0] == "gone":
            raise RoomGone("the room has ended")
        if answer[0] == "refused":
            raise NotPresenter("only the presenter's screen can do that")
        if answer[0] == "conflict":
            raise Conflict(Room(code, int(answer[1]), int(answer[2]), answer[3]))
        return None if answer[0] == "closed" else Room(code, int(answer[1]), int(answer[2]), answer[3])

    def _touch(self, code: str, hashed: str, now: float) -> Room:
        return self._script(code, hashed, "claim", now)

    def _move(self, code: str, hashed: str, step: int, expected: int | None, tour: str | None, now: float) -> Room:
        return self._script(code, hashed, "move", now, step, expected, tour)

    def _delete(self, code: str, hashed: str, now: float) -> None:
        self._script(code, hashed, "close", now)

    def purge(self) -> int:
        return 0  # Redis expires idle rooms itself

    def shutdown(self) -> None:
        self._redis.close()


class RoomWatch:
    """Pages of one process waiting for their room to move, served by one thread that asks the
    store every `every` seconds about the rooms someone waits on: a class of 50 in one process
    costs one read per room and tick instead of one per student, and a move wakes them all at once.

    The thread starts with the first wait and sleeps while nobody waits.
    """

    def __init__(self, store: RoomStore, every: float = 0.1) -> None:
        self.store = store
        self.every = every
        # Two conditions on one lock: pages wait on `_changed`, which the thread notifies only when
        # a room has changed; the thread sleeps on `_wanted` while nobody waits. A page that starts
        # waiting wakes the thread alone, never the other pages (with 25 pages a poll would
        # otherwise wake 25 threads, each for nothing).
        lock = threading.Lock()
        self._changed = threading.Condition(lock)
        self._wanted = threading.Condition(lock)
        self._waiting: dict[str, int] = {}  # code -> pages waiting on it
        self._seen: dict[str, Room | None] = {}  # code -> the room at the last tick (None: gone)
        self._thread: threading.Thread | None = None

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

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="room-watch", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._waiting:
                    self._wanted.wait()
                codes = list(self._waiting)
            for code in codes:
                try:
                    room = self.store.get(code)
                except StoreUnavailable:
                    continue  # nothing new to tell; the waits time out and try again
                with self._changed:
                    if code in self._waiting and (code not in self._seen or self._seen[code] != room):
                        self._seen[code] = room
                        self._changed.notify_all()
            time.sleep(self.every)


def open_store(settings: StoreSettings, clock: Callable[[], float] = time.time) -> RoomStore:
    """The store the settings name: Redis when a URL is given, else SQLite in the rooms folder."""
    if settings.redis_url:
        if not settings.redis_insecure and (problem := unguarded_redis(settings.redis_url)):
            raise StoreRefused(problem)
        return RedisRoomStore(settings.redis_url, settings.idle_seconds, clock)
    return SqliteRoomStore(settings.rooms_dir or default_rooms_dir(), settings.idle_seconds, clock)
