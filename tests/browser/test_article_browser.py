"""The article reader in Chromium: mentions as links that move the map without leaving the page."""

from __future__ import annotations

import re

from geo.render.export import export_site
from geo.testing import block_outside
from tests.browser.explore import LOAD, WAIT, open_page, passages, wait_for_heading
from tests.browser.support import axe_violations

MENTION = ".atlas-article a.atlas-mention"
FOCUS_JS = "slug => { const m = document.querySelector('.leaflet-container'); return m && m.dataset.focus === slug; }"


def mention_count(atlas) -> int:
    return sum(len(found) for found in atlas.mentions.values())


def open_reader(page, app_url: str, atlas, query: str = ""):
    frame = open_page(page, f"{app_url}/Article{query}", atlas)
    page.locator(MENTION).first.wait_for(timeout=LOAD)
    page.wait_for_function("() => window.__atlasMentions === true", timeout=WAIT)
    frame.wait_for_function("() => typeof window.atlasFocus === 'function'", timeout=WAIT)
    return frame


def map_centre(frame) -> tuple[float, float]:
    return tuple(frame.evaluate("() => { const c = map_div.getCenter(); return [c.lat, c.lng]; }"))


def test_every_mention_the_atlas_counts_is_a_link(page, app_url, atlas):
    open_reader(page, app_url, atlas)
    links = page.locator(MENTION)
    assert links.count() == mention_count(atlas)
    slugs = set(links.evaluate_all("els => els.map(e => e.dataset.slug)"))
    assert slugs == {m.slug for found in atlas.mentions.values() for m in found}
    assert page.locator(".article-pullquote").count() == 1
    assert page.outside_requests == []


def test_clicking_stepanakert_moves_the_map_without_reloading(page, app_url, atlas):
    frame = open_reader(page, app_url, atlas)
    page.evaluate("() => { window.__stillHere = 'yes'; }")
    link = page.locator(f"{MENTION}[data-slug='stepanakert']").first
    link.scroll_into_view_if_needed()
    scrolled = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTop ?? window.scrollY")
    link.click()
    page.wait_for_url(re.compile(r"/Article\?place=stepanakert$"), timeout=WAIT)
    frame.wait_for_function(FOCUS_JS, arg="stepanakert", timeout=WAIT)
    geom = atlas.shape(atlas.by_slug["stepanakert"]).geom
    frame.wait_for_function(
        "([lat, lng]) => { const c = map_div.getCenter();"
        " return Math.abs(c.lat - lat) < 0.3 && Math.abs(c.lng - lng) < 0.3; }",
        arg=[geom.y, geom.x],
        timeout=WAIT,
    )
    assert page.evaluate("() => window.__stillHere") == "yes"  # no reload
    after = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTop ?? window.scrollY")
    assert abs(after - scrolled) < 5  # the reading position stays
    current = page.locator(f"{MENTION}.is-current")
    assert current.count() == len([m for f in atlas.mentions.values() for m in f if m.slug == "stepanakert"])


def test_keys_jump_between_a_places_mentions(page, app_url, atlas):
    open_reader(page, app_url, atlas)
    page.locator(f"{MENTION}[data-slug='stepanakert']").first.click()
    total = page.locator(f"{MENTION}[data-slug='stepanakert']").count()
    assert total >= 2
    index_js = (
        "() => [...document.querySelectorAll(\"a.atlas-mention[data-slug='stepanakert']\")]"
        ".indexOf(document.activeElement)"
    )
    page.keyboard.press("j")
    assert page.evaluate(index_js) == 1
    page.keyboard.press("ArrowDown")
    assert page.evaluate(index_js) == 2 % total
    page.keyboard.press("k")
    assert page.evaluate(index_js) == 1


def test_a_link_to_the_reader_opens_on_the_first_mention(page, app_url, atlas):
    frame = open_reader(page, app_url, atlas, "?place=zangezur-corridor")
    frame.wait_for_function(FOCUS_JS, arg="zangezur-corridor", timeout=WAIT)
    first = page.locator(f"{MENTION}[data-slug='zangezur-corridor']").first
    assert "is-current" in first.get_attribute("class")
    box, height = first.bounding_box(), page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] <= height


def test_a_passages_other_places_are_links_in_explore(page, app_url, atlas):
    open_page(page, f"{app_url}/?place=stepanakert", atlas, selected=True)
    wait_for_heading(page, "Stepanakert")
    baku = passages(page).locator("a.atlas-mention[data-slug='baku']").first
    baku.wait_for(timeout=WAIT)
    baku.click()
    page.wait_for_url(re.compile(r"[?&]place=baku$"), timeout=WAIT)
    wait_for_heading(page, "Baku")


def test_the_static_article_page_works_from_disk_offline(browser, atlas, tmp_path):
    site = tmp_path / "site"
    export_site(atlas, site)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside = block_outside(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((site / "article.html").as_uri())
        page.wait_for_selector(".folium-map[data-places-drawn]", state="attached", timeout=15_000)
        links = page.locator(MENTION)
        assert links.count() == mention_count(atlas)
        page.locator(f"{MENTION}[data-slug='baku']").first.click()
        page.wait_for_function(FOCUS_JS, arg="baku", timeout=WAIT)
        assert page.url.endswith("article.html")  # the map moved; the page stayed
        assert outside == [] and errors == []
    finally:
        context.close()


def test_the_reader_has_no_serious_accessibility_violation(page, app_url, atlas):
    open_reader(page, app_url, atlas, "?place=baku")
    assert axe_violations(page) == []
    # Mentions are links reached in reading order with the keyboard.
    order = page.locator(MENTION).evaluate_all("els => els.map(e => e.tabIndex)")
    assert set(order) == {0}


def test_the_static_article_page_passes_the_audit(browser, atlas, tmp_path):
    site = tmp_path / "site"
    export_site(atlas, site)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto((site / "article.html").as_uri())
        page.wait_for_selector(".folium-map[data-places-drawn]", state="attached", timeout=15_000)
        assert axe_violations(page) == []
    finally:
        context.close()
