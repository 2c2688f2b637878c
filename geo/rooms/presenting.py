"""Presenting the tour to a class, as data: the settings, a page's place in a room, who presents
it, and every message a page says about it. No Streamlit: geo/app/presenting.py reads the link,
the cookie and the session, calls these, and lays out what they return.

The presenter token lives in the presenter's session and, for a reload, in a cookie of the site
(never in the address bar, which a projector shows); a presenter link (`?presenter=`) hands it to
another device. `claim_presenter` decides, from the link's token and the cookie's, whether a page
presents its room.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace

from geo.rooms.store import (
    CODE_LENGTH,
    Conflict,
    NotPresenter,
    RateLimit,
    Room,
    RoomError,
    RoomGone,
    RoomStore,
    StoreUnavailable,
)

COOKIE_PREFIX = "atlas_presenter_"  # + the room's code: the presenter cookie's name
COOKIE_MAX_AGE = 24 * 3600  # a school day; the room itself ends sooner when idle
ROOMS_PER_SESSION = RateLimit(count=3, window=600.0)
POLL_RANGE = (0.2, 10.0)  # bounds of ATLAS_FOLLOW_POLL_SECONDS
DEFAULT_POLL_SECONDS = 0.5
FOLLOW_MODES = ("wake", "wait", "poll")  # ATLAS_FOLLOW_MODE; the first is the default
# In "wake" mode, how often a follower's browser asks whether it missed a wake-up (a worker's
# restart, a store out of reach at the move): 250 followers ask about 8 times a second in all.
RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class FollowSettings:
    """How a class's pages follow the room (ATLAS_FOLLOW_MODE, ATLAS_FOLLOW_POLL_SECONDS).

    In "wake" mode (the default) the process's RoomWatch (geo/rooms/watch.py) reruns a follower's
    page when its room moves, and the browser asks only every RECHECK_SECONDS whether it missed
    one; a quiet room costs nearly nothing. Otherwise the browser asks the page's fragment to rerun
    every `poll_seconds`: in "wait" mode each run waits on the RoomWatch and reruns the page as soon
    as the room moves; in "poll" mode each run reads the store once.
    """

    mode: str = "wake"  # "wake", "wait" or "poll"
    poll_seconds: float = DEFAULT_POLL_SECONDS

    @property
    def fragment_seconds(self) -> float:
        """How often the browser reruns the following fragment."""
        return RECHECK_SECONDS if self.mode == "wake" else self.poll_seconds

    @property
    def wait_range(self) -> tuple[float, float]:
        """How long one run waits: longer than the browser's interval, so that the browser's next request
        is always queued behind it and the room is never left unwatched between two runs; drawn between
        two and four intervals, so that a class woken together by a move does not wake together again."""
        return 2 * self.poll_seconds, 4 * self.poll_seconds

    @property
    def settle_seconds(self) -> float:
        """How long a run that a move started stays: long enough for the browser's next request to arrive."""
        return self.poll_seconds + 0.25

    def wait_seconds(self, rng: random.Random | None = None) -> float:
        return (rng or random).uniform(*self.wait_range)


def follow_settings(environ: Mapping[str, str]) -> FollowSettings:
    """The settings from the environment; anything unreadable is the default, a poll interval is kept
    within POLL_RANGE."""
    mode = environ.get("ATLAS_FOLLOW_MODE", "").strip()
    mode = mode if mode in FOLLOW_MODES else FOLLOW_MODES[0]
    try:
        seconds = float(environ.get("ATLAS_FOLLOW_POLL_SECONDS", DEFAULT_POLL_SECONDS))
    except ValueError:
        seconds = DEFAULT_POLL_SECONDS
    if seconds != seconds:  # NaN
        seconds = DEFAULT_POLL_SECONDS
    return FollowSettings(mode, min(POLL_RANGE[1], max(POLL_RANGE[0], seconds)))


