"""The classroom tour in a real browser: keys and clickers, the QR code, presentation sizes, offline."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from geo.app.registry import PAGES
from geo.render.maps import NARROW_MAP
from geo.testing import block_outside, running_streamlit
from tests.browser.support import axe_violations, map_frame, names_shown

PASSAGE = ".tour-passage"
COUNT = ".tour-count"


def open_tour(page, app_url: str, step: int | None = None) -> None:
    page.goto(f"{app_url}/Classroom_tour" + (f"?step={step}" if step else ""))
    page.wait_for_selector(PASSAGE, timeout=30_000)
    map_frame(page)
    # The key listener is installed by a small component once it has loaded.
    page.wait_for_function("window.__atlasTourKeys === true", timeout=15_000)


def counter(page) -> str:
    return page.locator(COUNT).inner_text().strip()


def wait_for_step(page, expected_count: str) -> None:
    """Wait until the counter and the passage both show the step (they render one after the other)."""
    number = expected_count.split("/")[0].strip()
    page.wait_for_function(
        """([count, passage, want, number]) => {
            const c = document.querySelector(count), p = document.querySelector(passage);
            return c && p && c.innerText.trim() === want && p.dataset.step === number;
        }""",
        arg=[COUNT, PASSAGE, expected_count, number],
        timeout=15_000,
    )


def press_and_wait(page, key: str, expected_count: str) -> tuple[str, float]:
    """Press a key; wait for the new step's passage and return it with the time it took."""
    start = time.perf_counter()
    page.keyboard.press(key)
    wait_for_step(page, expected_count)
    return page.locator(PASSAGE).inner_html(), time.perf_counter() - start


def test_keys_move_between_steps_and_change_the_passage(page, app_url):
    open_tour(page, app_url, 1)
    n = counter(page).split("/")[1].strip()
    assert counter(page) == f"1 / {n}"
    first = page.locator(PASSAGE).inner_html()
    assert page.url.endswith("?step=1")

    second, _ = press_and_wait(page, "ArrowRight", f"2 / {n}")
    assert second != first
    assert page.url.endswith("?step=2")

    third, _ = press_and_wait(page, "PageDown", f"3 / {n}")
    assert third != second
    assert page.url.endswith("?step=3")

    fourth, _ = press_and_wait(page, "Space", f"4 / {n}")
    assert fourth != third
    back, _ = press_and_wait(page, "PageUp", f"3 / {n}")
    assert back == third
    press_and_wait(page, "ArrowLeft", f"2 / {n}")
    press_and_wait(page, "End", f"{n} / {n}")
    press_and_wait(page, "Home", f"1 / {n}")
    assert page.outside_requests == []
    assert page.dialogs == []


def test_keys_are_ignored_while_typing(page, app_url):
    open_tour(page, app_url, 2)
    n = counter(page).split("/")[1].strip()
    # A stand-in text field in the app's document: arrows there move the caret, not the tour.
    page.evaluate("() => { const i = document.createElement('input'); i.id = 'typing'; document.body.appendChild(i); }")
    page.focus("#typing")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    page.wait_for_timeout(800)
    assert counter(page) == f"2 / {n}"


def test_clicker_keeps_working_after_a_click_on_the_map(page, app_url):
    open_tour(page, app_url, 2)
    n = counter(page).split("/")[1].strip()
    box = page.locator("iframe[title*='folium']").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.3)
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    press_and_wait(page, "PageDown", f"3 / {n}")


def test_next_button_and_map_follow(page, app_url):
    open_tour(page, app_url, 1)
    n = counter(page).split("/")[1].strip()
    frame = map_frame(page)
    frame.evaluate("window.__tourMarker = 'kept'")
    before = frame.evaluate("[window.map.getCenter().lng, window.map.getZoom()]")
    page.get_by_role("button", name="Next").click()
    wait_for_step(page, f"2 / {n}")
    # The map is kept (not rebuilt: the frame's own state survives) and its view follows the step.
    frame.wait_for_function(f"window.map.getCenter().lng !== {before[0]} || window.map.getZoom() !== {before[1]}")
    assert frame.evaluate("window.__tourMarker") == "kept"
    assert frame.locator("path.leaflet-interactive").count() > 0


def disabled_steps(page) -> list[str]:
    return page.eval_on_selector_all("button[data-tour-action]:disabled", "bs => bs.map(b => b.dataset.tourAction)")


def test_step_buttons_are_disabled_at_their_ends_and_work_from_the_keyboard(page, app_url):
    open_tour(page, app_url, 1)
    n = counter(page).split("/")[1].strip()
    assert disabled_steps(page) == ["first", "prev"]
    page.get_by_role("button", name="First").click(force=True)  # disabled: nothing moves
    page.wait_for_timeout(800)
    assert counter(page) == f"1 / {n}"
    # Tab reaches Next (the hidden buttons the page keeps for it are not in the way); Enter presses it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.tourAction") == "next":
            break
    assert page.evaluate("document.activeElement.dataset.tourAction") == "next"
    page.keyboard.press("Enter")
    wait_for_step(page, f"2 / {n}")
    page.wait_for_function("() => document.querySelectorAll('button[data-tour-action]:disabled').length === 0")
    page.get_by_role("button", name="Last").click()
    wait_for_step(page, f"{n} / {n}")
    page.wait_for_function("() => document.querySelector('button[data-tour-action=next]').disabled")
    assert disabled_steps(page) == ["next", "last"]
    page.get_by_role("button", name="Previous").click()
    wait_for_step(page, f"{int(n) - 1} / {n}")


