"""The data-error gate: a page gets its atlas, storyline or events, or a message naming the
broken file, entry and field."""

from __future__ import annotations

import streamlit as st

from geo.app import banner, bundle, source
from geo.atlas.events import Event
from geo.atlas.loader import Atlas
from geo.atlas.tours import DEFAULT_TOUR, Tour
from geo.errors import DataError, InputError


def open_atlas(what: str) -> Atlas:
    """This run's atlas (its source decided here, once per run, with its banner), or a message
    naming the broken file, entry and field, and the page stops."""
    src, notice = source.decide()
    if notice:
        st.warning(notice)
    try:
        data = bundle.current().atlas
    except (DataError, InputError, OSError) as exc:
        if src.is_default:
            st.error(f"{what} cannot open because a data file has a problem: {exc}")
            st.stop()
        source.use_default()
        st.error(f"This atlas cannot open because a data file has a problem: {exc}. Here is the Karabakh atlas.")
        data = bundle.current().atlas
    banner.show(source.current(), data)
    return data


def open_tour(name: str = DEFAULT_TOUR) -> Tour:
    """The tour's storyline, through the same gate."""
    try:
        return bundle.current().tour(name)
    except DataError as exc:
        st.error(f"The tour cannot start because a data file has a problem: {exc}")
        st.stop()


def open_events() -> tuple[Event, ...]:
    """The events, or none with a message naming the broken file, entry and field: the map still opens."""
    try:
        return bundle.current().events()
    except DataError as exc:
        st.error(f"The timeline cannot open because a data file has a problem: {exc}")
        return ()
