"""The static export opened from disk in Chromium with every network request blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.atlas.loader import load_atlas
from geo.render.export import export_site, single_map_html
from geo.testing import block_outside
from tests.browser.support import axe_violations, names_shown, overlapping_names


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    atlas = load_atlas()
    site = tmp_path_factory.mktemp("static-site")
    export_site(atlas, site)
    single = tmp_path_factory.mktemp("single-file")
    (single / "karabakh-atlas-stepanakert.html").write_text(single_map_html(atlas, "stepanakert"), encoding="utf-8")
    return atlas, site, single


class Opened:
    """A page opened from file:// that records every request it makes."""

    def __init__(self, browser, url: str, folder: Path, width: int = 1440, height: int = 900):
        self.folder = folder
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.outside = block_outside(self.page)
        self.page.goto(url)
        self.page.wait_for_selector(".folium-map[data-places-drawn]", state="attached", timeout=15_000)

    def drawn(self) -> int:
        return int(self.page.get_attribute(".folium-map", "data-places-drawn"))

    def assert_stayed_inside(self) -> None:
        assert self.outside == []
        prefix = self.folder.resolve().as_uri() + "/"
        strays = [u for u in self.requests if not (u.startswith(prefix) or u.startswith("data:"))]
        assert strays == [], strays
        assert self.errors == []

    def close(self) -> None:
        self.context.close()


def drawable(atlas) -> int:
    return sum(1 for p in atlas.places if p.geometry_ref)


def test_index_draws_every_place_offline(browser, export):
    atlas, site, _ = export
    opened = Opened(browser, (site / "index.html").as_uri(), site)
    try:
        page = opened.page
        assert opened.drawn() == drawable(atlas)
        assert page.locator(".leaflet-interactive").count() >= drawable(atlas)
        assert page.locator(".place-list a").count() == len(atlas.places)
        assert page.locator(".atlas-passage").count() == sum(len(v) for v in atlas.passages.values())
        assert page.locator(".atlas-credits").is_visible()
        assert any(u.endswith("/assets/leaflet/leaflet.js") for u in opened.requests)
        # Clicking a place on the map opens its page.
        page.evaluate(
            """() => {
                const map = window[document.querySelector('.folium-map').id];
                map.eachLayer(l => { if (l.feature && l.feature.properties.slug === 'baku') { l.fire('click'); } });
            }"""
        )
        page.wait_for_url("**/place/baku.html")
        page.wait_for_selector(".folium-map[data-places-drawn]", state="attached")
        assert page.locator("h1").inner_text() == "Baku"
        opened.assert_stayed_inside()
    finally:
        opened.close()


def test_place_page_opens_on_its_place_offline(browser, export):
    atlas, site, _ = export
    opened = Opened(browser, (site / "place" / "stepanakert.html").as_uri(), site)
    try:
        page = opened.page
        assert page.title() == "Stepanakert — Karabakh Atlas"
        assert opened.drawn() == drawable(atlas)
        # Every place plus the highlight on top.
        assert page.locator(".leaflet-interactive").count() >= drawable(atlas) + 1
        first = atlas.passages["stepanakert"][0].sentence
        assert page.locator(".atlas-passage").first.inner_text() == first
        assert page.locator(".atlas-passage mark").first.inner_text() == "Stepanakert"
        # The map is fitted to the town, not the whole region.
        zoom = page.evaluate("() => window[document.querySelector('.folium-map').id].getZoom()")
        assert zoom >= 8
        page.click("a.back")
        page.wait_for_url("**/index.html")
        opened.assert_stayed_inside()
    finally:
        opened.close()


def test_phone_layout_stacks_map_above_passages(browser, export):
    _, site, _ = export
    opened = Opened(browser, (site / "place" / "stepanakert.html").as_uri(), site, width=375, height=812)
    try:
        page = opened.page
        map_box = page.locator(".map-pane").bounding_box()
        panel_box = page.locator(".panel").bounding_box()
        assert map_box["width"] >= 370 and panel_box["width"] >= 370
        assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        opened.assert_stayed_inside()
    finally:
        opened.close()


def test_single_file_map_opens_offline(browser, export):
    atlas, _, single = export
    opened = Opened(browser, (single / "karabakh-atlas-stepanakert.html").as_uri(), single)
    try:
        page = opened.page
        assert opened.drawn() == drawable(atlas)
        assert page.locator(".leaflet-interactive").count() >= drawable(atlas) + 1
        assert page.locator(".atlas-passage").first.inner_text() == atlas.passages["stepanakert"][0].sentence
        assert page.locator(".atlas-credits").is_visible()
        # Nothing but the file itself is loaded (Leaflet's images are data: URIs).
        assert {u for u in opened.requests if not u.startswith("data:")} == {page.url}
        opened.assert_stayed_inside()
    finally:
        opened.close()


