"""The article's chronology on the Explore page: the timeline, its buttons and its script.

The timeline is a template (geo/render/templates/timeline.html) rendered from the one
TimelineView, once per atlas and process (geo/app/bundle.py), the same for every selection: a
change of place sends it as a reference to what the browser has (some 11 KB it would otherwise
resend). The selection travels in a small hidden element (timeline_state.html) that the page's
script (static/atlas/timeline.js) applies to the timeline. Its events are links (`?event=<slug>`), so
they work as links; the page's script opens a clicked one in the same session (the address becomes
the link's and the page reruns on it) rather than by loading the page again, and Left and Right
arrows press the "Earlier event" and "Later event" buttons. No element per event, hidden or not:
every element is made on every run, and hidden buttons were a quarter of the page's script time.

Why buttons and not a custom component: Streamlit's components load some 200 KB of
front-end code with the first page; buttons and a small script add nothing to it
(bench/bench_explore.py measures both the click and the first load).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.app import bundle

SCRIPT = "timeline.js"


def step(delta: int, choose: Callable[[str | None], None]) -> None:
    """Move from the open event by `delta` in date order (from none, forward opens the first).

    The event is read from the link when the button is pressed, not when it was drawn, so
    presses that come faster than the page redraws each move one event on.
    """
    slugs = [e.slug for e in bundle.current().timeline().events]
    current = st.query_params.get("event")
    index = slugs.index(current) + delta if current in slugs else (0 if delta > 0 else -1)
    if 0 <= index < len(slugs):
        choose(slugs[index])


def show_timeline(event: str | None, choose: Callable[[str | None], None]) -> bool:
    """The timeline's axis, the buttons to the earlier and later event and the list of events; whether
    there was one. The page adds the selection it marks (`state_html`) and the script that makes its
    links quick (`SCRIPT`) with the other scripts' (geo/app/explore.py)."""
    made = bundle.current()
    timeline = made.timeline()
    if not timeline.events:
        return False
    axis, events = made.timeline_html()
    st.html(axis)
    current = timeline.event(event) if event else None
    with st.container(horizontal=True, gap="small"):
        # Arrows as text, not icons: an icon would load a whole icon font with the page.
        st.button(
            "← Earlier event",
            key="event-prev",
            on_click=step,
            args=(-1, choose),
            disabled=current is None or current.previous is None,
            help="Left arrow",
        )
        st.button(
            "Later event →" if current else "First event →",
            key="event-next",
            on_click=step,
            args=(1, choose),
            disabled=current is not None and current.next is None,
            help="Right arrow",
        )
        if current:
            st.button("Close the event", key="event-close", on_click=choose, args=(None,), type="tertiary")
    st.html(events)
    return True


def state_html(place: str | None, event: str | None) -> str:
    """The hidden selection the timeline's script marks: the open event and the events of the place."""
    return bundle.current().timeline_state(place, event)
