"""A page's style sheets, from static/atlas/: the palette first, then the page's own."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import streamlit as st

from geo.render.assets import STREAMLIT_STATIC
from geo.render.templating import render, static_text

COMMENT = re.compile(r"/\*.*?\*/", re.S)


def compact_css(text: str) -> str:
    """A style sheet without its comments and runs of white space: it travels in every first visit's
    messages, uncompressed. (Single spaces stay: in a selector, one is a descendant combinator.)"""
    return re.sub(r"\s+", " ", COMMENT.sub("", text)).strip()


@lru_cache(maxsize=16)
def _css(names: tuple[str, ...]) -> str:
    sheets = (compact_css(static_text(f"atlas/{name}")) for name in ("palette.css", *names))
    return "<style>\n" + "\n".join(sheets) + "\n</style>"


def use_css(*names: str) -> None:
    """Add the palette and these style sheets (file names under static/atlas/) to the page."""
    st.html(_css(names))


@lru_cache(maxsize=16)
def _script(name: str) -> str:
    # Linked, not inline: inline, its text would travel in every first visit's WebSocket messages;
    # linked, it is one compressed file the browser keeps. The hash of its content names the version.
    version = hashlib.sha256(static_text(f"atlas/{name}").encode("utf-8")).hexdigest()[:12]
    return f'<script src="{STREAMLIT_STATIC}/atlas/{name}?v={version}"></script>'


def use_script(*names: str) -> None:
    """Run scripts from static/atlas/ in the app's own document, in this order (each guards against
    running twice): one element for them all, one fewer for the browser to draw per script."""
    st.html("".join(_script(name) for name in names), unsafe_allow_javascript=True)


def html(template: str, **context) -> None:
    """A template's HTML in the page (autoescaped, so safe to show), inline among the page's Markdown."""
    st.markdown(render(template, **context), unsafe_allow_html=True)


def raw_html(template: str, **context) -> None:
    """A template's HTML in the page, autoescaped and never read as Markdown: for text a person
    pasted, where a `#` or a `*` must stay as typed."""
    st.html(render(template, **context))
