"""Make a tour in Chromium: a teacher builds a storyline, reorders it, previews, downloads and saves it,
opens its link elsewhere, and presents it to a class that follows two Nexts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from geo.testing import block_outside, running_streamlit, slow_link
from tests.browser.explore import LOAD, WAIT
from tests.browser.support import axe_violations, map_frame
from tests.browser.test_present_browser import open_tour, press_next, wait_for_step

QUESTION = "Where is Nakhchivan, and what lies between it and Azerbaijan? <script>alert(1)</script>"
SLOW = 0.1  # seconds each way: a round trip of 200 ms, a school's Wi-Fi or a server far away


@pytest.fixture(scope="module")
def saving_url(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A server of its own, with a folder for saved storylines."""
    root = tmp_path_factory.mktemp("saved")
    with running_streamlit(env={"ATLAS_SAVED_DIR": str(root)}) as server:
        yield server.url, root


def idle(page) -> None:
    """Wait until the page's script run has ended (the elements of the run before are then gone)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT)
    page.wait_for_timeout(100)


def choose(page, key: str, typed: str) -> None:
    """Pick an option of the select box with this key by typing it, as a keyboard user does."""
    idle(page)
    page.locator(f".st-key-{key} [role=combobox]").click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def steps_listed(page) -> list[str]:
    return [b.inner_text().strip() for b in page.locator("[class*='st-key-story-pick-'] button").all()]


def downloaded(page) -> dict:
    """The tour file the page's download gives, read as `python -m geo check` reads it."""
    with page.expect_download(timeout=LOAD) as info:
        page.get_by_role("button", name="Download (YAML)").click()
    return yaml.safe_load(Path(info.value.path()).read_text(encoding="utf-8"))


def wait_for_steps(page, expected: list[str]) -> None:
    page.wait_for_function(
        "(expected) => { const b = [...document.querySelectorAll(\"[class*='st-key-story-pick-'] button\")];"
        " return b.length === expected.length && b.every((x, i) => x.innerText.trim().startsWith(expected[i])); }",
        arg=expected,
        timeout=WAIT,
    )


def add_step(page, typed: str, count: int) -> None:
    choose(page, "story-add", typed)
    page.get_by_role("button", name="Add step").click()
    page.wait_for_function(
        "(n) => document.querySelectorAll(\"[class*='st-key-story-pick-'] button\").length === n",
        arg=count,
        timeout=WAIT,
    )
    idle(page)  # the fields are filled from the new step before anything is typed into them
    # The preview's map reports its view once it has drawn (the editor records it for "Use this
    # view"), which runs the page again: a teacher reads the new step before typing, so wait as long.
    map_frame(page)
    page.wait_for_timeout(1_000)
    idle(page)


