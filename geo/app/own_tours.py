"""A teacher's own storylines on the Classroom tour: the one this session is writing (`?tour=mine`),
saved ones (`?tour=<slug>`, geo/geoparser/saved_tours.py), and the one a room carries (its `tour` is
ROOM_STORYLINE: the presenter's unsaved storyline, its text kept beside the room, RoomStore.keep_storyline).

The page "Make a tour" (geo/app/editor.py) hands this session's checked storyline over with `run`;
the tour page asks `find` for a storyline its link or its room names that is not one of the atlas's
own. A saved storyline is read once per change of its file and checked against the atlas it belongs
to; its steps are made once per bundle (Bundle.custom), so a class of 50 following it costs what the
built-in storylines cost per rerun: one stat of its file. A room's storyline is read the same way:
one short read of its digest per rerun, and its text read and checked once per process per digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import streamlit as st

from geo.app import presenting, source
from geo.app.bundle import Bundle
from geo.atlas.storyline import read_storyline
from geo.atlas.tours import Tour
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.saved_tours import SavedTour, is_tour_slug, load_tour_file
from geo.render.view_models import StepView
from geo.rooms.store import ROOM_STORYLINE, RoomStore, StoreUnavailable

SESSION_NAME = "mine"  # ?tour=mine: the storyline this session is writing (never a saved one's slug)
RUN = "story-run"  # session state: (source, Tour, its checked file's text) the session runs on the tour page
UNSAVED = (
    "This storyline lives only in this browser tab: it has no link or QR code of its own. "
    "Present it to a class: the room carries it, and the class opens the room's link. "
    "Save it on the page Make a tour to get its own link, or download it."
)
ROOM_AWAY = (
    "The room's storyline cannot be read just now (the rooms store is out of reach), so the first tour is shown."
)
ROOM_NONE = "This room carries no storyline of its own any more, so the first tour is shown."


@dataclass(frozen=True)
class Custom:
    """A storyline that is not one of the atlas's files: its tour and its steps as the page shows them."""

    tour: Tour
    steps: tuple[StepView, ...]
    shareable: bool  # a saved one has a link; the session's own and a room's have none
    text: str | None = None  # the session's own: its file's text, which a room it is presented in carries


def run(tour: Tour, text: str) -> None:
    """Show this storyline of this session's atlas (`text`: its checked file) on the tour page as `?tour=mine`."""
    st.session_state[RUN] = (source.current(), tour, text)


def _session() -> tuple[Tour, str] | None:
    kept = st.session_state.get(RUN)
    return (kept[1], kept[2]) if kept is not None and kept[0] == source.current() else None


def session_tour() -> Tour | None:
    kept = _session()
    return kept[0] if kept is not None else None


def session_text() -> str | None:
    """This session's storyline as its file's text, for a room to carry; None without one."""
    kept = _session()
    return kept[1] if kept is not None else None


class _Changed(Exception):
    """The room's text changed between the reads of its digest and its text (the room moved: a rerun follows)."""


def _room_read(made: Bundle, rooms: RoomStore, code: str, digest: str) -> Tour | str:
    """The room's text, checked like an imported file against this atlas; a DataError's message
    instead of the tour, so that a text that does not fit is not read again on every rerun."""
    text = rooms.storyline_text(code)
    if text is None or hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
        raise _Changed
    try:
        return read_storyline(text, made.atlas, made.events(), ROOM_STORYLINE)[1]
    except DataError as exc:
        return f"The room's storyline does not fit this atlas, so the first tour is shown: {exc}"


def room_tour(made: Bundle, code: str | None) -> tuple[Custom | None, str | None]:
    """The storyline room `code` carries, read once per process per text (its digest)."""
    if code is None:
        return None, ROOM_NONE
    rooms = presenting.store()
    try:
        digest = rooms.storyline_digest(code)
        if digest is None:
            return None, ROOM_NONE
        read = made.custom(("room", digest), lambda: _room_read(made, rooms, code, digest))
    except StoreUnavailable:
        return None, ROOM_AWAY
    except _Changed:
        return None, "The room's storyline has just changed: the page shows it in a moment."
    if isinstance(read, str):
        return None, read
    return Custom(read, made.custom_steps(read), False), None


@lru_cache(maxsize=64)
def _read(root: str, slug: str, version: int) -> SavedTour:
    return load_tour_file(Path(root), slug)


def saved_file(slug: str) -> SavedTour | None:
    """A saved storyline's file, read again only when it changed; None if there is none."""
    root = saved.saved_root()
    if root is None or not is_tour_slug(slug):
        return None
    try:
        version = (root / ".storylines" / f"{slug}.yaml").stat().st_mtime_ns
        return _read(str(root), slug, version)
    except (OSError, InputError):
        return None


def find(made: Bundle, name: str | None, code: str | None = None) -> tuple[Custom | None, str | None]:
    """The custom storyline `name` names on this run's atlas (in room `code`, for the one a room
    carries), or None; and a notice when it cannot open."""
    if name == ROOM_STORYLINE:
        return room_tour(made, code)
    if name == SESSION_NAME:
        kept = _session()
        if kept is None:
            return None, "This session has no storyline of its own to show: write one on the page Make a tour."
        return Custom(kept[0], made.custom_steps(kept[0]), False, kept[1]), None
    if name is None or not is_tour_slug(name):
        return None, None
    kept = saved_file(name)
    if kept is None or kept.atlas != source.current().slug:
        return None, "There is no saved storyline by that name for this atlas, so the first tour is shown."

    try:
        tour = made.custom(
            ("saved", kept.slug, kept.version),
            lambda: read_storyline(kept.text, made.atlas, made.events(), kept.slug)[1],
        )
    except DataError as exc:
        return None, f"This saved storyline no longer fits its atlas: {exc}"
    return Custom(tour, made.custom_steps(tour), True), None
