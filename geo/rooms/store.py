"""Rooms: a class follows its presenter's step through a store every worker shares.

A room is a short code the class reads, types or scans, the storyline and step of the tour
it shows, and a version that goes up with every move. Only the presenter token given when the room was
made can move or close it, and a move names the version it starts from
(compare-and-set), so of two presenter screens pressing Next at once exactly one wins.

The store is real and shared, never a Python dict, because a class is spread over several
worker processes and possibly machines: SQLite in WAL mode (one file in a folder,
`ATLAS_ROOMS_DIR`) by default, Redis when `ATLAS_REDIS_URL` names one. A room is gone
after `ATLAS_ROOM_IDLE_MINUTES` without a presenter action. A room holds its code, a hash of
the token, the storyline, the step, the version and the time of the presenter's last action.
A room may also carry the text of its storyline (`keep_storyline`, at most MAX_FILE_BYTES), when
it is a teacher's own that has no file the workers share: only the presenter token writes it, a new
one replaces it, and it goes with the room.

The store holds at most `ATLAS_MAX_ROOMS` live rooms, and one client address (geo/rooms/client.py)
may have `ATLAS_ROOMS_PER_CLIENT` of them open and open DEFAULT_STARTS_PER_HOUR in an hour: so that
one student's tabs, on any worker and after any reload, can neither fill the store nor the server.
To count them the store keeps, beside the rooms, a hash of the address that opened each one, for
as long as the room may live (an hour at least); nothing else about people.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import os
import re
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from geo.atlas.links import page_link
from geo.atlas.storyline import MAX_FILE_BYTES
from geo.atlas.tours import DEFAULT_TOUR

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
# A room's `tour` when the room carries its storyline's own text (a teacher's unsaved one, Make a tour):
# no atlas file is named tour-room.yaml by the app, and a saved storyline's slug ends in "-" and 6 hex digits.
ROOM_STORYLINE = "room"
DEFAULT_IDLE_MINUTES = 180.0
CREATE_ATTEMPTS = 20
REDIS_PREFIX = "atlas:room:"  # + a room's code; every key of the rooms starts so (an ACL user may be held to it)
# Beside the rooms, under their prefix; a code never holds "-", so these are never a room's key.
REDIS_LIVE = REDIS_PREFIX + "-live"  # every live room, "<code>:<token hash, 16 hex>", scored by its last action
REDIS_STARTS_PREFIX = REDIS_PREFIX + "-starts:"  # + a client's key: the rooms it opened, scored by when
# Server-wide and per-client limits on rooms (RoomLimits): a school's classes at once, and what one
# address may open, so that one student's tabs cannot fill the store or take every code.
DEFAULT_MAX_ROOMS = 200  # ATLAS_MAX_ROOMS: live rooms on the whole server
DEFAULT_ROOMS_PER_CLIENT = 6  # ATLAS_ROOMS_PER_CLIENT: live rooms opened from one address
DEFAULT_STARTS_PER_HOUR = 20  # ATLAS_ROOM_STARTS_PER_HOUR: rooms one address may open in an hour, closed ones included
STARTS_WINDOW = 3600.0
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


class RoomLimit(RoomError):
    """No room was opened: the server's or this address's limit is reached. The message says which, and
    what to do; `wait_seconds` is how long until one more is allowed, when only time will do."""

    def __init__(self, message: str, wait_seconds: float | None = None) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class RoomLimits:
    """How many rooms the server holds, and how many one client address may open (see README, Limits)."""

    max_rooms: int = DEFAULT_MAX_ROOMS
    per_client: int = DEFAULT_ROOMS_PER_CLIENT
    starts_per_hour: int = DEFAULT_STARTS_PER_HOUR


DEFAULT_LIMITS = RoomLimits()


@dataclass(frozen=True)
class Admission:
    """A backend's answer to one insert: "added", "taken" (the code is in use), or the limit that refused it
    ("full", "client", "rate") with the count that reached it and, for "rate", the oldest start counted."""

    status: str
    count: int = 0
    oldest: float = 0.0


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
    limits: RoomLimits = DEFAULT_LIMITS

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


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    """A positive whole number from the environment, else the default."""
    try:
        value = int(environ.get(name, "").strip())
    except ValueError:
        return default
    return value if value > 0 else default


# Every variable `settings_from_env` reads: a page asks for the store several times a run, and
# geo/app/presenting.py reads the settings again only when one of these has changed.
STORE_ENV = (
    "ATLAS_REDIS_URL",
    "ATLAS_ROOMS_DIR",
    "ATLAS_ROOM_IDLE_MINUTES",
    "ATLAS_REDIS_INSECURE",
    "ATLAS_MAX_ROOMS",
    "ATLAS_ROOMS_PER_CLIENT",
    "ATLAS_ROOM_STARTS_PER_HOUR",
)


def settings_from_env(environ: Mapping[str, str]) -> StoreSettings:
    """ATLAS_REDIS_URL, ATLAS_ROOMS_DIR, ATLAS_ROOM_IDLE_MINUTES, ATLAS_REDIS_INSECURE, ATLAS_MAX_ROOMS,
    ATLAS_ROOMS_PER_CLIENT and ATLAS_ROOM_STARTS_PER_HOUR, with their defaults."""
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
        limits=RoomLimits(
            max_rooms=_count(environ, "ATLAS_MAX_ROOMS", DEFAULT_MAX_ROOMS),
            per_client=_count(environ, "ATLAS_ROOMS_PER_CLIENT", DEFAULT_ROOMS_PER_CLIENT),
            starts_per_hour=_count(environ, "ATLAS_ROOM_STARTS_PER_HOUR", DEFAULT_STARTS_PER_HOUR),
        ),
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


def _storyline(tour: str) -> dict[str, str]:
    """The link's `tour`: none for the first storyline, nor for one the room carries (only the room has it)."""
    return {TOUR_PARAM: tour} if tour not in (DEFAULT_TOUR, ROOM_STORYLINE) else {}


