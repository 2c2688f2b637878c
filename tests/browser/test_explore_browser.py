"""The Explore page in Debian's Chromium against a real `streamlit run app.py`, with the internet blocked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from geo.atlas.loader import load_atlas
from geo.atlas.water import load_context_layers
from geo.render.maps import basemap_feature, place_bounds, places_data, styles, view_for
from geo.render.orientation import context_data
from geo.testing import block_outside
from tests.browser.explore import (
    DOWNLOADS,
    LOAD,
    WAIT,
    download,
    drawn_count,
    open_page,
    passages,
    pick_place,
    place_button,
    query,
    timeline_link,
    wait_for_event,
    wait_for_heading,
    wait_for_query,
)
from tests.browser.support import axe_violations, map_frame, names_shown, overlapping_names

HOSTILE = "<script>alert(1)</script>"
# What the default map must name for a reader who does not know the region (issue 10).
COUNTRIES = ("Armenia", "Azerbaijan", "Iran", "Turkey", "Georgia", "Russia")
WATERS = ("Caspian Sea", "Lake Sevan", "Araks / Aras", "Kura / Mtkvari")


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_the_map_draws_every_place_offline(page, app_url, atlas):
    frame = open_page(page, app_url, atlas)
    assert frame.locator(".leaflet-interactive").count() >= drawn_count(atlas)
    labels = frame.locator(".leaflet-tooltip.atlas-label")
    labels.filter(has_text="Stepanakert").first.wait_for(timeout=WAIT)
    texts = labels.all_inner_texts()
    for town in ("Stepanakert", "Baku", "Nakhchivan city"):
        assert any(town in t for t in texts), texts
    assert frame.locator(".atlas-legend").count() == 1
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert page.get_by_text("Pick a place").first.is_visible()
    assert page.outside_requests == []
    assert page.dialogs == []


def test_the_map_frame_unpacks_the_data_scripts_to_exactly_the_atlas_data(page, app_url, atlas):
    """places.js, basemap.js and context.js travel packed (geo/render/packed.py); the browser gets the GeoJSON back."""
    frame = open_page(page, app_url, atlas)
    frame.wait_for_function("() => window.atlasData", timeout=WAIT)
    frame.evaluate("() => window.atlasData()")  # the outlines and the water, run after the places are drawn
    expected = {
        "ATLAS_PLACES": places_data(atlas),
        "ATLAS_BASEMAP": basemap_feature(atlas),
        "ATLAS_CONTEXT": context_data(atlas, *load_context_layers(atlas)),
    }
    for name, data in expected.items():
        assert frame.evaluate(f"() => window.{name}") == json.loads(json.dumps(data)), name


# From the page's first script: how many outline paths the map's frame had when its places first all showed
# (watched from the page: the frame's own first document is replaced by the component's).
FIRST_PAINT_JS = """
(() => {
  if (window !== window.top) return;
  const poll = setInterval(() => {
    const f = document.querySelector('iframe[title*="st_folium"], iframe[title*="streamlit_folium"]');
    const d = f && f.contentDocument;
    if (!d || d.URL === 'about:blank' || !d.body) return;
    clearInterval(poll);
    new MutationObserver((changes, observer) => {
      if (d.querySelectorAll('.leaflet-interactive').length < window.__atlasPlaces) return;
      const outlines = d.querySelectorAll('path[stroke="' + window.__atlasOutline + '"]');
      f.contentWindow.__atlasOutlinesAtFirst = outlines.length;
      observer.disconnect();
    }).observe(d, {childList: true, subtree: true});
  }, 5);
})();
"""

# Every shape of the map's overlay in drawing order: outline, water, town, place (or other).
STACK_JS = """
([outline, water]) => {
  const kinds = new Map();
  Object.values(window.map_div._layers).forEach(layer => {
    if (!layer._path) return;
    const color = layer.options.color;
    kinds.set(layer._path, layer.atlasPlace ? 'place' : layer.atlasContext ? 'town'
      : color === outline ? 'outline' : water.includes(color) ? 'water' : 'other');
  });
  return [...document.querySelectorAll('.leaflet-overlay-pane svg path')].map(p => kinds.get(p) || 'other');
}
"""


def test_the_places_show_first_and_the_outlines_water_and_towns_then_lie_under_them(page, app_url, atlas):
    outline = styles()["basemap"]["color"]
    page.add_init_script(f"window.__atlasPlaces = {drawn_count(atlas)}; window.__atlasOutline = {json.dumps(outline)};")
    page.add_init_script(FIRST_PAINT_JS)
    frame = open_page(page, app_url, atlas)
    frame.wait_for_function("() => window.__atlasOutlinesAtFirst !== undefined", timeout=WAIT)
    assert frame.evaluate("() => window.__atlasOutlinesAtFirst") == 0  # drawn after the places
    frame.wait_for_function(f"() => document.querySelectorAll('path[stroke={json.dumps(outline)}]').length > 0")
    frame.locator(".atlas-names .atlas-name").first.wait_for(timeout=WAIT)
    stack = frame.evaluate(STACK_JS, [outline, [styles()["lake"]["color"], styles()["river"]["color"]]])
    # As if drawn at once: the outlines at the bottom, then the water, the other towns, the places on top.
    order = [kind for kind in stack if kind != "other"]
    assert order == sorted(order, key=["outline", "water", "town", "place"].index), order
    assert {"outline", "water", "town", "place"} <= set(order)


def test_clicking_a_place_in_the_list_shows_its_passage_and_sets_the_url(page, app_url, atlas):
    open_page(page, app_url, atlas)
    pick_place(page, atlas, "stepanakert")
    passages(page).first.wait_for(timeout=WAIT)
    assert passages(page).count() == len(atlas.passages["stepanakert"])
    assert "Stepanakert" in passages(page).first.locator("mark").first.inner_text()
    pick_place(page, atlas, "baku")
    assert page.outside_requests == []


def test_the_place_list_is_links_that_mark_the_selection_and_open_with_the_keyboard(page, app_url, atlas):
    open_page(page, app_url, atlas)
    baku, stepanakert = place_button(page, atlas, "baku"), place_button(page, atlas, "stepanakert")
    assert baku.get_attribute("href") == "?place=baku" and baku.get_attribute("aria-current") is None
    stepanakert.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]place=stepanakert$"), timeout=WAIT)
    wait_for_heading(page, "Stepanakert")
    page.wait_for_function(
        "() => document.querySelector('.atlas-place-list a[aria-current=\"true\"]')?.dataset.place === 'stepanakert'",
        timeout=WAIT,
    )
    assert page.locator(".atlas-place-list a[aria-current]").count() == 1
    with page.context.expect_page(timeout=WAIT) as opened:  # a modifier-click opens a new tab, this page stays
        baku.click(modifiers=["Control"])
    opened.value.wait_for_load_state()
    assert re.search(r"[?&]place=baku$", opened.value.url)
    opened.value.close()
    assert re.search(r"[?&]place=stepanakert$", page.url)
    assert page.dialogs == []


def visible_places(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.atlas-place-list li')].filter(li => !li.hidden && li.offsetParent)"
        ".map(li => li.querySelector('a').dataset.place)"
    )


def test_the_search_filters_the_list_as_one_types_by_any_name(page, app_url, atlas):
    open_page(page, app_url, atlas)
    every = visible_places(page)
    field = page.get_by_label("Search names and aliases")
    field.fill("Khankendi")
    page.wait_for_function("() => document.querySelectorAll('.atlas-place-list li:not([hidden])').length === 1")
    assert visible_places(page) == ["stepanakert"]
    field.fill("XANKƏNDİ")  # another script's capitals, accents and the schwa, folded as the server folds names
    assert visible_places(page) == ["stepanakert"]
    field.fill("zangezur")
    assert set(visible_places(page)) == {"zangezur-corridor", "southern-armenia"}
    assert page.locator(".atlas-place-search [role=status]").is_hidden()
    field.fill("qwertyuiop")
    assert visible_places(page) == []
    status = page.locator(".atlas-place-search [role=status]")
    assert status.is_visible() and status.inner_text() == "No place has that name. Try another spelling."
    field.fill("Khankendi")
    # The search stays while a place opens, and the list keeps what it shows.
    place_button(page, atlas, "stepanakert").click()
    wait_for_heading(page, "Stepanakert")
    assert field.input_value() == "Khankendi" and visible_places(page) == ["stepanakert"]
    field.fill("")
    assert visible_places(page) == every
    assert page.outside_requests == []


def test_back_and_forward_go_through_the_places_opened(page, app_url, atlas):
    open_page(page, app_url, atlas)
    pick_place(page, atlas, "stepanakert")
    pick_place(page, atlas, "baku")
    page.go_back()
    wait_for_query(page, "?place=stepanakert")
    wait_for_heading(page, "Stepanakert")
    page.go_forward()
    wait_for_query(page, "?place=baku")
    wait_for_heading(page, "Baku")


def click_on_map(page, frame, lat: float, lon: float) -> None:
    """Bring a point into view and click the map there, as a reader would."""
    frame.evaluate("([lat, lon]) => map_div.setView([lat, lon], 8, {animate: false})", [lat, lon])
    frame.wait_for_timeout(300)
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [lat, lon]
    )
    frame.locator("#map_div").click(position={"x": x, "y": y})


def test_clicking_a_place_on_the_map_selects_it(page, app_url, atlas):
    frame = open_page(page, app_url, atlas)
    baku = atlas.shape(atlas.by_slug["baku"]).geom
    click_on_map(page, frame, baku.y, baku.x)
    page.wait_for_url(re.compile(r"[?&]place=baku$"), timeout=WAIT)
    wait_for_heading(page, "Baku")
    passages(page).first.wait_for(timeout=WAIT)
    assert "Baku" in passages(page).first.inner_text()
    assert page.outside_requests == []


def wait_for_map_on(frame, atlas, slug: str) -> None:
    """Wait until the map has moved to a place (the panel shows before the map has moved)."""
    (lat, lon), _zoom = view_for(place_bounds(atlas, atlas.by_slug[slug]), 480, 640)
    frame.wait_for_function(
        """([lat, lon]) => { const m = window.map_div; if (!m || !m._loaded) return false;
           const c = m.getCenter(); return Math.abs(c.lat - lat) < 0.05 && Math.abs(c.lng - lon) < 0.05; }""",
        arg=[lat, lon],
        timeout=WAIT,
    )


def test_clicking_the_same_place_on_the_map_again_reselects_it(page, app_url, atlas):
    frame = open_page(page, app_url, atlas)
    baku = atlas.shape(atlas.by_slug["baku"]).geom
    click_on_map(page, frame, baku.y, baku.x)
    wait_for_heading(page, "Baku")
    wait_for_map_on(frame, atlas, "baku")
    place_button(page, atlas, "stepanakert").click()
    wait_for_heading(page, "Stepanakert")
    frame = map_frame(page, timeout=WAIT)
    wait_for_map_on(frame, atlas, "stepanakert")
    click_on_map(page, frame, baku.y, baku.x)
    page.wait_for_url(re.compile(r"[?&]place=baku$"), timeout=WAIT)
    wait_for_heading(page, "Baku")


def test_a_link_to_baku_opens_on_baku(page, app_url, atlas):
    frame = open_page(page, f"{app_url}/?place=baku", atlas, selected=True)
    wait_for_heading(page, "Baku")
    passages(page).first.wait_for(timeout=WAIT)
    assert passages(page).count() == len(atlas.passages["baku"])
    assert page.locator(".atlas-passage mark", has_text="Baku").count() >= 1
    assert frame.locator(".leaflet-tooltip.atlas-label", has_text="Baku").first.is_visible()
    assert page.outside_requests == []


def assert_nothing_ran_and_no_place_is_open(page) -> None:
    """After a hostile link: no dialog, no script holding its text, and the page still asks for a place."""
    page.wait_for_timeout(1000)
    assert page.dialogs == []
    assert page.get_by_text("Pick a place").first.is_visible()
    injected = page.evaluate(
        "() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length"
    )
    assert injected == 0


def test_a_hostile_link_shows_the_notice_and_runs_nothing(page, app_url, atlas):
    page.goto(f"{app_url}/?place={quote(HOSTILE, safe='')}", timeout=LOAD)
    page.get_by_text("form this atlas does not use").first.wait_for(timeout=LOAD)
    map_frame(page, timeout=LOAD)
    assert_nothing_ran_and_no_place_is_open(page)
    assert page.outside_requests == []


def test_an_unknown_link_suggests_a_place(page, app_url, atlas):
    page.goto(f"{app_url}/?place=bakuu", timeout=LOAD)
    page.get_by_text("no place called").first.wait_for(timeout=LOAD)
    page.get_by_role("button", name="Baku", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]place=baku$"), timeout=WAIT)
    wait_for_heading(page, "Baku")
    assert page.dialogs == []


def test_downloads_give_the_current_map_and_the_data(page, app_url, atlas):
    open_page(page, f"{app_url}/?place=stepanakert", atlas, selected=True)
    got = {}
    for label in ("Download this map (HTML)", "Download the data (CSV)"):
        made = download(page, label)
        got[made.suggested_filename] = Path(made.path()).read_text(encoding="utf-8")
    html_text = got["karabakh-atlas-stepanakert.html"]
    assert html_text.startswith("<!DOCTYPE html>") and "Stepanakert" in html_text
    assert not re.search(r"<script[^>]+src=\"https?:", html_text)
    csv_text = got["karabakh-atlas-places.csv"]
    assert csv_text.splitlines()[0].startswith("slug,name,kind")
    assert all(f"\n{p.slug}," in csv_text for p in atlas.places)
    assert not page.outside_requests


def test_the_download_menu_opens_from_the_keyboard_and_passes_axe(page, app_url, atlas):
    open_page(page, app_url, atlas)
    menu = page.get_by_role("button", name=DOWNLOADS)
    assert page.get_by_role("button", name="Download the data (CSV)").count() == 0  # drawn only when opened
    menu.focus()
    page.keyboard.press("Enter")
    first = page.get_by_role("button", name="Download this map (HTML)")
    first.wait_for(timeout=WAIT)
    for _ in range(10):
        if page.evaluate("document.activeElement && document.activeElement.innerText") == "Download this map (HTML)":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Download this map (HTML)"
    assert page.get_by_role("button", name="Download the events (CSV)").is_visible()
    assert axe_violations(page) == []


@pytest.fixture
def sized(browser):
    """Open a page at a given window size, with the internet blocked."""
    contexts = []

    def open_at(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        pg = context.new_page()
        pg.outside_requests = block_outside(pg)
        return pg

    yield open_at
    for context in contexts:
        context.close()


def test_the_default_map_names_the_region_as_text_that_never_overlaps(sized, app_url, atlas):
    page = sized(1920, 1080)
    frame = open_page(page, app_url, atlas)
    names_shown(frame, COUNTRIES + WATERS + ("Yerevan", "Tbilisi"))
    assert overlapping_names(frame) == []
    # Names are text in the page, in a list a screen reader can read.
    assert frame.get_by_role("list", name="Names on the map").get_by_text("Lake Sevan", exact=True).count() == 1
    selected = frame.evaluate(
        """() => { const el = [...document.querySelectorAll('.atlas-name')].find(e => e.textContent === 'Lake Sevan');
           const range = document.createRange(); range.selectNodeContents(el);
           const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
           return [getComputedStyle(el).userSelect, selection.toString()]; }"""
    )
    assert selected[0] != "none" and selected[1] == "Lake Sevan"
    # Zoomed out, the names thin out: towns go first, countries stay.
    frame.evaluate("map_div.setZoom(5, {animate: false})")
    frame.wait_for_function("() => !document.querySelector('.atlas-name-town:not([hidden])')", timeout=WAIT)
    assert {"Armenia", "Azerbaijan", "Iran"} <= set(names_shown(frame))
    assert overlapping_names(frame) == []
    assert page.outside_requests == []


# The places the article is about, which the opening view must show whatever the screen (issue: a lecture hall).
REGIONAL = ("stepanakert", "baku", "nakhchivan-city", "nakhchivan", "zangezur-corridor", "southern-armenia")


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1440, 900), (375, 812)])
def test_the_opening_view_shows_every_place_of_the_region_and_names_the_caspian(sized, app_url, atlas, width, height):
    page = sized(width, height)
    frame = open_page(page, app_url, atlas)
    names_shown(frame, ("Caspian Sea",))
    view = frame.evaluate(
        "() => { const b = map_div.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    for slug in REGIONAL:
        west, south, east, north = atlas.shape(atlas.by_slug[slug]).geom.bounds
        assert view[0] <= west and east <= view[2] and view[1] <= south and north <= view[3], (slug, view)
    # The towns' dots are inside the map's frame on screen, not under its edge.
    box = frame.evaluate(
        "() => { const r = map_div.getContainer().getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
    )
    for name in ("Baku", "Stepanakert", "Nakhchivan city"):
        dot = frame.evaluate(
            """name => { let rect = null; map_div.eachLayer(l => { const p = l.feature && l.feature.properties;
                 if (p && p.name === name && l.getElement && l.getElement()) {
                   const r = l.getElement().getBoundingClientRect(); rect = [r.left, r.top, r.right, r.bottom]; } });
               return rect; }""",
            name,
        )
        assert dot and box[0] <= dot[0] and dot[2] <= box[2] and box[1] <= dot[1] and dot[3] <= box[3], (name, dot, box)
    assert page.outside_requests == []


def test_names_fit_a_phone_without_overlapping(sized, app_url, atlas):
    page = sized(375, 812)
    frame = open_page(page, app_url, atlas)
    names_shown(frame, ("Armenia", "Azerbaijan", "Iran", "Lake Sevan", "Araks / Aras"))
    assert overlapping_names(frame) == []
    width = frame.evaluate("map_div.getSize().x")
    for left, right in frame.evaluate(
        "() => [...document.querySelectorAll('.atlas-name:not([hidden])')]"
        ".map(el => [el.getBoundingClientRect().left, el.getBoundingClientRect().right])"
    ):
        assert left >= 0 and right <= width


def test_context_towns_stay_out_of_the_place_list_and_say_so_on_the_map(page, app_url, atlas):
    frame = open_page(page, app_url, atlas)
    sidebar = page.locator("section[data-testid='stSidebar']")
    assert sidebar.get_by_role("link", name=re.compile("Yerevan")).count() == 0
    named = sum(1 for p in atlas.places if atlas.passages[p.slug])
    assert f"The article names {named} places" in page.locator("p", has_text="The article names").first.inner_text()
    tip = frame.evaluate(
        """() => { let text = null; map_div.eachLayer(l => { if (l.atlasContext === 'Yerevan') {
             l.openTooltip(); text = l.getTooltip().getElement().textContent; } }); return text; }"""
    )
    assert tip.startswith("Yerevan") and tip.endswith("Not named in the article.")


def overview_box(frame) -> tuple[list[float], list[float]]:
    """The overview's box and the map's view, each as [west, south, east, north]."""
    return frame.evaluate(
        """() => { const o = map_div.atlasOverview, b = o.box.getBounds(), v = map_div.getBounds();
           return [[b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
                   [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()]]; }"""
    )


def test_the_overview_follows_the_view(page, app_url, atlas):
    frame = open_page(page, app_url, atlas)
    frame.wait_for_function("() => map_div.atlasOverview && map_div.atlasOverview.box", timeout=WAIT)
    assert frame.locator(".atlas-overview[role='img']").get_attribute("aria-label").startswith("Overview")
    box, view = overview_box(frame)
    assert box == pytest.approx(view)
    before = frame.locator(".atlas-overview path").first.bounding_box()
    frame.evaluate("map_div.setView([40.4, 49.9], 9, {animate: false})")  # Baku, close up
    frame.wait_for_function(
        "() => Math.abs(map_div.atlasOverview.box.getBounds().getCenter().lng - 49.9) < 0.05", timeout=WAIT
    )
    box, view = overview_box(frame)
    assert box == pytest.approx(view)
    after = frame.locator(".atlas-overview path").first.bounding_box()
    assert after["width"] < before["width"] / 2 and after["x"] > before["x"]
    # Zoomed far out, the overview zooms out with it and keeps the whole box in sight.
    frame.evaluate("map_div.setView([40, 46], 4, {animate: false})")
    frame.wait_for_function("() => map_div.atlasOverview.mini.getBounds().contains(map_div.getBounds())")
    assert page.outside_requests == []


@pytest.mark.parametrize(("width", "height", "folded"), [(375, 812, True), (1440, 900, True), (1920, 1080, False)])
def test_the_key_is_folded_on_a_narrow_map_and_opens_on_demand(sized, app_url, atlas, width, height, folded):
    page = sized(width, height)
    frame = open_page(page, app_url, atlas)
    key = frame.locator("details.atlas-legend")
    assert key.evaluate("el => el.open") is (not folded)
    assert key.locator(".atlas-legend-row").first.is_visible() is (not folded)
    key.locator("summary").click()
    assert key.evaluate("el => el.open") is folded


def test_the_map_frame_has_a_name(page, app_url, atlas):
    open_page(page, app_url, atlas)
    label = page.locator("iframe[title*='st_folium']").get_attribute("aria-label")
    assert label and label.startswith("Map of the places")


def test_every_place_on_the_map_can_be_reached_by_keyboard_through_the_list(page, app_url, atlas):
    open_page(page, app_url, atlas)
    page.get_by_placeholder("e.g. Khankendi").focus()
    wanted = {p.name for p in atlas.places if p.geometry_ref}
    reached = set()
    for _ in range(len(atlas.places) + 10):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement && document.activeElement.innerText")
        if label:
            reached.add(label.split(" · ")[0].strip())
        if wanted <= reached:
            break
    assert wanted <= reached, wanted - reached
    page.keyboard.press("Enter")  # the last place reached opens with Enter
    page.wait_for_url(re.compile(r"[?&]place="), timeout=WAIT)


@pytest.mark.parametrize(
    ("path", "width", "height"),
    [("/", 1440, 900), ("/?place=stepanakert", 1440, 900), ("/", 375, 812), ("/?place=zangezur-corridor", 375, 812)],
)
def test_explore_has_no_serious_accessibility_violation(sized, app_url, atlas, path, width, height):
    page = sized(width, height)
    frame = open_page(page, app_url + path, atlas, selected="place=" in path)
    names_shown(frame)
    if "place=" in path:
        passages(page).first.wait_for(timeout=WAIT)
    assert axe_violations(page) == []


# The article's chronology ------------------------------------------------------------------


@pytest.fixture(scope="module")
def events(atlas):
    from geo.atlas.events import load_events

    return {e.slug: e for e in load_events(atlas)}


def drawn_places(atlas, event) -> int:
    return sum(1 for slug in event.places if atlas.by_slug[slug].geometry_ref)


def test_clicking_an_event_shows_its_passage_marks_the_map_and_sets_the_url(page, app_url, atlas, events):
    frame = open_page(page, app_url, atlas)
    event = events["four-day-war"]
    page.wait_for_function("window.__atlasTimeline === true", timeout=WAIT)
    page.evaluate("window.__samePage = true")
    timeline_link(page, event.slug).click()
    wait_for_query(page, "?event=four-day-war")
    wait_for_event(page, event.title)
    passage = page.locator("blockquote.atlas-event-passage").first
    assert passage.locator("mark").inner_text() == event.quote.quote
    assert passage.inner_text() == event.quote.passage.sentence
    frame.wait_for_function("n => document.querySelectorAll('path[stroke=\"#111111\"]').length === n",
                            arg=drawn_places(atlas, event), timeout=WAIT)  # fmt: skip
    # The clicked event is marked, in the list and on the axis, and the keyboard stays on it.
    assert page.locator(".tl-list li.is-selected a").get_attribute("data-event") == event.slug
    assert page.locator("a.tl-bead.is-selected").get_attribute("data-event") == event.slug
    focused = page.evaluate(
        "() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement)"
        " a = a.shadowRoot.activeElement; return a && a.dataset ? a.dataset.event : null; }"
    )
    assert focused == event.slug
    # The event opened in the same page: a rerun, not a reload.
    assert page.evaluate("window.__samePage") is True
    # A bead on the axis opens its event too.
    page.locator("a.tl-bead[data-event='exodus']").click()
    wait_for_query(page, "?event=exodus")
    wait_for_event(page, events["exodus"].title)
    assert page.outside_requests == [] and page.dialogs == []


def test_a_place_marks_its_events_and_names_itself_in_the_legend(page, app_url, atlas, events):
    """The timeline's markup is the same for every selection: its script marks the place's events
    and fills the legend from the small state each run sends, and follows the next selection."""
    open_page(page, app_url, atlas)
    page.wait_for_function("window.__atlasTimeline === true", timeout=WAIT)
    assert page.locator(".tl-legend-marked").is_hidden()
    for slug in ("london", "azerbaijan"):
        pick_place(page, atlas, slug)
        wanted = sorted(e.slug for e in events.values() if slug in e.places)
        page.wait_for_function(
            "([want, name]) => JSON.stringify([...document.querySelectorAll('a.tl-bead.is-marked')]"
            ".map(a => a.dataset.event).sort()) === JSON.stringify(want)"
            " && document.querySelector('.tl-legend-marked .tl-place-name').textContent === name",
            arg=[wanted, atlas.by_slug[slug].name],
            timeout=WAIT,
        )
        marked = page.locator(".tl-list li.is-marked a").evaluate_all("links => links.map(a => a.dataset.event)")
        assert sorted(marked) == wanted
        assert page.locator(".tl-legend-marked").inner_text().strip() == f"Involves {atlas.by_slug[slug].name}"
    assert page.locator(".tl-list [aria-current]").count() == 0
    assert page.outside_requests == [] and page.dialogs == []


def test_arrow_keys_move_between_events(page, app_url, atlas, events):
    order = list(events)
    open_page(page, f"{app_url}/?event=four-day-war", atlas, selected=True)
    wait_for_event(page, events["four-day-war"].title)
    page.wait_for_function("window.__atlasTimeline === true", timeout=WAIT)
    i = order.index("four-day-war")
    page.keyboard.press("ArrowRight")
    wait_for_query(page, f"?event={order[i + 1]}")
    wait_for_event(page, events[order[i + 1]].title)
    # Quick presses each move one event, and the link follows the event shown.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_for_query(page, f"?event={order[i - 1]}")
    wait_for_event(page, events[order[i - 1]].title)
    # Keys typed into the search field stay there.
    field = page.locator("section[data-testid='stSidebar'] input")
    field.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)
    assert query(page) == f"?event={order[i - 1]}"
    assert page.outside_requests == []


def test_an_event_link_opens_on_the_event(page, app_url, atlas, events):
    event = events["ibadoglu-imprisoned"]
    frame = open_page(page, f"{app_url}/?event={event.slug}", atlas)
    wait_for_event(page, event.title)
    assert page.locator("blockquote.atlas-event-passage mark").first.inner_text() == event.quote.quote
    frame.wait_for_function("n => document.querySelectorAll('path[stroke=\"#111111\"]').length === n",
                            arg=drawn_places(atlas, event), timeout=WAIT)  # fmt: skip
    assert page.locator(".tl-list li.is-selected a").get_attribute("data-event") == event.slug
    assert page.get_by_text("From outside the article").first.is_visible()
    assert page.outside_requests == []


def test_the_timeline_is_reachable_by_keyboard(page, app_url, atlas, events):
    open_page(page, app_url, atlas)
    first = timeline_link(page, "first-karabakh-war")
    first.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    second = list(events)[1]
    wait_for_query(page, f"?event={second}")
    wait_for_event(page, events[second].title)


def test_a_hostile_event_link_shows_the_notice_and_runs_nothing(page, app_url, atlas):
    page.goto(f"{app_url}/?event={quote(HOSTILE, safe='')}", timeout=LOAD)
    page.get_by_text("an event in a form this atlas does not use").first.wait_for(timeout=LOAD)
    map_frame(page, timeout=LOAD)
    timeline_link(page, "exodus").wait_for(timeout=WAIT)
    assert_nothing_ran_and_no_place_is_open(page)
    assert page.locator(".tl-list li.is-selected").count() == 0
    assert page.outside_requests == []


def test_on_a_phone_an_event_scrolls_to_its_passages(browser, app_url, atlas, events):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    outside = block_outside(page)
    try:
        open_page(page, app_url, atlas)
        page.wait_for_function("window.__atlasTimeline === true", timeout=WAIT)
        assert page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]") == [375, 375]
        timeline_link(page, "blockade-2022").tap()
        wait_for_query(page, "?event=blockade-2022")
        wait_for_event(page, events["blockade-2022"].title)
        page.wait_for_function(
            """() => { const h = document.querySelector('h2.atlas-event-title');
                       const r = h && h.getBoundingClientRect(); return r && r.top >= -2 && r.top < 200; }""",
            timeout=WAIT,
        )
        assert outside == []
    finally:
        context.close()


# Stops every component's report reaching Streamlit, as when the map fails in its frame: set before the page's scripts.
BLOCK_REPORTS_JS = """
window.addEventListener('message', e => {
  if (e.data && e.data.type === 'streamlit:setComponentValue') e.stopImmediatePropagation();
}, true);
"""


@pytest.mark.parametrize("width,height", [(375, 812), (1440, 900)])
def test_without_the_map_s_report_the_rest_comes_and_the_passage_does_not_move(browser, app_url, width, height):
    """The map never reports: the fallback's timer still brings the list, the timeline and the menu within a
    few seconds, and the passage (under the map on a phone) stays where it was drawn."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        outside = block_outside(page)
        page.add_init_script(BLOCK_REPORTS_JS)
        page.goto(app_url + "/?place=baku", timeout=LOAD)
        passage = passages(page).first
        passage.wait_for(timeout=LOAD)
        # The map's frame given its height: the first step as drawn (the frame arrives after the passage).
        page.wait_for_function(
            "() => [...document.querySelectorAll('iframe')].some(f => f.getBoundingClientRect().height > 0)",
            timeout=WAIT,
        )
        assert page.locator(".atlas-place-list").count() == 0
        before = passage.bounding_box()
        page.locator(".atlas-place-list").first.wait_for(state="attached", timeout=10_000)
        page.locator(".atlas-timeline").first.wait_for(timeout=WAIT)
        page.get_by_text(DOWNLOADS).first.wait_for(timeout=WAIT)
        page.wait_for_timeout(500)
        after = passage.bounding_box()
        # Within a pixel: the space kept is a whole number of pixels, the timeline's height a fraction of one.
        assert abs(after["y"] - before["y"]) < 1 and after["x"] == before["x"], (before, after)
        assert outside == []
    finally:
        context.close()
