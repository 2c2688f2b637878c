"""The article's chronology on the Explore page: the timeline as a component, and its keys.

The timeline is a template (geo/templates/timeline.html) rendered from the one TimelineView;
its HTML changes only with the selection, so it is rendered once per (place, event) and
process. It is drawn by a Streamlit component (st.components.v2) whose script
(static/atlas/timeline.js) turns a click on an event into a selection in the same session:
a rerun, not a reload of the page. The events stay links (`?event=<slug>`), so they open in
a new tab, and without the script. Left and Right arrows press the "Earlier event" and
"Later event" buttons (static/atlas/timeline-keys.js).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.templating import render, static_text
from pages import loaders
from pages.style import use_script

KEY = "atlas-timeline"
# Registered once per process, when this module is first imported; Streamlit mounts it on each runtime.
_component = st.components.v2.component(
    "karabakh_atlas_timeline", js=static_text("atlas/timeline.js"), css=static_text("atlas/timeline.css")
)


def event_links() -> dict[str, str]:
    """Where each event links: the page itself with `?event=<slug>`."""
    return {e.slug: f"?event={e.slug}" for e in loaders.timeline().events}


@st.cache_resource(show_spinner=False, max_entries=512)
def timeline_html(place: str | None, event: str | None) -> str:
    """The timeline with this selection marked: the open event, and the events of the selected place."""
    timeline = loaders.timeline()
    name = next((p.name for p in loaders.view().places if p.slug == place), None)
    return render(
        "timeline.html",
        timeline=timeline,
        links=event_links(),
        selected=event,
        marked=timeline.involving(place) if name else frozenset(),
        place_name=name,
    )


def step(delta: int, choose: Callable[[str | None], None]) -> None:
    """Move from the open event by `delta` in date order (from none, forward opens the first).

    The event is read from the link when the button is pressed, not when it was drawn, so
    presses that come faster than the page redraws each move one event on.
    """
    slugs = [e.slug for e in loaders.timeline().events]
    current = st.query_params.get("event")
    index = slugs.index(current) + delta if current in slugs else (0 if delta > 0 else -1)
    if 0 <= index < len(slugs):
        choose(slugs[index])


def show_timeline(place: str | None, event: str | None, choose: Callable[[str | None], None]) -> None:
    """The timeline, the buttons to the earlier and later event, and the arrow keys that press them."""
    timeline = loaders.timeline()
    if not timeline.events:
        return

    def clicked() -> None:
        slug = st.session_state[KEY].get("select")
        if isinstance(slug, str) and any(e.slug == slug for e in timeline.events):
            choose(slug)

    _component(key=KEY, data=timeline_html(place, event), on_select_change=clicked)
    current = timeline.event(event) if event else None
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Earlier event",
            key="event-prev",
            on_click=step,
            args=(-1, choose),
            disabled=current is None or current.previous is None,
            help="Left arrow",
            icon=":material/chevron_left:",
        )
        st.button(
            "Later event" if current else "First event",
            key="event-next",
            on_click=step,
            args=(1, choose),
            disabled=current is not None and current.next is None,
            help="Right arrow",
            icon=":material/chevron_right:",
            icon_position="right",
        )
        if current:
            st.button("Close the event", key="event-close", on_click=choose, args=(None,), type="tertiary")
    use_script("timeline-keys.js")
