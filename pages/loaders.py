"""What every page loads once per process, and the gate that stops a page on broken data."""

from __future__ import annotations

import streamlit as st

from geo.atlas import Atlas, load_atlas
from geo.errors import DataError
from geo.events import Event, load_events
from geo.tour import DEFAULT_TOUR, Tour, load_tour
from geo.views import (
    ArticleView,
    AtlasView,
    StepView,
    TimelineView,
    article_view,
    atlas_view,
    step_views,
    timeline_view,
)


@st.cache_resource(show_spinner=False)
def atlas() -> Atlas:
    return load_atlas()


@st.cache_resource(show_spinner=False)
def tour(name: str = DEFAULT_TOUR) -> Tour:
    """A storyline of the classroom tour (geo.tour.TOURS names them)."""
    return load_tour(atlas(), name=name)


@st.cache_resource(show_spinner=False)
def view() -> AtlasView:
    """Every place's view, made once per process: a run only picks one."""
    return atlas_view(atlas())


@st.cache_resource(show_spinner=False)
def article() -> ArticleView:
    return article_view(atlas())


@st.cache_resource(show_spinner=False)
def place_hrefs() -> dict[str, str]:
    """Each place's link on the current page (`?place=<slug>`), for the mentions in passages."""
    return {p.slug: f"?place={p.slug}" for p in atlas().places}


@st.cache_resource(show_spinner=False)
def steps(name: str = DEFAULT_TOUR) -> tuple[StepView, ...]:
    story = tour(name)
    return step_views(view(), story, timeline() if any(step.event for step in story.steps) else None)


@st.cache_resource(show_spinner=False)
def events() -> tuple[Event, ...]:
    """The article's chronology (data/events.yaml), in date order; none without the file."""
    return load_events(atlas())


@st.cache_resource(show_spinner=False)
def timeline() -> TimelineView:
    """Every event's view and place on the time axis, made once per process."""
    return timeline_view(atlas(), events())


def open_atlas(what: str) -> Atlas:
    """The atlas, or a message naming the broken file, entry and field, and the page stops."""
    try:
        return atlas()
    except DataError as exc:
        st.error(f"{what} cannot open because a data file has a problem: {exc}")
        st.stop()


def open_tour(name: str = DEFAULT_TOUR) -> Tour:
    """The tour's storyline, through the same gate."""
    try:
        return tour(name)
    except DataError as exc:
        st.error(f"The tour cannot start because a data file has a problem: {exc}")
        st.stop()


def open_events() -> tuple[Event, ...]:
    """The events, or none with a message naming the broken file, entry and field: the map still opens."""
    try:
        return events()
    except DataError as exc:
        st.error(f"The timeline cannot open because a data file has a problem: {exc}")
        return ()
