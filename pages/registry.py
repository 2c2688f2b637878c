"""The app's pages and their URL paths, named once: links, QR codes and tests use these."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
# URL paths are part of shared links and printed handouts: never rename one.
EXPLORE_PATH = ""
TOUR_PATH = "Classroom_tour"
ARTICLE_PATH = "Article"


def navigation() -> st.navigation:
    """Every page of the app, Explore first (it opens at the site's root)."""
    return st.navigation(
        [
            st.Page(HERE / "explore.py", title="Explore the map", icon=":material/map:", default=True),
            st.Page(HERE / "article.py", title="Read the article", icon=":material/article:", url_path=ARTICLE_PATH),
            st.Page(HERE / "tour.py", title="Classroom tour", icon=":material/school:", url_path=TOUR_PATH),
        ]
    )
