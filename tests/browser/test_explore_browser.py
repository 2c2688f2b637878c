"""The Explore page in Debian's Chromium against a real `streamlit run app.py`, with the internet blocked."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from geo.atlas import load_atlas
from geo.maps import place_bounds, view_for
from tests.browser.explore import LOAD, WAIT, drawn_count, open_page, passages, place_button, wait_for_heading
from tests.browser.support import map_frame

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert(1)</script>"


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


def test_clicking_a_place_in_the_list_shows_its_passage_and_sets_the_url(page, app_url, atlas):
    open_page(page, app_url, atlas)
    place_button(page, atlas, "stepanakert").click()
    page.wait_for_url(re.compile(r"[?&]place=stepanakert$"), timeout=WAIT)
    wait_for_heading(page, "Stepanakert")
    passages(page).first.wait_for(timeout=WAIT)
    assert passages(page).count() == len(atlas.passages["stepanakert"])
    assert "Stepanakert" in passages(page).first.locator("mark").first.inner_text()
    place_button(page, atlas, "baku").click()
    page.wait_for_url(re.compile(r"[?&]place=baku$"), timeout=WAIT)
    wait_for_heading(page, "Baku")
    assert page.outside_requests == []


def click_on_map(page, frame, lat: float, lon: float) -> None:
    """Bring a point into view and click the map there, as a reader would."""
    frame.evaluate("([lat, lon]) => map_div.setView([lat, lon], 8, {animate: false})", [lat, lon])
    frame.wait_for_timeout(300)
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [lat, lon]
    )
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})


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


def test_a_hostile_link_shows_the_notice_and_runs_nothing(page, app_url, atlas):
    page.goto(f"{app_url}/?place={quote(HOSTILE, safe='')}", timeout=LOAD)
    page.get_by_text("form this atlas does not use").first.wait_for(timeout=LOAD)
    map_frame(page, timeout=LOAD)
    page.wait_for_timeout(1000)
    assert page.dialogs == []
    assert page.get_by_text("Pick a place").first.is_visible()
    injected = page.evaluate(
        "() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length"
    )
    assert injected == 0
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
        page.wait_for_timeout(1000)  # let the rerun a previous download started settle
        with page.expect_download(timeout=WAIT) as info:
            page.get_by_role("button", name=label).click()
        got[info.value.suggested_filename] = Path(info.value.path()).read_text(encoding="utf-8")
    html_text = got["karabakh-atlas-stepanakert.html"]
    assert html_text.startswith("<!DOCTYPE html>") and "Stepanakert" in html_text
    assert not re.search(r"<script[^>]+src=\"https?:", html_text)
    csv_text = got["karabakh-atlas-places.csv"]
    assert csv_text.splitlines()[0].startswith("slug,name,kind")
    assert all(f"\n{p.slug}," in csv_text for p in atlas.places)
    assert not page.outside_requests
