"""The app's pages and their URL paths, named once: links, QR codes and tests use these."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from geo.paths import PAGES_DIR

# URL paths are part of shared links and printed handouts: never rename one.
EXPLORE_PATH = ""
TOUR_PATH = "Classroom_tour"
ARTICLE_PATH = "Article"
MAPANY_PATH = "Map_your_own_article"
MAPANY_FILE = "3_Map_your_own_article.py"
EXPLORE_FILE = "explore.py"


@dataclass(frozen=True)
class PageSpec:
    file: str  # under pages/
    title: str
    icon: str
    url_path: str  # "" for the page at the site's root


PAGES = (
    PageSpec(EXPLORE_FILE, "Explore the map", ":material/map:", EXPLORE_PATH),
    PageSpec("2_Article.py", "Read the article", ":material/article:", ARTICLE_PATH),
    PageSpec("1_Classroom_tour.py", "Classroom tour", ":material/school:", TOUR_PATH),
    PageSpec(MAPANY_FILE, "Map your own article", ":material/edit_location_alt:", MAPANY_PATH),
)


def file_path_name(file: str) -> str:
    """The URL path Streamlit gives a file in pages/ by itself: "1_Classroom_tour.py" -> "Classroom_tour".

    A first visit's path is looked up among the files of pages/ before this registry is
    read, so every page other than the root must be in a file named for its path, or that
    visitor is greeted with "page not found".
    """
    return re.sub(r"^[0-9]+[_ -]*", "", Path(file).stem)


def configure() -> None:
    """The settings every page shares."""
    st.set_page_config(page_title="Karabakh Atlas", page_icon="🗺️", layout="wide")


def page_may_draw() -> bool:
    """Whether a page run should draw the page; False when it handed over to the app's navigation.

    A fresh server runs the first visit to a page such as /Classroom_tour straight from the
    file in pages/ (Streamlit's older folder-based pages), without app.py. The page then
    hands over to this registry, so that visitor gets the app's navigation and the page
    drawn once, not a list of every file in pages/.
    """
    if not PagesManager.uses_pages_directory:
        return True
    configure()
    navigation().run()
    return False


def navigation() -> st.navigation:
    """Every page of the app, Explore first (it opens at the site's root)."""
    return st.navigation(
        [
            st.Page(PAGES_DIR / p.file, title=p.title, icon=p.icon, default=not p.url_path, url_path=p.url_path or None)
            for p in PAGES
        ]
    )
