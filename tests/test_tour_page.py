"""The Classroom tour page (pages/1_Classroom_tour.py) run headless with Streamlit's AppTest."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.atlas.tours import load_tour
from geo.paths import PAGES_DIR
from geo.render.templating import marked
from tests.apptest import run_script

PAGE = str(PAGES_DIR / "1_Classroom_tour.py")
HOSTILE = "<script>alert(1)</script>"


def run_page(step=None) -> AppTest:
    return run_script(PAGE, step=step)


def html_of(at: AppTest, css_class: str) -> str:
    return next(m.value for m in at.markdown if f'class="{css_class}"' in m.value)


def shown_step(at: AppTest) -> int:
    return int(re.search(r'data-step="(\d+)"', html_of(at, "tour-passage")).group(1))


def disabled_buttons(at: AppTest) -> set[str]:
    """The step buttons drawn disabled with the step (tour_buttons.html), by action."""
    buttons = re.findall(r'<button [^>]*data-tour-action="(\w+)"[^>]*>', html_of(at, "tour-buttons"))
    drawn = re.findall(r"<button [^>]*>", html_of(at, "tour-buttons"))
    assert sorted(buttons) == ["first", "last", "next", "prev"]
    return {action for action, tag in zip(buttons, drawn, strict=True) if " disabled" in tag}


def counter_of(at: AppTest) -> str:
    return re.search(r'class="tour-count">([^<]+)<', html_of(at, "tour-counter")).group(1)


@pytest.fixture(scope="module")
def tour(atlas):
    return load_tour(atlas)


def test_opens_at_step_one_without_a_notice(tour):
    at = run_page()
    assert shown_step(at) == 1
    assert counter_of(at) == f"1 / {len(tour)}"
    assert not at.warning
    assert at.query_params["step"] == "1"
    assert disabled_buttons(at) == {"first", "prev"}


def test_next_and_previous_move_one_step_and_keep_the_link(tour):
    at = run_page()
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 2 and at.query_params["step"] == "2" and disabled_buttons(at) == set()
    assert tour.steps[1].place.name in html_of(at, "tour-place")
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 3
    at.button(key="tour-prev").click().run()
    assert shown_step(at) == 2 and counter_of(at) == f"2 / {len(tour)}"
    at.button(key="tour-last").click().run()
    assert shown_step(at) == len(tour) and disabled_buttons(at) == {"next", "last"}
    # Disabled where it is drawn: a press that reaches the page anyway does nothing.
    at.button(key="tour-next").click().run()
    assert shown_step(at) == len(tour) and at.query_params["step"] == str(len(tour))
    at.button(key="tour-first").click().run()
    assert shown_step(at) == 1 and disabled_buttons(at) == {"first", "prev"}
    at.button(key="tour-prev").click().run()
    assert shown_step(at) == 1


def test_step_link_round_trip(tour):
    at = run_page("3")
    assert shown_step(at) == 3 and counter_of(at) == f"3 / {len(tour)}"
    assert not at.warning
    step = tour.steps[2]
    assert marked(step.passage.sentence, step.passage.sentence_spans) in html_of(at, "tour-passage")
    link = next(m.value for m in at.markdown if "Link to this step" in m.value)
    assert "Classroom_tour?step=3" in link
    again = run_page(at.query_params["step"])
    assert shown_step(again) == 3


@pytest.mark.parametrize("value", ["0", "999", "abc", "-2", HOSTILE, "3%3Cscript%3E", "1e3", "  "])
def test_out_of_range_or_hostile_steps_give_a_notice(tour, value):
    at = run_page(value)
    expected = len(tour) if value == "999" else 1
    assert shown_step(at) == expected
    if value.strip():
        assert at.warning, value
        assert "<script" not in at.warning[0].value and "script" not in at.warning[0].value
    assert at.query_params["step"] == str(expected)
    for m in at.markdown:
        assert "<script" not in m.value.lower()


def test_teacher_notes_and_qr_are_shown_on_demand(tour):
    at = run_page("3")
    assert not any('class="tour-note"' in m.value for m in at.markdown)
    assert not any('class="tour-qr"' in m.value for m in at.markdown)
    at.toggle(key="tour-notes").set_value(True).run()
    assert tour.steps[2].note in html_of(at, "tour-note")
    at.toggle(key="tour-qr").set_value(True).run()
    qr = html_of(at, "tour-qr")
    assert "data:image/svg+xml;base64," in qr and "Classroom_tour?step=3" in qr
    at.toggle(key="tour-contrast").set_value(True).run()
    assert any("tour-contrast.css" in h.proto.body or "--contrast-mark" in h.proto.body for h in at.get("html"))
    # the toggles survive moving on
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 4 and at.toggle(key="tour-notes").value


def test_handout_download_is_offered():
    at = run_page()
    buttons = at.get("download_button")
    assert buttons, "a download button for the handout"
    assert "handout" in buttons[0].proto.label.lower()


# The chronology ---------------------------------------------------------------------------


def run_tour(tour=None, step=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if tour is not None:
        at.query_params["tour"] = tour
    if step is not None:
        at.query_params["step"] = step
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def chronology(atlas):
    return load_tour(atlas, name="chronology")


def test_the_chronology_opens_on_its_first_event(chronology):
    at = run_tour("chronology")
    assert shown_step(at) == 1 and counter_of(at) == f"1 / {len(chronology)}"
    first = chronology.steps[0].event
    assert first.title in html_of(at, "tour-place tour-event")
    assert f"<mark>{first.quote.quote}</mark>" in html_of(at, "tour-passage")
    assert at.query_params["tour"] == "chronology" and not at.warning
    storylines = html_of(at, "tour-title tour-storylines")
    assert '<b aria-current="page">The chronology</b>' in storylines and "Classroom_tour?step=1" in storylines


def test_the_chronology_keeps_its_name_in_links_and_buttons(chronology):
    at = run_tour("chronology", "3")
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 4 and at.query_params["tour"] == "chronology"
    assert chronology.steps[3].event.title in html_of(at, "tour-place tour-event")
    link = next(m.value for m in at.markdown if "Link to this step" in m.value)
    assert "Classroom_tour?tour=chronology&amp;step=4" in link
    at.toggle(key="tour-qr").set_value(True).run()
    assert "Classroom_tour?tour=chronology&amp;step=4" in html_of(at, "tour-qr")


def test_an_event_step_highlights_every_place_of_the_event(chronology):
    number = next(n for n, s in enumerate(chronology.steps, 1) if s.event.slug == "ibadoglu-imprisoned")
    at = run_tour("chronology", str(number))
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["feature_group"]
    # The default atlas's map draws its places from static/atlas/places.js: a highlight names them.
    assert 'AtlasPlaces.highlight(map_div, ["azerbaijan", "london"])' in script


@pytest.mark.parametrize("value", ["chronologie", HOSTILE, "x" * 300])
def test_an_unknown_or_hostile_tour_gives_a_notice_and_the_first_tour(value):
    at = run_tour(value, "2")
    assert at.warning and "tour" in at.warning[0].value and "<" not in at.warning[0].value
    assert "tour" not in at.query_params and at.query_params["step"] == "2"
    assert "tour-event" not in " ".join(m.value for m in at.markdown)
    for m in at.markdown:
        assert "<script" not in m.value.lower()


def test_the_first_tour_drops_a_tour_parameter_that_names_it():
    at = run_tour("places", "2")
    assert "tour" not in at.query_params and not at.warning and shown_step(at) == 2
