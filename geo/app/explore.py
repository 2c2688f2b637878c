"""The Explore page (pages/explore.py): the map of every place the article names, with the passages beside
it and the article's chronology."""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st
from streamlit_folium import st_folium

from geo.app import atlas_map, bundle, gate, place_list, source, timeline
from geo.app.registry import page_address
from geo.app.style import raw_html, use_css, use_script
from geo.atlas.links import LinkRequest, event_link, place_link, read_event_param, read_place_param
from geo.render.maps import build_map, place_bounds, places_bounds, view_for
from geo.render.view_models import AtlasView

MAP_HEIGHT = 640
# The server cannot know the map's width; this is its width on a 1280-pixel projector, so
# the place fits there and on anything wider (phones get the same view, a little cropped).
MAP_WIDTH_GUESS = 480
# "rebuild" redraws the whole map for each selection instead of moving it (bench/bench_explore.py compares both).
MAP_MODE = os.environ.get("ATLAS_MAP_MODE", "move")
# "off" leaves the timeline out: bench/bench_explore.py measures what it adds to the first load.
TIMELINE = os.environ.get("ATLAS_TIMELINE", "on") != "off"
DOWNLOADS = "Download the map or the data"  # the menu that holds the download buttons
STATE = "explore-state"  # the container of the hidden selections; static/atlas/explore.css hides it
# Set once a session's first run has drawn the map and the passage: every later run draws the whole page.
DRAWN = "explore-drawn"
# Set once the fallback's timer has been drawn: its next firing finds the page still incomplete.
WAITING = "explore-waiting"
# If the map never reports (Leaflet failing in its frame, a script blocked, a slow phone), the rest of the
# page follows this many seconds after the first run anyway.
FALLBACK_SECONDS = 2.5
SPACE = "explore-space"  # the space the timeline takes, kept under the map on the first run (explore.css)


def downloads(selected: str | None) -> None:
    """Everything on screen, to take away: the map as one offline HTML file, and the data."""
    # Passed as callables, so each file is made and sent when its button is clicked, not with every page load.
    # They hold this run's atlas: a click is served outside the page's run.
    name = selected or "all-places"
    made = bundle.current()
    events, stem = made.events(), made.file_stem()
    buttons = (
        (
            "Download this map (HTML)",
            lambda: made.map_file(selected),
            f"{stem}-{name}.html",
            "text/html",
            "One file that opens in any browser, offline, on the current place.",
        ),
        (
            "Download the data (GeoJSON)",
            lambda: made.places_files()[0],
            f"{stem}-places.geojson",
            "application/geo+json",
            "Every place with its names, sources, figures and passages.",
        ),
        (
            "Download the data (CSV)",
            lambda: made.places_files()[1],
            f"{stem}-places.csv",
            "text/csv",
            "One row per place, for a spreadsheet.",
        ),
    )
    if events:
        buttons += (
            (
                "Download the events (JSON)",
                lambda: made.events_files()[0],
                f"{stem}-events.json",
                "application/json",
                "Every dated event: its dates, the article's words that date it, its places and sources.",
            ),
            (
                "Download the events (CSV)",
                lambda: made.events_files()[1],
                f"{stem}-events.csv",
                "text/csv",
                "One row per event, in date order, for a spreadsheet.",
            ),
        )
    # A download changes nothing on the page: no rerun, which also keeps the button (and the file it
    # is making) in place while the browser fetches it. The buttons wait in one menu: the browser
    # draws them (and loads their code) only when it is opened, so a first visit draws one button
    # here instead of five, each with its Markdown label and tooltip, while the map's frame is made.
    with st.popover(DOWNLOADS):
        for label, make, file_name, mime, tip in buttons:
            st.download_button(
                label, data=make, file_name=file_name, mime=mime, help=tip, width="stretch", on_click="ignore"
            )


def select(slug: str | None) -> None:
    """Open a place (closing any event), or nothing."""
    st.query_params.pop("event", None)
    if slug:
        st.query_params["place"] = slug
    else:
        st.query_params.pop("place", None)


def select_event(slug: str | None) -> None:
    """Open an event (closing any place), or close it."""
    st.query_params.pop("place", None)
    if slug:
        st.query_params["event"] = slug
    else:
        st.query_params.pop("event", None)


def place_panel(view: AtlasView, slug: str | None) -> None:
    if slug is None:
        raw_html("explore_intro.html", view=view)
        return
    place = view.place(slug)
    raw_html("place_head.html", place=place, heading="h2")
    if source.shareable():
        st.markdown("**Link to this place** (copy button on the right)")
        # Wrapped, not scrolled sideways on a phone: a scrolling box would need a keyboard stop of its own.
        st.code(source.keep_source(place_link(page_address(), slug)), language=None, wrap_lines=True)
    else:
        st.caption(source.unshared_notice())
    raw_html("place_passages.html", place=place, heading="h3", view=view, hrefs=bundle.current().place_hrefs())


def event_panel(slug: str) -> None:
    event = bundle.current().timeline().event(slug)
    raw_html("event_panel.html", event=event, heading="h2", place_links={})
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.markdown("Open a place:")
        for place in event.places:
            st.button(place.name, key=f"event-place-{place.slug}", on_click=select, args=(place.slug,))
    if source.shareable():
        st.markdown("**Link to this event** (copy button on the right)")
        st.code(source.keep_source(event_link(page_address(), slug)), language=None)