def test_build_reorder_preview_save_open_and_present(browser, saving_url):
    url, root = saving_url
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.outside_requests = block_outside(page)
    page.goto(f"{url}/Make_a_tour", timeout=LOAD)
    page.get_by_role("button", name="Start").wait_for(timeout=LOAD)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Started: 0 step(s)").wait_for(timeout=WAIT)

    # Three steps: a passage, a question, a captured map view.
    add_step(page, "Stepanakert", 1)
    idle(page)
    page.locator(".st-key-story-passage label").filter(has_text=re.compile(r"^2\. ")).click()  # the second passage
    page.wait_for_function(
        "() => /Stepanakert/.test(document.querySelector('.tour-passage')?.innerText)",
        timeout=WAIT,
    )
    add_step(page, "Nakhchivan", 2)
    text = page.get_by_label(re.compile("^Your text for the class"))
    text.fill(QUESTION)
    text.press("Tab")  # a text area keeps what was typed when it loses the focus
    page.locator(".tour-text").filter(has_text="Where is Nakhchivan").wait_for(timeout=WAIT)
    assert page.locator(".tour-text").inner_text() == QUESTION, "shown as typed, never run"
    add_step(page, "exodus", 3)
    frame = map_frame(page)
    page.wait_for_timeout(1_000)
    frame.evaluate("window.map.setView([39.5, 45.9], 8, {animate: false})")
    page.wait_for_timeout(1_500)  # the map reports its view; the page reruns
    page.get_by_role("button", name="Use this view").click()
    page.get_by_text(re.compile(r"Map view: the view you chose \(centre 39\.5, 45\.9; zoom 8\)")).wait_for(timeout=WAIT)

    # Reorder from the keyboard: the event, selected, moves up one step.
    page.keyboard.press("Alt+ArrowUp")
    wait_for_steps(page, ["1. Stepanakert", "2. ", "3. Nakhchivan"])
    assert steps_listed(page)[1].startswith("2. ") and "Nakhchivan" not in steps_listed(page)[1]

    # Preview: the question step as the class sees it.
    page.locator(".st-key-story-pick-2 button").click()
    page.locator(".tour-count").filter(has_text="3 / 3").wait_for(timeout=WAIT)
    assert "Where is Nakhchivan" in page.locator(".tour-text").inner_text()
    found = axe_violations(page)
    assert found == [], [v["nodes"] for v in found]

    # Download: the file python -m geo check reads, with the three steps in their new order.
    data = downloaded(page)
    assert [s.get("place") or s.get("event") for s in data["steps"]] == ["stepanakert", "exodus", "nakhchivan"]
    assert data["steps"][0]["passage"] == 2 and data["steps"][1]["view"] == {"lat": 39.5, "lon": 45.9, "zoom": 8}

    # A visit to another page loses nothing typed, even a note still in its field (its first click
    # only takes the note: the field hands it over as it loses the focus).
    idle(page)
    page.locator(".st-key-story-note textarea").fill("Ask first, then show.")
    for _ in range(3):
        page.get_by_role("link", name="Read the article").click()
        page.wait_for_timeout(2_000)
        if "/Article" in page.url:
            break
    page.get_by_role("link", name="Make a tour").click()
    page.locator(".st-key-story-note textarea").wait_for(timeout=LOAD)
    idle(page)
    assert page.locator(".st-key-story-note textarea").input_value() == "Ask first, then show."
    wait_for_steps(page, ["1. Stepanakert", "2. ", "3. Nakhchivan"])

    # Save: a link that opens it in another browser.
    idle(page)  # a click while a run redraws the button can land on the one going away
    page.get_by_role("button", name="Save on the server").click()
    link = page.locator(".story-saved a").get_attribute("href", timeout=LOAD)
    slug = re.search(r"tour=([a-z0-9-]+)", link).group(1)
    assert (root / ".storylines" / f"{slug}.yaml").is_file()

    # The edit link, on another device: the secret after "#" is kept in a cookie and never reaches the
    # server or the address bar; that browser may then save changes under the same link.
    page.locator(".st-key-story-reveal label").click()
    secret_link = page.locator(".story-secret a").get_attribute("href", timeout=WAIT)
    assert "/app/static/atlas/story-editor.html#" in secret_link and f"tour={slug}" in secret_link
    secret = secret_link.split("edit=")[1].split("&")[0]
    other = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        author = other.new_page()
        author.outside_requests = block_outside(author)
        asked: list[str] = []
        author.on("request", lambda request: asked.append(request.url))
        author.goto(secret_link, timeout=LOAD)
        author.get_by_role("button", name="Save changes").wait_for(timeout=LOAD)
        wait_for_steps(author, ["1. Stepanakert", "2. ", "3. Nakhchivan"])
        assert secret not in author.url and not [url for url in asked if secret in url]
    finally:
        other.close()

    teacher_context = browser.new_context(viewport={"width": 1440, "height": 900})
    student_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        teacher, student = teacher_context.new_page(), student_context.new_page()
        for other in (teacher, student):
            other.outside_requests = block_outside(other)
        open_tour(teacher, link)
        assert teacher.locator(".tour-count").inner_text() == "1 / 3"
        assert "Stepanakert" in teacher.locator(".tour-place").inner_text()
        teacher.get_by_role("button", name="Present to a class").click()
        code_box = teacher.locator(".room-code")
        code_box.wait_for(timeout=15_000)
        code = code_box.get_attribute("data-room")
        open_tour(student, f"{url}/Classroom_tour?room={code}")
        assert student.locator(".tour-count").inner_text() == "1 / 3"
        for expected in (2, 3):
            press_next(teacher)
            wait_for_step(student, expected, timeout=5_000)
        assert "Where is Nakhchivan" in student.locator(".tour-text").inner_text()
        # Run on the Classroom tour: the saved storyline, under its own link.
        page.get_by_role("button", name="Run on the Classroom tour").click()
        page.locator(".tour-count").filter(has_text="1 / 3").wait_for(timeout=WAIT)
        page.wait_for_function(
            "(slug) => location.pathname.endsWith('/Classroom_tour') && "
            "new URLSearchParams(location.search).get('tour') === slug",
            arg=slug,
            timeout=WAIT,
        )
        for each in (page, teacher, student):
            assert each.outside_requests == []
            assert each.locator("[data-testid='stException']").count() == 0
    finally:
        teacher_context.close()
        student_context.close()
        context.close()


