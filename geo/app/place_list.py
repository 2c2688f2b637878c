"""Explore's list of places in the sidebar: links typed into one hidden field by a small script.

The list is one template (geo/render/templates/place_list.html) of real `?place=<slug>` links, the
same whatever is selected, so a change of place sends it as a reference to what the browser has;
the selection travels in a tiny hidden element that static/atlas/place-list.js applies. A plain
click types the place's slug into one hidden field and presses Enter, so the place opens in the
same session (a rerun); with a modifier key, or without the script, the link loads the page.
One field rather than a button per place: every element is made on every run.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.app import bundle
from geo.app.style import use_script
from geo.render.templating import render
from geo.render.view_models import AtlasView

PICKS = "place-picks"  # the container of the hidden field; static/atlas/explore.css hides it
PICK = "place-pick"  # the hidden field the script types a place's slug into


def pick(choose: Callable[[str | None], None]) -> None:
    """Open the place whose slug the script typed into the hidden field, then empty the field, so the
    same place can be picked again. Anything that is not a place of the atlas is ignored."""
    slug = st.session_state.get(PICK) or ""
    st.session_state[PICK] = ""
    if slug in bundle.current().atlas.by_slug:
        choose(slug)


def show_place_list(
    view: AtlasView, found: set[str], selected: str | None, choose: Callable[[str | None], None]
) -> None:
    """The places in `found`, by group, as links; the hidden field they type into; the script."""
    groups = [
        {"label": g.label, "places": [p for p in g.places if p.slug in found]}
        for g in view.groups
        if any(p.slug in found for p in g.places)
    ]
    if groups:
        st.sidebar.html(render("place_list.html", groups=groups, hrefs=bundle.current().place_hrefs()))
    with st.container(key=PICKS):  # in the main area, hidden: the sidebar keeps one field, the search
        st.html(render("place_list_state.html", selected=selected if selected in found else None))
        st.text_input(
            "Place to open", key=PICK, on_change=pick, args=(choose,), max_chars=200, label_visibility="collapsed"
        )
    use_script("place-list.js")
