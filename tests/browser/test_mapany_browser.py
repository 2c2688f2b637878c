"""Map your own article in Chromium: paste a news item, review its places, open it as an atlas, download it, save it."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.paths import ROOT
from geo.testing import block_outside, running_streamlit
from tests.browser.explore import LOAD, WAIT, passages, wait_for_heading
from tests.browser.support import axe_violations, map_frame

SAMPLE = (ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt").read_text(encoding="utf-8")
TITLE = "Buses leave Goris for Stepanakert"
SLUG = "buses-leave-goris-for-stepanakert"
TOP_JS = "() => document.querySelector(\"[data-testid='stMain']\").scrollTop === 0"


@pytest.fixture(scope="module")
def saving_url(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A server of its own, with a folder for saved atlases."""
    root = tmp_path_factory.mktemp("saved")
    with running_streamlit(env={"ATLAS_SAVED_DIR": str(root)}) as server:
        yield server.url, root


def sidebar_button(page, name: str):
    return page.locator("section[data-testid='stSidebar']").get_by_role("link", name=re.compile(rf"^{name} · "))


def choose(page, label: str, typed: str) -> None:
    """Pick an option of a select box by typing it, as a keyboard user does."""
    page.get_by_label(label).click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def downloaded_zip(page, label: str) -> zipfile.ZipFile:
    with page.expect_download(timeout=LOAD) as info:
        page.get_by_role("button", name=label).click()
    return zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))


def test_paste_review_open_download_and_save(page, browser, saving_url):
    url, root = saving_url
    page.goto(f"{url}/Map_your_own_article", timeout=LOAD)
    box = page.get_by_label("Paste the article's text")
    box.wait_for(timeout=LOAD)
    box.fill(SAMPLE)
    page.get_by_label("Author").fill("A. Reporter")
    page.get_by_role("button", name="Find places").click()

    # The review: every mention marked in the text, one decision per place.
    marks = page.locator(".mapany-text mark.mapany-mention")
    marks.first.wait_for(timeout=LOAD)
    assert marks.filter(has_text="Goris").count() == 2
    assert marks.filter(has_text="Kornidzor").count() == 1
    assert "Goris (town, Armenia" in marks.filter(has_text="Goris").first.get_attribute("title")

    choose(page, "Decision for Kornidzor", "Reject")
    page.locator(".mapany-text mark.is-rejected", has_text="Kornidzor").wait_for(timeout=WAIT)
    assert axe_violations(page) == []

    # Both downloads, opened and checked.
    data = downloaded_zip(page, "Download the data folder (zip)")
    names = set(data.namelist())
    assert {f"{SLUG}/places.yaml", f"{SLUG}/article.md", f"{SLUG}/geometry.geojson"} <= names
    places = data.read(f"{SLUG}/places.yaml").decode()
    assert "slug: goris" in places and "kornidzor" not in places
    assert "A. Reporter" in data.read(f"{SLUG}/article.yaml").decode()
    site = downloaded_zip(page, "Download the static site (zip)")
    site_names = set(site.namelist())
    assert f"{SLUG}-site/index.html" in site_names and f"{SLUG}-site/article.html" in site_names
    assert any(n.endswith("goris.html") for n in site_names)

    # Open as an atlas: Explore on the draft, its places on the map and their passages.
    redrawn: list[str] = []  # a map frame thrown away after it was made: the map drawn twice
    page.on("framedetached", lambda f: redrawn.append(f.url) if "folium" in f.url else None)
    page.get_by_role("button", name="Open as an atlas").click()
    page.locator(".atlas-source-banner", has_text=TITLE).wait_for(timeout=LOAD)
    page.wait_for_function(TOP_JS, timeout=WAIT)  # the atlas starts at its banner, not where the review was
    frame = map_frame(page, timeout=LOAD)
    page.wait_for_timeout(1500)  # the run the map's first report starts
    assert redrawn == [], "the map was drawn twice on opening the atlas"
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-interactive').length >= 10", timeout=LOAD)
    # A draft has no orientation layers of its own, and never shows the Karabakh atlas's.
    assert frame.evaluate("() => window.ATLAS_CONTEXT") is None
    assert frame.locator(".leaflet-control-layers", has_text="Other towns").count() == 0
    assert frame.get_by_text("Sisian").count() == 0 and frame.get_by_text("Mingachevir").count() == 0
    assert sidebar_button(page, "Kornidzor").count() == 0
    sidebar_button(page, "Goris").click()
    wait_for_heading(page, "Goris")
    page.get_by_text("This draft has no link to share yet").wait_for(timeout=WAIT)  # rather than a dead link
    assert passages(page).count() == 2
    assert "Buses now leave Goris" in passages(page).nth(1).inner_text()
    assert page.outside_requests == []

    # Back to the review (the session keeps it), save, and open the link in a new browser.
    page.get_by_role("link", name="Edit this draft").click()
    page.get_by_role("button", name="Save").click()
    link = page.locator(".mapany-saved a")
    link.wait_for(timeout=WAIT)
    href = link.get_attribute("href")
    assert href.endswith(f"?atlas={SLUG}")
    assert (root / SLUG / "places.yaml").is_file()

    other = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        visitor = other.new_page()
        outside = block_outside(visitor)
        visitor.goto(href, timeout=LOAD)
        visitor.locator(".atlas-source-banner", has_text="A saved atlas").wait_for(timeout=LOAD)
        sidebar_button(visitor, "Stepanakert").click()
        wait_for_heading(visitor, "Stepanakert")
        assert re.search(rf"atlas={SLUG}", visitor.evaluate("location.search"))
        assert sidebar_button(visitor, "Kornidzor").count() == 0
        assert outside == []
    finally:
        other.close()


