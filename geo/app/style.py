"""A page's style sheets, from static/atlas/: the palette first, then the page's own."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from geo.render.templating import static_text


@lru_cache(maxsize=16)
def _css(names: tuple[str, ...]) -> str:
    return "<style>\n" + "\n".join(static_text(f"atlas/{name}") for name in ("palette.css", *names)) + "\n</style>"


def use_css(*names: str) -> None:
    """Add the palette and these style sheets (file names under static/atlas/) to the page."""
    st.html(_css(names))


@lru_cache(maxsize=16)
def _script(name: str) -> str:
    return f"<script>{static_text(f'atlas/{name}')}</script>"


def use_script(name: str) -> None:
    """Run a script from static/atlas/ in the app's own document (the script guards against running twice)."""
    st.html(_script(name), unsafe_allow_javascript=True)
