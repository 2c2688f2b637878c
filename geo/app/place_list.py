"""Explore's list of places in the sidebar: links, and a search that filters them in the browser.

The list is one template (geo/render/templates/place_list.html) of real `?place=<slug>` links with
the search field above them, the same whatever is selected or typed, made once per atlas
(geo/app/bundle.py): a change of place sends it as a reference to what the browser has. The
selection travels in a tiny hidden element that static/atlas/place-list.js applies. A plain click
opens the place in the same session (the address becomes the link's and the page reruns on it); with
a modifier key, or without the script, the link loads the page. The search filters the list as one
types, on every name and alias the server folded into the list: no Streamlit text field, whose code
would load ahead of the map's on a first visit, and no rerun per keystroke.
"""

from __future__ import annotations

import streamlit as st

from geo.app import bundle
from geo.app.style import use_script
from geo.render.templating import render

STATE = "place-state"  # the container of the hidden selection; static/atlas/explore.css hides it


def show_place_list(selected: str | None) -> None:
    """The places by group, as links, with their search; the selection; the script."""
    made = bundle.current()
    st.sidebar.html(made.place_list_html())
    with st.container(key=STATE):  # in the main area, hidden: a few dozen bytes per change of place
        st.html(render("place_list_state.html", selected=selected if selected in made.atlas.by_slug else None))
    use_script("place-list.js")