def test_a_script_in_the_pasted_text_never_runs(page, app_url):
    page.goto(f"{app_url}/Map_your_own_article", timeout=LOAD)
    box = page.get_by_label("Paste the article's text")
    box.wait_for(timeout=LOAD)
    box.fill('<script>alert("pasted")</script><img src=x onerror="alert(1)">\n\n' + SAMPLE)
    page.get_by_role("textbox", name="Title").fill('<img src=y onerror="alert(2)"> Buses')
    page.get_by_role("button", name="Find places").click()
    page.locator(".mapany-text mark.mapany-mention").first.wait_for(timeout=LOAD)
    assert '<script>alert("pasted")</script>' in page.locator(".mapany-text").inner_text()
    page.get_by_role("button", name="Open as an atlas").click()
    page.locator(".atlas-source-banner").wait_for(timeout=LOAD)
    page.wait_for_timeout(500)
    assert page.dialogs == []
    assert page.locator("img[src='x'], img[src='y']").count() == 0


# A short news item written for this test: three French cities, far from the Caucasus.
FAR_AWAY = """Floods close the Rhone valley road

Heavy rain closed the motorway between Lyon and Marseille on Tuesday, the regional authority said.
Trains from Paris to Lyon ran late all day. In Marseille, the port stayed open.
"""

# Each place's marker: inside the map's view, and inside a country's outline of the world layer
# (the path's fill tested at the marker's point), else the names of the places that are not.
PLACES_ON_LAND_JS = """() => {
  const m = window.map_div, world = document.querySelector('path.atlas-world');
  if (!m || !world) return null;
  const view = m.getBounds(), found = {}, out = [];
  m.eachLayer(layer => {
    const props = layer.feature && layer.feature.properties;
    if (layer.getLatLng && props && props.slug) found[props.slug] = layer.getLatLng();
  });
  for (const [slug, at] of Object.entries(found)) {
    const p = m.latLngToLayerPoint(at);
    if (!view.contains(at) || !world.isPointInFill(new DOMPoint(p.x, p.y))) out.push(slug);
  }
  return {places: Object.keys(found).sort(), off: out};
}"""


def test_a_draft_of_an_article_about_anywhere_draws_its_places_on_land(page, app_url):
    """A draft about France opens on its places, drawn over the world's country outlines, with the
    country named and the overview on Europe. With ATLAS_DOCS_SCREENSHOTS set, the view is saved as
    docs/mapany-world.png (the README's picture)."""
    page.goto(f"{app_url}/Map_your_own_article", timeout=LOAD)
    box = page.get_by_label("Paste the article's text")
    box.wait_for(timeout=LOAD)
    box.fill(FAR_AWAY)
    page.get_by_role("button", name="Find places").click()
    page.locator(".mapany-text mark.mapany-mention").first.wait_for(timeout=LOAD)
    page.get_by_role("button", name="Open as an atlas").click()
    page.locator(".atlas-source-banner", has_text="Floods close the Rhone valley road").wait_for(timeout=LOAD)
    frame = map_frame(page, timeout=LOAD)
    frame.wait_for_function(f"() => ({PLACES_ON_LAND_JS})() !== null", timeout=LOAD)
    page.wait_for_timeout(1000)  # the view the page sends after the map's first report
    result = frame.evaluate(PLACES_ON_LAND_JS)
    assert result["places"] == ["lyon", "marseille", "paris"]
    assert result["off"] == [], f"not on land in the opening view: {result['off']}"
    # Only the world's outlines: no Karabakh outline, layer or name.
    assert frame.evaluate("() => window.ATLAS_BASEMAP") is None
    assert frame.evaluate("() => window.ATLAS_CONTEXT") is None
    assert frame.get_by_text("Sisian").count() == 0
    frame.locator(".atlas-name-country", has_text="France").wait_for(timeout=WAIT)
    # The overview shows where in the world the places are.
    frame.wait_for_function("() => map_div.atlasOverview && map_div.atlasOverview.mini", timeout=WAIT)
    west, south, east, north = frame.evaluate(
        "() => { const o = map_div.atlasOverview.mini.getBounds(); "
        "return [o.getWest(), o.getSouth(), o.getEast(), o.getNorth()]; }"
    )
    assert west < 4.85 < east and south < 45.75 < north  # Lyon
    assert east - west < 120 and not (west < 46.2 < east and south < 40.0 < north)  # Europe, not the Caucasus
    assert frame.evaluate("() => map_div.atlasOverview.mini.getBounds().contains(map_div.getBounds())")
    assert page.outside_requests == []
    if os.environ.get("ATLAS_DOCS_SCREENSHOTS"):
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ROOT / "docs" / "mapany-world.png"))
