"""The data-error gate: a page gets its atlas, storyline or events, or a message naming the
broken file, entry and field."""

from __future__ import annotations

import streamlit as st

from geo.app import banner, bundle, source
from geo.atlas.events import Event
from geo.atlas.loader import Atlas
from geo.atlas.tours import DEFAULT_TOUR, Tour
from geo.errors import DataError, InputError

# A notice about the link's atlas, kept for the session's next run when that run only completes the page.
KEPT_NOTICE = "atlas-notice-kept"


def open_atlas(what: str, *, keep_notice: bool = False) -> Atlas:
    """This run's atlas (its source decided here, once per run, with its banner), or a message
    naming the broken file, entry and field, and the page stops.

    With `keep_notice` (a page whose next run follows at once to draw the rest of it, geo/app/explore.py),
    a notice about the atlas is shown on that run too: it would otherwise show for a moment only."""
    src, notice = source.decide()
    notice = notice or st.session_state.pop(KEPT_NOTICE, None)
    if notice:
        st.warning(notice)
        if keep_notice:
            st.session_state[KEPT_NOTICE] = notice
    try:
        data = bundle.current().atlas
    except (DataError, InputError, OSError) as exc:
        if src.is_default:
            st.error(f"{what} cannot open because a data file has a problem: {exc}")
            st.stop()
        source.use_default()
        notice = f"This atlas cannot open because a data file has a problem: {exc}. Here is the Karabakh atlas."
        st.error(notice)
        if keep_notice:
            st.session_state[KEPT_NOTICE] = notice
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