def class_link(base_url: str, code: str, tour: str = DEFAULT_TOUR) -> str:
    """The link the class opens: the room's code, and its storyline unless it is the first one
    (the room is the truth; the link's storyline is what a page shows while the store is away)."""
    return page_link(base_url, {**_storyline(tour), ROOM_PARAM: code})


def presenter_link(base_url: str, code: str, token: str, tour: str = DEFAULT_TOUR) -> str:
    """The link that makes a screen the room's presenter again (another device, a closed browser).

    It opens the app's static page static/atlas/presenter.html with the token after "#", which a
    browser never sends to a server, so no log or Referer holds it: the page's script keeps it in the
    presenter cookie and opens the tour page on the room (`?presenter=` links still work)."""
    parts = urlsplit(base_url)
    root = parts.path.rsplit("/", 1)[0]
    fragment = urlencode({**_storyline(tour), ROOM_PARAM: code, PRESENTER_PARAM: token})
    return urlunsplit((parts.scheme, parts.netloc, f"{root}/app/static/atlas/presenter.html", "", fragment))


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


def client_key(client: str) -> str:
    """What the store keeps of the address that opened a room (geo/rooms/client.py): a hash, to count by."""
    return hashlib.sha256(f"atlas-room-client\0{client}".encode()).hexdigest()[:32]


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

    def __init__(
        self, idle_seconds: float, clock: Callable[[], float] = time.time, limits: RoomLimits = DEFAULT_LIMITS
    ) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.limits = limits

    @property
    def starts_kept(self) -> float:
        """How long a room's opening is remembered: while the room may live, and for the hourly count."""
        return max(self.idle_seconds, STARTS_WINDOW)

    def create(self, step: int = 0, tour: str = DEFAULT_TOUR, client: str | None = None) -> tuple[Room, str]:
        """A new room at `step` of the storyline `tour`, and the presenter token that alone moves it
        (shown to nobody else).

        `client` is the address asking (geo/rooms/client.py `client_address`): the store counts the
        rooms each address opens, across workers and reloads. Without it only the server's cap holds.
        RoomLimit says which limit refused the room.
        """
        token, tour = new_token(), checked_storyline(tour)
        key = None if client is None else client_key(client)
        for _ in range(CREATE_ATTEMPTS):
            code = new_code()
            now = self.clock()
            admission = self._insert(code, token_hash(token), step, tour, now, key)
            if admission.status == "added":
                return Room(code, step, 1, tour), token
            if admission.status != "taken":
                raise self._refusal(admission, now)
        raise StoreUnavailable("no free room code was found; try again")

    def _refusal(self, admission: Admission, now: float) -> RoomLimit:
        log.warning("rooms: a new room refused (%s, %d)", admission.status, admission.count)
        if admission.status == "full":
            return RoomLimit(
                f"The server already has {admission.count} rooms open, the most it holds "
                f"({self.limits.max_rooms}), so no room was opened. Try again when a presentation has ended."
            )
        if admission.status == "client":
            minutes = round(self.idle_seconds / 60)
            return RoomLimit(
                f"{admission.count} rooms opened from this address are still open, the most one address may "
                f"have ({self.limits.per_client}). Stop presenting in one of them first (a room nobody moves "
                f"ends by itself after {minutes} minutes)."
            )
        wait = max(0.0, admission.oldest + STARTS_WINDOW - now)
        return RoomLimit(
            f"{admission.count} rooms have been opened from this address in the last hour, the most allowed "
            f"({self.limits.starts_per_hour}). Open another in {max(1, math.ceil(wait / 60))} min.",
            wait_seconds=wait,
        )

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

    def keep_storyline(self, code: str, token: str, text: str) -> Room:
        """Have the room carry this storyline's text (the presenter only; a checked storyline file, read
        back by each page with the strict reader) and show it: its `tour` becomes ROOM_STORYLINE and it
        moves, so the class's pages wake and read the new text. The text replaces the room's earlier one."""
        if not isinstance(text, str) or not text:
            raise RoomError("The room can only carry a storyline's text.")
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise RoomError(
                f"This storyline is too long for a room to carry: at most {MAX_FILE_BYTES // 1024} KB "
                "as a file. Shorten its texts, or save it."
            )
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._act(code, token, "storyline", lambda now: self._keep(code, token_hash(token), text, digest, now))

    def storyline_digest(self, code: str) -> str | None:
        """The SHA-256 of the text the live room carries (a short read: pages parse a text once per
        digest), or None when it carries none or is gone."""
        return self._digest(code, self.clock())

    def storyline_text(self, code: str) -> str | None:
        """The storyline text the live room carries, or None."""
        return self._text(code, self.clock())

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
    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float, client: str | None) -> Admission:
        """In one atomic step: forget idle rooms, then add the room unless a live one has this code or a
        limit refuses it (the server's live rooms; the client's live rooms and its openings in the last
        hour, when `client`, a client_key, is given); record the opening for the client."""

    @abstractmethod
    def _get(self, code: str, now: float) -> Room | None: ...

    @abstractmethod
    def _touch(self, code: str, hashed: str, now: float) -> Room: ...

    @abstractmethod
    def _move(self, code: str, hashed: str, step: int, expected: int | None, tour: str | None, now: float) -> Room: ...

    @abstractmethod
    def _delete(self, code: str, hashed: str, now: float) -> None: ...

    @abstractmethod
    def _keep(self, code: str, hashed: str, text: str, digest: str, now: float) -> Room:
        """In one atomic step: check the token, keep the text and its digest beside the room (replacing
        any), set its `tour` to ROOM_STORYLINE and move its version."""

    @abstractmethod
    def _digest(self, code: str, now: float) -> str | None: ...

    @abstractmethod
    def _text(self, code: str, now: float) -> str | None: ...

    @abstractmethod
    def purge(self) -> int:
        """Forget rooms idle for too long; how many went."""

    @abstractmethod
    def shutdown(self) -> None:
        """Let go of connections (a test, or a process that is ending)."""


def sqlite_path(rooms_dir: Path) -> Path:
    return rooms_dir / "rooms.sqlite3"