@pytest.mark.parametrize(
    ("page_path", "width", "height"), [("place/stepanakert.html", 1440, 900), ("index.html", 375, 812)]
)
def test_static_pages_name_the_region_and_pass_the_audit_offline(browser, export, page_path, width, height):
    _, site, _ = export
    opened = Opened(browser, (site / page_path).as_uri(), site, width=width, height=height)
    try:
        page = opened.page
        assert {"Armenia", "Azerbaijan", "Iran", "Araks / Aras"} <= set(names_shown(page, ("Armenia",)))
        assert overlapping_names(page) == []
        page.wait_for_function(
            "() => { const m = window[document.querySelector('.folium-map').id];"
            " return m.atlasOverview && m.atlasOverview.box; }"
        )
        assert page.locator(".atlas-overview").is_visible()
        assert page.locator("details.atlas-legend").evaluate("el => el.open") is (width > 1000)
        assert axe_violations(page) == []
        opened.assert_stayed_inside()
    finally:
        opened.close()


def test_the_timeline_page_works_from_disk_offline(browser, export):
    from geo.atlas.events import load_events

    atlas, site, _ = export
    events = load_events(atlas)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside = block_outside(page)
    try:
        page.goto((site / "timeline.html").as_uri())
        assert page.locator(".tl-list a").count() == len(events)
        assert page.locator("a.tl-bead").count() == len(events)
        # The axis is laid out by its style sheet: beads sit left to right in date order.
        xs = [box["x"] for box in (b.bounding_box() for b in page.locator("a.tl-bead").all())]
        assert xs[0] < xs[len(xs) // 2] < xs[-1]
        assert page.locator("a.tl-bead.tl-sep").first.evaluate("e => getComputedStyle(e).backgroundColor") != (
            page.locator("a.tl-bead:not(.tl-sep)").first.evaluate("e => getComputedStyle(e).backgroundColor")
        )
        # An event's link goes to its card; the card links the pages of its places.
        page.locator(".tl-list a[data-event='attack-2023']").click()
        page.wait_for_function("() => location.hash === '#event-attack-2023'")
        card = page.locator("#event-attack-2023")
        assert card.locator("mark").first.inner_text() == "On 19 September, Azerbaijan launched a long-expected attack"
        card.get_by_role("link", name="Nagorno-Karabakh", exact=True).click()
        page.wait_for_url("**/place/nagorno-karabakh.html")
        page.wait_for_selector(".folium-map[data-places-drawn]", state="attached", timeout=15_000)
        assert page.locator("h1").inner_text() == "Nagorno-Karabakh"
        # And the place's page leads back to the chronology.
        page.locator("ul.place-events a", has_text="Azerbaijan attacks Nagorno-Karabakh").click()
        page.wait_for_url("**/timeline.html#event-attack-2023")
        assert outside == [] and errors == []
        prefix = site.resolve().as_uri() + "/"
        assert [u for u in requests if not (u.startswith(prefix) or u.startswith("data:"))] == []
    finally:
        context.close()


def test_the_timeline_page_fits_a_phone(browser, export):
    _, site, _ = export
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    block_outside(page)
    try:
        page.goto((site / "timeline.html").as_uri())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        axis = page.locator(".tl-axis").bounding_box()
        assert axis["width"] > 300 and axis["x"] >= 0 and axis["x"] + axis["width"] <= 375
    finally:
        context.close()


def test_every_event_date_of_the_published_json_is_a_date_to_javascript(export, page):
    """data/events.json's dates (YYYY, YYYY-MM or YYYY-MM-DD) are read by the browser's own Date."""
    import json

    _, site, _ = export
    records = json.loads((site / "data" / "events.json").read_text(encoding="utf-8"))
    dates = [d for r in records for d in (r["start"], r["end"]) if d] + [
        d for r in records for fact in r["outside"] for d in (fact["start"], fact["end"]) if d
    ]
    assert any(r["precision"] == "week" for r in records)
    read = page.evaluate("(dates) => dates.map((d) => new Date(d).toISOString().slice(0, 10))", dates)
    padded = [d + {4: "-01-01", 7: "-01", 10: ""}[len(d)] for d in dates]
    assert read == padded


def test_the_static_site_keeps_to_the_deployments_security_policy(browser, export):
    """Put on a web server that sends deploy/serve.py's headers, the export's pages break none of its rules."""
    import functools
    import http.server
    import threading

    from deploy.nginx import SECURITY_HEADERS
    from tests.browser.support import watch_csp

    _, site, _ = export

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    outside = block_outside(page)
    violations = watch_csp(page)
    try:
        for path in ("index.html", "place/stepanakert.html", "article.html"):
            response = page.goto(f"{base}/{path}")
            assert response.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
            page.wait_for_selector(".folium-map[data-places-drawn]", state="attached", timeout=15_000)
        page.locator("a.atlas-mention[data-slug='stepanakert']").first.click()  # the reader moves its map
        page.wait_for_timeout(500)
        page.goto(f"{base}/timeline.html")
        page.locator(".tl-list a[data-event='attack-2023']").click()
        page.wait_for_selector("#event-attack-2023")
        assert violations == []
        assert outside == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()
