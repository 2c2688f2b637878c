"""The article reader (pages/2_Article.py): the whole text beside the map, every mention of a place a link to it.

A click on a mention moves the map without a rerun (static/atlas/mentions.js calls the
map's own atlasFocus), so a class reading along costs the server nothing per click; the
server only draws the page when it opens, on `?place=` when a link names one.
"""

from __future__ import annotations

import streamlit as st

from geo.app import atlas_map, bundle, gate
from geo.app.style import use_css, use_script
from geo.atlas.links import read_place_param
from geo.render.maps import place_bounds, view_for
from geo.render.templating import render

MAP_HEIGHT = 560
MAP_WIDTH_GUESS = 520


def main() -> None:
    use_css("article.css")
    data = gate.open_atlas("The article reader")
    made = bundle.current()
    request = read_place_param(st.query_params.get_all("place") or None, data.places)
    if request.notice:
        st.warning(request.notice)
    text_col, map_col = st.columns([3, 2], gap="large")
    with text_col:
        # The article with every mention linked: the same for every reader, made once per atlas.
        st.markdown(render("reader_hint.html") + made.article_html(), unsafe_allow_html=True)
    with map_col, st.container(key="article-map"):
        selected = request.slug
        bounds = place_bounds(data, data.by_slug[selected]) if selected else made.opening_bounds()
        # Nothing selected on the Karabakh atlas: the map fits its opening view in the browser, to its real size.
        center, zoom = view_for(bounds, MAP_WIDTH_GUESS, MAP_HEIGHT) if bounds else (None, None)
        atlas_map.show_map(
            made.page_map("article-map", ("atlas/map-fill.css",)),
            height=MAP_HEIGHT,
            center=center,
            zoom=zoom,
            highlight=None,
        )
    st.markdown(render("credits.html", view=made.view(), osm=True), unsafe_allow_html=True)
    use_script("mentions.js")
