"""Baseline for bench/bench_explore.py: one st_folium map holding one marker, with the app's local Leaflet.

The benchmark runs it from a temporary folder whose `static/` links to the repository's,
so Streamlit serves the same assets at the same URLs as for app.py.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.render.assets import asset_links

st.set_page_config(page_title="Baseline map", layout="wide")
st.title("Baseline")
fmap = folium.Map(location=(40.0, 46.2), zoom_start=7, tiles=None)
fmap.default_js, fmap.default_css = asset_links()
folium.Marker((40.37767, 49.89201), tooltip="Baku").add_to(fmap)
st_folium(fmap, key="baseline-map", height=640, use_container_width=True, returned_objects=[])
