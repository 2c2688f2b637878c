"""Karabakh Atlas: the entry point. `streamlit run app.py` serves every page in pages/registry.py."""

import streamlit as st

from pages.registry import navigation

st.set_page_config(page_title="Karabakh Atlas", page_icon="🗺️", layout="wide")
navigation().run()
