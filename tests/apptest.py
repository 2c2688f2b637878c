"""Running a page script headless with Streamlit's AppTest, the same way in every AppTest test."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from streamlit.testing.v1 import AppTest

from geo.app.explore import DRAWN
from geo.paths import ROOT


def run_script(script: str | Path, *, first_only: bool = False, **params: str | list[str] | None) -> AppTest:
    """Run `script` ("app.py", "pages/2_Article.py", from the repository root) with these query
    parameters (a None one is left out), as a browser's visit does: Explore's first run draws the map
    and the passage, and the map's report once drawn reruns it for the rest (`first_only` stops before
    that rerun). Any exception a run raised fails the test here."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    for key, value in params.items():
        if value is not None:
            at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at if first_only else map_drawn(at)


def map_drawn(at: AppTest) -> AppTest:
    """The run Explore's map starts by reporting that it is drawn, after a session's first run (geo/app/explore.py);
    any other page as it is."""
    if DRAWN in at.session_state:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def html_blocks(at: AppTest, sidebar: bool = False) -> list[str]:
    """The HTML a page placed, in the page or in its sidebar: st.html blocks (Explore's) and Markdown
    that allows HTML (the other pages'); not the page's own scripts (st.html that runs JavaScript)."""
    tree = at.sidebar if sidebar else at
    placed = [h.value for h in tree.html if not h.proto.unsafe_allow_javascript]
    return placed + [m.value for m in tree.markdown if m.proto.allow_html]


def place_list(at: AppTest) -> BeautifulSoup | None:
    """Explore's list of places in the sidebar, parsed (None when no place is listed)."""
    found = next((v for v in html_blocks(at, sidebar=True) if 'class="atlas-place-list"' in v), None)
    return BeautifulSoup(found, "html.parser") if found else None


def listed_places(at: AppTest) -> list[str]:
    """The slugs of the places Explore's list links to, in its order."""
    shown = place_list(at)
    return [a["data-place"] for a in shown.select("a[data-place]")] if shown else []


def selected_place(at: AppTest) -> str:
    """The place Explore's list marks as selected ("" for none)."""
    state = next((v for v in html_blocks(at) if 'class="pl-state"' in v), "")
    found = BeautifulSoup(state, "html.parser").select_one(".pl-state")
    return found["data-selected"] if found else ""


def follow_link(at: AppTest, href: str) -> AppTest:
    """What a plain click on one of a page's own links does in the browser (window.atlasOpenHere,
    static/atlas/place-list.js): the address takes the link's query, in place of the one it had, and the
    page runs again on it in the same session."""
    at.query_params.clear()
    for key, values in parse_qs(urlsplit(href).query).items():
        at.query_params[key] = values[0] if len(values) == 1 else values
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click_place(at: AppTest, slug: str) -> AppTest:
    """A click on a place in Explore's list: its link, followed in the same session."""
    shown = place_list(at)
    link = shown.select_one(f'a[data-place="{slug}"]') if shown else None
    assert link is not None, f"{slug} is not in the list"
    return follow_link(at, link["href"])
