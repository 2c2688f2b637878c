"""Explore's list of places in the sidebar: links, and a search that filters them in the browser.

The list is one template (geo/render/templates/place_list.html) of real `?place=<slug>` links with
the search field above them, the same whatever is selected or typed, made once per atlas
(geo/app/bundle.py): a change of place sends it as a reference to what the browser has. The
selection travels in a tiny hidden element (`state_html`) that static/atlas/place-list.js applies. A plain click
opens the place in the same session (the address becomes the link's and the page reruns on it); with
a modifier key, or without the script, the link loads the page. The search filters the list as one
types, on every name and alias the server folded into the list: no Streamlit text field, whose code
would load ahead of the map's on a first visit, and no rerun per keystroke.
"""

from __future__ import annotations

import streamlit as st

from geo.app import bundle
from geo.render.templating import render

SCRIPT = "place-list.js"


def show_place_list() -> None:
    """The places by group, as links, with their search, in the sidebar; the page adds the selection
    (`state_html`) and the script (`SCRIPT`) with the other scripts' (geo/app/explore.py)."""
    st.sidebar.html(bundle.current().place_list_html())


def state_html(selected: str | None) -> str:
    """The hidden selection the list's script applies: a few dozen bytes per change of place."""
    return render("place_list_state.html", selected=selected if selected in bundle.current().atlas.by_slug else None)