@dataclass(frozen=True)
class Presence:
    """This page's place in a room for one run."""

    code: str | None = None  # the room's code, when the page is in one
    room: Room | None = None  # the room as the store has it (None when the store is out of reach)
    presenter: bool = False
    following: bool = False
    notice: str | None = None  # for the reader, shown once

    @property
    def step(self) -> int | None:
        """The step the room decides, when this page follows it (the presenter's too)."""
        return self.room.step if self.room is not None and self.following else None

    @property
    def storyline(self) -> str | None:
        """The storyline the room decides, when this page follows it (the presenter's too)."""
        return self.room.tour if self.room is not None and self.following else None


def in_room(code: str, room: Room, presenter: bool, follow: bool, pending: int | None, notice: str | None) -> Presence:
    """A page in a room that exists: a presenter always follows it (and shows the step of a Next
    it is making, `pending`, before the store has it); a student follows it while `follow` is on."""
    if presenter and pending is not None:
        room = replace(room, step=pending)
    return Presence(code, room, presenter, presenter or follow, notice)


def cookie_name(code: str) -> str:
    return COOKIE_PREFIX + code


@dataclass(frozen=True)
class Claim:
    """The outcome of `claim_presenter`."""

    room: Room  # the room as the page now has it
    token: str | None = None  # the token that makes this page the presenter, if one does
    keep: bool = False  # store `token` in the presenter cookie (it came from a presenter link)
    notice: str | None = None


def _claim(store: RoomStore, code: str, token: str) -> Room | None:
    try:
        return store.claim(code, token)
    except (NotPresenter, RoomGone):
        return None


def claim_presenter(store: RoomStore, code: str, room: Room, offered: str | None, cookie: object) -> Claim:
    """Whether a page that is not yet its room's presenter becomes it: by the token of a presenter
    link (`offered`, which wins, and which the cookie then keeps; one that does not present the room
    gets a notice), or by the presenter cookie's (silently ignored when it no longer presents it).
    StoreUnavailable when the store is out of reach."""
    if offered is not None:
        claimed = _claim(store, code, offered)
        if claimed is None:
            return Claim(room, notice=not_presenter_link(code))
        return Claim(claimed, offered, keep=True)
    if isinstance(cookie, str) and cookie:
        claimed = _claim(store, code, cookie)
        if claimed is not None:
            return Claim(claimed, cookie)
    return Claim(room)


# What a page says --------------------------------------------------------------------------


STORE_AWAY = "The class's room cannot be reached just now; this page keeps trying."
NO_ROOM_OPENED = "The rooms cannot be reached just now, so no room was opened. Try again in a moment."
STILL_OPEN = "The class's room cannot be reached just now, so it is still open. Try again."
NOT_A_CODE = f"That is not a room code: room codes are {CODE_LENGTH} letters and digits, as the teacher shows."


def gone_notice(code: str) -> str:
    """What a follower reads when a room does not exist (the code is safe to echo: checked letters)."""
    return (
        f"No class is presenting in room {code}: the presentation has ended or the code is mistyped. "
        "The tour is open for browsing on your own."
    )


def not_presenter_link(code: str) -> str:
    return f"This presenter link does not present room {code}, so this page follows the class."


def closed_notice(code: str) -> str:
    return f"Room {code} is closed: the class's pages now browse on their own."


def move_refused(error: RoomError, code: str) -> str:
    """Why the presenter's move did not reach the class; the page then shows the class's actual step."""
    if isinstance(error, Conflict):
        return "Another presenter screen moved the class first; this is the class's step now."
    if isinstance(error, NotPresenter):
        return "Only the presenter's screen moves the class; this page follows it."
    if isinstance(error, RoomGone):
        return gone_notice(code)
    if isinstance(error, StoreUnavailable):
        return "The class's room cannot be reached just now, so the class did not move. Try again."
    raise TypeError(f"not a refusal of a move: {error!r}")


def rate_limited(history: tuple[float, ...], now: float, limit: RateLimit = ROOMS_PER_SESSION) -> str:
    """Why no room was opened: the session opened its share of rooms lately (`history`, kept by the caller)."""
    minutes = max(1, round(limit.wait(history, now) / 60))
    return f"This page has opened {len(history)} rooms in the last minutes; open another in {minutes} min."
