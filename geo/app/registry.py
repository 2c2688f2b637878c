"""The app's pages and their URL paths, named once: links, QR codes and tests use these."""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.app import collector, session_wake
from geo.atlas.links import site_root
from geo.paths import PAGES_DIR

# URL paths are part of shared links and printed handouts: never rename one.
EXPLORE_PATH = ""
TOUR_PATH = "Classroom_tour"
ARTICLE_PATH = "Article"
MAPANY_PATH = "Map_your_own_article"
MAPANY_FILE = "3_Map_your_own_article.py"
EDITOR_PATH = "Make_a_tour"
EDITOR_FILE = "4_Make_a_tour.py"
EXPLORE_FILE = "explore.py"
TOUR_FILE = "1_Classroom_tour.py"
ARTICLE_FILE = "2_Article.py"
# Where `streamlit run app.py` serves: the app's address in a run that has no browser's (AppTest).
LOCAL_URL = "http://localhost:8501/"


@dataclass(frozen=True)
class PageSpec:
    file: str  # under pages/
    title: str
    icon: str
    url_path: str  # "" for the page at the site's root


PAGES = (
    PageSpec(EXPLORE_FILE, "Explore the map", ":material/map:", EXPLORE_PATH),
    PageSpec(ARTICLE_FILE, "Read the article", ":material/article:", ARTICLE_PATH),
    PageSpec(TOUR_FILE, "Classroom tour", ":material/school:", TOUR_PATH),
    PageSpec(EDITOR_FILE, "Make a tour", ":material/edit_note:", EDITOR_PATH),
    PageSpec(MAPANY_FILE, "Map your own article", ":material/edit_location_alt:", MAPANY_PATH),
)


def file_path_name(file: str) -> str:
    """The URL path Streamlit gives a file in pages/ by itself: "1_Classroom_tour.py" -> "Classroom_tour".

    A first visit's path is looked up among the files of pages/ before this registry is
    read, so every page other than the root must be in a file named for its path, or that
    visitor is greeted with "page not found".
    """
    return re.sub(r"^[0-9]+[_ -]*", "", Path(file).stem)


def page_address(path: str = EXPLORE_PATH) -> str:
    """The address of the app's page at `path` (the root by default) as the browser reaches the app:
    its host, port and any prefix a proxy adds, whichever page this run is on."""
    return site_root(st.context.url or LOCAL_URL, (p.url_path for p in PAGES if p.url_path)) + path


def page_script(file: str) -> str:
    """A page's script as st.page_link and st.switch_page name it."""
    return f"pages/{file}"


def configure() -> None:
    """The settings every page shares."""
    st.set_page_config(page_title="Karabakh Atlas", page_icon="🗺️", layout="wide")


def page_may_draw() -> bool:
    """Whether a page run should draw the page; False when it handed over to the app's navigation.

    Why it exists, in Streamlit 1.67: the first session of a process makes a PagesManager
    (streamlit/runtime/pages_manager.py), which sets the process-wide flag
    `PagesManager.uses_pages_directory` to whether a folder named `pages` stands beside the main
    script; here it does. While the flag is set, ScriptRunner runs every run through `_mpa_v1`
    (streamlit/runtime/scriptrunner/script_runner.py), which lists the files of pages/ as pages
    and runs the file that the URL path names (`/Classroom_tour`: pages/1_Classroom_tour.py)
    instead of app.py. Only a call of `st.navigation` clears the flag, for the whole process,
    and no setting does (`client.showSidebarNavigation` only hides the list); none of the app's
    code runs before that first run. So on a fresh server, the first visit to a page other than
    the root runs that page's file alone, and until someone opens the root every session would
    get a list of the files in pages/ as its navigation. The page then does what app.py does,
    which clears the flag and runs it once through this registry. The cause goes only with a
    folder of pages not named `pages`, which the project's layout keeps; the browser test of a
    fresh server's first visit to the tour (tests/browser/test_tour_browser.py) holds this.
    """
    if not PagesManager.uses_pages_directory:
        return True
    configure()
    serve()
    return False


_made: list[st.Page] = []  # the process's pages, made by its first run (see `_pages`)
_making = threading.Lock()


def _pages() -> list[st.Page]:
    """The app's pages, made once per process and copied for each run.

    Making a st.Page resolves and checks its file and its icon: for the five pages, about a
    tenth of the CPU of a class's follower's run, which a room's Next sets off for every
    follower at once. What it finds is the same for every run of the process (the files under
    pages/, beside the main script). st.navigation marks the page it picks as the one to run
    (`_can_be_called`, and `_default` when none is): each run gets its own shallow copies, so two
    sessions' runs at once never share that mark. Made only within a run, which st.Page needs.
    """
    if get_script_run_ctx(suppress_warning=True) is None:
        return _make()
    with _making:
        if not _made:
            _made.extend(_make())
    return [copy.copy(page) for page in _made]


def _make() -> list[st.Page]:
    return [
        st.Page(PAGES_DIR / p.file, title=p.title, icon=p.icon, default=not p.url_path, url_path=p.url_path or None)
        for p in PAGES
    ]


def navigation() -> st.navigation:
    """Every page of the app, Explore first (it opens at the site's root)."""
    return st.navigation(_pages())


def serve() -> None:
    """Run the page the address names; on a server, at the end of the page's first full run in the
    process, set aside what the process holds from the garbage collector (geo/app/collector.py)."""
    page = navigation()
    page.run()
    if session_wake.current_session() is not None:  # a server's process, not a test's
        collector.set_aside(page.url_path)