def test_handout_downloads_as_one_offline_html_file(page, app_url):
    open_tour(page, app_url, 1)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Printable handout").click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert download.suggested_filename.endswith(".html")
    assert text.lower().startswith("<!doctype html>") and "@media print" in text
    assert "data:image/png;base64," in text and "<script" not in text.lower()
    assert page.outside_requests == []


def test_qr_code_decodes_to_the_step_link(page, app_url):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    open_tour(page, app_url, 4)
    page.get_by_text("Show QR code").click()
    qr = page.locator(".tour-qr img")
    qr.wait_for(timeout=15_000)
    png = qr.screenshot()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))
    assert [r.text for r in results] == [f"{app_url}/Classroom_tour?step=4"]
    box = qr.bounding_box()
    assert box and box["width"] >= 300, "the QR code should be large enough to scan from a seat"
    assert page.outside_requests == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720), (375, 812)])
def test_presentation_sizes(browser, app_url, tmp_path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    outside = block_outside(page)
    try:
        page.goto(f"{app_url}/Classroom_tour?step=3")
        page.wait_for_selector(PASSAGE, timeout=30_000)
        map_frame(page)
        page.wait_for_timeout(500)
        page.screenshot(path=str(tmp_path / f"tour-{width}x{height}.png"))
        scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, "no horizontal scrolling"
        size = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{PASSAGE}')).fontSize)")
        if width >= 1920:
            assert size >= 24
        else:
            assert size >= 16
        # Streamlit's own toolbar and menu are hidden in this view.
        assert page.locator("[data-testid='stToolbar']").is_hidden()
        assert page.locator("#MainMenu").count() == 0 or page.locator("#MainMenu").is_hidden()
        frame = map_frame(page)
        key = frame.locator("details.atlas-legend")
        # The map key starts folded on a phone (and any narrow map), open on a projector's wide map.
        assert key.evaluate("el => el.open") is (frame.evaluate("map_div.getSize().x") > NARROW_MAP)
        if width >= 1920:
            assert key.evaluate("el => el.open")
        if width >= 1280:
            # The map fills the window's height, beside the passage.
            frame_box = page.locator("iframe[title*='folium']").bounding_box()
            assert frame_box and frame_box["height"] >= height * 0.85
        assert outside == []
    finally:
        context.close()


def test_hostile_step_link_shows_a_notice_not_a_script(page, app_url):
    page.goto(f"{app_url}/Classroom_tour?step=%3Cscript%3Ealert(1)%3C/script%3E")
    page.wait_for_selector(PASSAGE, timeout=30_000)
    page.wait_for_selector("[data-testid='stAlert']", timeout=15_000)
    assert "step" in page.locator("[data-testid='stAlert']").inner_text().lower()
    assert page.locator(PASSAGE).get_attribute("data-step") == "1"
    assert page.dialogs == []
    assert page.url.endswith("?step=1")
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_first_visitor_of_a_fresh_server_lands_on_the_tour(page):
    # A QR code is often the first request a server gets: it must open the tour, not "page not found".
    with running_streamlit() as server:
        url = server.url
        page.goto(f"{url}/Classroom_tour?step=2")
        page.wait_for_selector(PASSAGE, timeout=30_000)
        page.wait_for_timeout(500)
        assert page.get_by_text("Page not found").count() == 0
        assert page.url.endswith("/Classroom_tour?step=2")
        assert page.locator(PASSAGE).get_attribute("data-step") == "2"
        # the app's own pages in the navigation, not every file of pages/ ("app", "explore", ...)
        links = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
        assert [text.strip().splitlines()[-1] for text in links] == [p.title for p in PAGES]  # after its icon


def test_the_tour_has_no_serious_accessibility_violation(page, app_url):
    open_tour(page, app_url, 3)
    frame = map_frame(page)
    names_shown(frame, ("Azerbaijan",))
    assert axe_violations(page) == []
    # Nor with every option switched on: notes, high contrast for a projector, the QR code.
    for label in ("Show teacher notes", "High contrast", "Show QR code"):
        page.get_by_text(label).click()
    page.locator(".tour-qr img").wait_for(timeout=15_000)
    page.locator(".tour-note").wait_for(timeout=15_000)
    assert axe_violations(page) == []
    assert page.outside_requests == []


def test_the_tour_map_has_its_overview_and_names(page, app_url):
    open_tour(page, app_url, 1)
    frame = map_frame(page)
    frame.wait_for_function("() => map_div.atlasOverview && map_div.atlasOverview.box", timeout=15_000)
    assert frame.locator(".atlas-overview").is_visible()
    assert names_shown(frame, ("Armenia",))


def test_the_chronology_tour_has_the_same_keys_and_qr_code(page, app_url):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page.goto(f"{app_url}/Classroom_tour?tour=chronology&step=1")
    page.wait_for_selector(".tour-event", timeout=30_000)
    map_frame(page)
    page.wait_for_function("window.__atlasTourKeys === true", timeout=15_000)
    n = counter(page).split("/")[1].strip()
    first = page.locator(".tour-event").inner_text()
    press_and_wait(page, "ArrowRight", f"2 / {n}")
    assert page.locator(".tour-event").inner_text() != first
    page.wait_for_function("() => location.search === '?tour=chronology&step=2'", timeout=15_000)
    page.get_by_text("Show QR code").click()
    qr = page.locator(".tour-qr img")
    qr.wait_for(timeout=15_000)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())).convert("RGB"))
    assert [r.text for r in results] == [f"{app_url}/Classroom_tour?tour=chronology&step=2"]
    assert page.outside_requests == [] and page.dialogs == []
