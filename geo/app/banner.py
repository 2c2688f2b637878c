"""The banner on every page of an atlas other than the Karabakh one: which atlas it is, and the way back."""

from __future__ import annotations

import streamlit as st

from geo.app import source
from geo.app.registry import MAPANY_FILE, page_script
from geo.app.style import use_css, use_script
from geo.atlas.loader import Atlas
from geo.render.templating import render


def show(src: source.Source, data: Atlas) -> None:
    """Nothing for the default atlas; else the banner (a saved atlas's links keep its slug; a draft can
    go back to its review)."""
    if src.is_default:
        return
    use_css("source.css")
    meta = data.meta
    banner = render(
        "source_banner.html",
        kind=src.kind,
        title=meta.title,
        author=meta.author,
        back_url="./" if src.kind == "saved" else None,
    )
    st.markdown(banner, unsafe_allow_html=True)
    if src.kind == "draft":
        with st.container(horizontal=True, gap="small", key="atlas-source-actions"):
            st.button("Back to the Karabakh atlas", key="atlas-source-back", on_click=source.use_default)
            st.page_link(page_script(MAPANY_FILE), label="Edit this draft", icon=":material/edit:")
        # One slot on every run, so that the elements after it (the map) keep their place and are
        # not drawn again when the script shows only on the first run after opening.
        slot = st.empty()
        if st.session_state.pop(source.OPENED, False):
            with slot:
                use_script("scroll-top.js")