def notice(request: LinkRequest, name: dict[str, str], choose: Callable[[str | None], None], prefix: str) -> None:
    """A link that could not be read: the notice, and buttons for the nearest names."""
    if not request.notice:
        return
    st.warning(request.notice)
    if request.suggestions:
        st.markdown("Did you mean:")
        cols = st.columns(len(request.suggestions))
        for col, slug in zip(cols, request.suggestions, strict=True):
            col.button(name[slug], key=f"{prefix}{slug}", on_click=choose, args=(slug,))


@st.fragment(run_every=FALLBACK_SECONDS)
def complete_page() -> None:
    """Draw the rest of the page if the map has not reported by now: navigation never waits on the map.

    Drawn on a session's first run only, so the timer stops with the first full run (the map's report or
    this one's) and costs nothing afterwards. Its first call is part of the first run itself: it only notes
    the wait; a later call is the timer firing while the page is still incomplete."""
    if st.session_state.get(WAITING):
        st.rerun(scope="app")
    st.session_state[WAITING] = True


def main() -> None:
    use_css("html-blocks.css", "explore.css", "timeline.css")
    # A session's first run draws the map and the passage only: the browser then makes the map's frame
    # without first rendering the list, the timeline, the menu and the credits in the same steps. The
    # map reports once it is drawn, and that rerun draws the rest (as every later run does).
    first = not st.session_state.get(DRAWN)
    st.session_state[DRAWN] = True
    data = gate.open_atlas("The atlas", keep_notice=first)
    made = bundle.current()
    view = made.view()
    events = gate.open_events()
    request = read_place_param(st.query_params.get_all("place") or None, data.places)
    event_request = read_event_param(st.query_params.get_all("event") or None, events)
    selected, event = request.slug, event_request.slug
    event_view = made.timeline().event(event) if event else None

    st.title("Karabakh Atlas" if source.current().is_default else "Atlas of an article")
    raw_html("explore_caption.html", view=view)
    notice(request, {p.slug: p.name for p in view.places}, select, "suggest-")
    notice(event_request, {e.slug: e.title for e in events}, select_event, "suggest-event-")

    map_col, panel_col = st.columns([3, 2], gap="medium")
    # The map first: its frame, and the files it loads, take longest on a first visit, so they start
    # before anything else (its own arguments are a few hundred bytes: the map is a cached file). Then
    # the passage beside it; the timeline under the map and the sidebar list come last.
    with map_col:
        if event_view:
            bounds = places_bounds(data, [data.by_slug[slug] for slug in event_view.place_slugs])
        else:
            bounds = place_bounds(data, data.by_slug[selected]) if selected else made.opening_bounds()
        # Nothing selected on the Karabakh atlas: the map fits its opening view in the browser, to its real size.
        center, zoom = view_for(bounds, MAP_WIDTH_GUESS, MAP_HEIGHT) if bounds else (None, None)
        returned = ["last_active_drawing", "last_object_clicked_count"]
        if MAP_MODE == "rebuild":
            result = st_folium(
                build_map(data, selected=selected),
                key="atlas-map",
                height=MAP_HEIGHT,
                use_container_width=True,
                returned_objects=returned,
            )
        else:
            result = atlas_map.show_map(
                made.page_map("atlas-map"),
                height=MAP_HEIGHT,
                center=center,
                zoom=zoom,
                highlight=made.highlight_places(event_view.place_slugs) if event_view else made.highlight(selected),
                returned_objects=returned,
                report_drawn=first,
            )
        # The component keeps returning the last drawing clicked; its click count tells a new click
        # (even on the same place, after picking another one in the list) from a rerun.
        result = result or {}
        clicked = (result.get("last_active_drawing") or {}).get("properties", {}).get("slug")
        clicks = result.get("last_object_clicked_count")
        if clicked and clicks != st.session_state.get("map-click") and clicked in data.by_slug:
            st.session_state["map-click"] = clicks
            if clicked != selected:
                select(clicked)
                st.rerun()
    with panel_col:
        if event_view:
            event_panel(event_view.slug)
        else:
            place_panel(view, selected)
    if first:
        if TIMELINE and events:
            with map_col:
                # The timeline's space, so the passage under the map on a phone does not move when it comes.
                st.container(key=SPACE).empty()
        complete_page()
        return
    # Under the map, and sent after the passage: the map and the passage are what a visit waits for.
    timeline_shown = False
    if TIMELINE:
        with map_col:
            timeline_shown = timeline.show_timeline(event, select_event)
    place_list.show_place_list()
    # The selections the list's and the timeline's scripts mark, hidden, and the scripts: one container
    # and one element each, rather than one per script (every element costs a first visit's browser).
    with st.container(key=STATE):
        st.html(place_list.state_html(selected) + (timeline.state_html(selected, event) if timeline_shown else ""))
    use_script(place_list.SCRIPT, *((timeline.SCRIPT,) if timeline_shown else ()))
    st.divider()
    downloads(selected)
    raw_html("credits.html", view=view, osm=True)
    if selected and not event_view:
        # Only beside a passage, whose other places are links: a first visit without one does not fetch it.
        use_script("mentions.js")
