"""Driving the Explore page in a browser: open it and wait for the map, find a place in the list.

Shared by the browser tests that open Explore directly and through the deployment's proxy.
"""

from __future__ import annotations

import re

from tests.browser.support import map_frame

LOAD = 60_000  # first load of a cold Streamlit server can take several seconds
WAIT = 20_000
DOWNLOADS = "Download the map or the data"  # the menu that holds the download buttons


def drawn_count(atlas) -> int:
    return sum(1 for p in atlas.places if p.geometry_ref)


def open_page(page, url: str, atlas, selected: bool = False):
    """Open a URL and wait until the map inside streamlit-folium has drawn every place."""
    page.goto(url, timeout=LOAD)
    frame = map_frame(page, timeout=LOAD)
    expected = drawn_count(atlas) + (1 if selected else 0)
    frame.wait_for_function(
        "n => document.querySelectorAll('.leaflet-interactive').length >= n", arg=expected, timeout=LOAD
    )
    return frame


def wait_for_heading(page, name: str):
    page.locator("h2", has_text=re.compile(rf"^{re.escape(name)}$")).first.wait_for(timeout=WAIT)


def passages(page):
    return page.locator(".atlas-passage")


def place_button(page, atlas, slug: str):
    count = len(atlas.passages[slug])
    label = f"{atlas.by_slug[slug].name} · {count} passage{'s' if count != 1 else ''}"
    return page.locator("section[data-testid='stSidebar']").get_by_role("link", name=label, exact=True)


def pick_place(page, atlas, slug: str) -> None:
    """Click a place in the list; wait until the link names it and its heading shows."""
    place_button(page, atlas, slug).click()
    page.wait_for_url(re.compile(rf"[?&]place={re.escape(slug)}$"), timeout=WAIT)
    wait_for_heading(page, atlas.by_slug[slug].name)


def timeline_link(page, slug: str):
    """An event's link in the timeline's list (the timeline lives in its component's shadow root)."""
    return page.locator(f".tl-list a[data-event='{slug}']")


def wait_for_event(page, title: str) -> None:
    page.locator("h2.atlas-event-title", has_text=re.compile(rf"^{re.escape(title)}$")).first.wait_for(timeout=WAIT)


def query(page) -> str:
    """The address bar's query as the document has it (Playwright's page.url can lag behind history.pushState)."""
    return page.evaluate("location.search")


def wait_for_query(page, expected: str) -> None:
    page.wait_for_function("q => location.search === q", arg=expected, timeout=WAIT)


def download(page, label: str):
    """Click a download button in the page's download menu (opening the menu first); the download."""
    button = page.get_by_role("button", name=label, exact=True)
    if not button.is_visible():
        page.get_by_role("button", name=DOWNLOADS).click()
    with page.expect_download(timeout=WAIT) as info:
        button.click()
    return info.value