def field(page, name: str):
    """A step's text field (`story-<name>`)."""
    return page.locator(f"[class*='st-key-story-{name}'] textarea")


@contextmanager
def started_over_slow_link(browser, app_url: str) -> Iterator:
    """Make a tour, a draft started, in a page whose every byte takes SLOW seconds each way."""
    with slow_link(urlsplit(app_url).port, SLOW) as port:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.outside_requests = block_outside(page)
        try:
            page.goto(f"http://localhost:{port}/Make_a_tour", timeout=LOAD)
            page.get_by_role("button", name="Start").click(timeout=LOAD)
            page.get_by_text("Started: 0 step(s)").wait_for(timeout=WAIT)
            yield page
        finally:
            context.close()


def test_quick_clicks_on_a_slow_network_keep_each_steps_own_text(browser, app_url):
    """The browser sends every field's value with each rerun it asks for, also one it asks before it has
    seen the step it asked for last: a second click within a round trip sends the fields of the step it
    still shows. They are not typing: each step keeps its own place, text and note."""
    with started_over_slow_link(browser, app_url) as page:
        for count, (place, text, note) in enumerate(
            [("Stepanakert", "one", "note one"), ("Nakhchivan", "two", "note two")], 1
        ):
            add_step(page, place, count)
            field(page, "text").fill(text)
            field(page, "note").fill(note)
            field(page, "note").press("Tab")
            page.locator(".tour-text").filter(has_text=re.compile(f"^{text}$")).wait_for(timeout=WAIT)
        for target in (0, 1, 0, 1, 0):
            page.locator(f".st-key-story-pick-{target} button").click()
            page.wait_for_timeout(150)
        page.locator(".tour-text").filter(has_text=re.compile("^one$")).wait_for(timeout=WAIT)
        idle(page)
        assert field(page, "text").input_value() == "one" and field(page, "note").input_value() == "note one"
        steps = downloaded(page)["steps"]
        assert [(s["place"], s.get("text"), s.get("note")) for s in steps] == [
            ("stepanakert", "one", "note one"),
            ("nakhchivan", "two", "note two"),
        ]
        assert page.outside_requests == []


def test_a_text_set_to_the_previous_steps_at_once_on_a_slow_network_is_kept(browser, app_url):
    """A teacher picks a step and at once, before the preview's map has reported anything, gives it the
    text of the step before, or asks the question the step before asks: the page hands the browser each
    run's number with the fields, so these are the teacher's choices, not the browser's echo."""
    with started_over_slow_link(browser, app_url) as page:
        question = page.locator(".st-key-story-question input[type=checkbox]")
        for count, (place, text) in enumerate([("Stepanakert", "one"), ("Nakhchivan", "two")], 1):
            add_step(page, place, count)
            field(page, "text").fill(text)
            field(page, "text").press("Tab")
            page.locator(".tour-text").filter(has_text=re.compile(f"^{text}$")).wait_for(timeout=WAIT)
            if count == 2:
                idle(page)
                page.locator(".st-key-story-question label").click()
                page.wait_for_function(
                    "() => document.querySelector('.st-key-story-question input').checked", timeout=WAIT
                )
                idle(page)
        page.wait_for_timeout(1_500)  # the preview map has reported its view: nothing else is in flight
        drawn = page.evaluate("() => document.querySelector('.st-key-story-drawn input')?.value ?? null")
        page.locator(".st-key-story-pick-0 button").click()
        # The browser has step 1's fields, and the number of the run that gave them (drawn after them):
        # a teacher reads the step for longer than that takes, but not as long as the map's report.
        page.wait_for_function(
            "(drawn) => { const now = document.querySelector('.st-key-story-drawn input')?.value ?? null;"
            " return document.querySelector(\"[class*='st-key-story-text'] textarea\")?.value === 'one'"
            " && (now === null || now !== drawn); }",
            arg=drawn,
            timeout=WAIT,
        )
        field(page, "text").fill("two")  # at once: the step before's text
        field(page, "text").press("Tab")
        assert not question.is_checked()
        page.locator(".st-key-story-question label").click()  # and its question
        page.locator(".tour-text").filter(has_text=re.compile("^two$")).wait_for(timeout=WAIT)
        page.wait_for_timeout(1_500)
        idle(page)
        assert field(page, "text").input_value() == "two" and question.is_checked()
        steps = downloaded(page)["steps"]
        assert [(s["place"], s.get("text"), s.get("kind")) for s in steps] == [
            ("stepanakert", "two", "question"),
            ("nakhchivan", "two", "question"),
        ]
        assert page.outside_requests == []
