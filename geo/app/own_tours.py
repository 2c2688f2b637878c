"""A teacher's own storylines on the Classroom tour: the one this session is writing (`?tour=mine`),
and saved ones (`?tour=<slug>`, geo/geoparser/saved_tours.py).

The page "Make a tour" (geo/app/editor.py) hands this session's checked storyline over with `run`;
the tour page asks `find` for a storyline its link or its room names that is not one of the atlas's
own. A saved storyline is read once per change of its file and checked against the atlas it belongs
to; its steps are made once per bundle (Bundle.custom), so a class of 50 following it costs what the
built-in storylines cost per rerun: one stat of its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import streamlit as st

from geo.app import source
from geo.app.bundle import Bundle
from geo.atlas.storyline import read_storyline
from geo.atlas.tours import Tour
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.saved_tours import SavedTour, is_tour_slug, load_tour_file
from geo.render.view_models import StepView

SESSION_NAME = "mine"  # ?tour=mine: the storyline this session is writing (never a saved one's slug)
RUN = "story-run"  # session state: (source, Tour) the session runs on the tour page
UNSAVED = (
    "This storyline lives only in this browser tab: it has no link, QR code or room yet. "
    "Save it on the page Make a tour to get its link and present it to a class, or download it."
)


@dataclass(frozen=True)
class Custom:
    """A storyline that is not one of the atlas's files: its tour and its steps as the page shows them."""

    tour: Tour
    steps: tuple[StepView, ...]
    shareable: bool  # a saved one has a link; the session's own has none


def run(tour: Tour) -> None:
    """Show this storyline of this session's atlas on the tour page as `?tour=mine`."""
    st.session_state[RUN] = (source.current(), tour)


def session_tour() -> Tour | None:
    kept = st.session_state.get(RUN)
    return kept[1] if kept is not None and kept[0] == source.current() else None


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


def find(made: Bundle, name: str | None) -> tuple[Custom | None, str | None]:
    """The custom storyline `name` names on this run's atlas, or None; and a notice when it cannot open."""
    if name == SESSION_NAME:
        tour = session_tour()
        if tour is None:
            return None, "This session has no storyline of its own to show: write one on the page Make a tour."
        return Custom(tour, made.custom_steps(tour), False), None
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
