"""The classroom tour: its data file, step links, QR codes, the handout, and the page under AppTest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from geo.atlas import load_atlas
from geo.errors import DataError
from geo.tour import (
    TOUR_FILE_NAME,
    Step,
    counter_text,
    default_steps,
    load_tour,
    names_html,
    note_html,
    parse_tour,
    passage_html,
    read_step_param,
    step_link,
)

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "1_Classroom_tour.py")
HOSTILE = "<script>alert(1)</script>"


# --- the data file ---------------------------------------------------------------------


def test_the_shipped_tour_loads_and_follows_the_article(atlas):
    tour = load_tour(atlas)
    assert len(tour) >= 10
    order = [p.slug for p in atlas.places]
    slugs = [s.slug for s in tour.steps]
    assert slugs == sorted(slugs, key=order.index), "the shipped storyline keeps the article's order"
    assert all(s.passage is not None for s in tour.steps)


def test_what_the_file_header_promises_a_teacher_works(atlas, data_copy):
    """tour.yaml tells a teacher to reorder, drop or repeat steps, or delete `steps`: each does what it says."""
    path = data_copy / TOUR_FILE_NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    shipped = [s["place"] for s in data["steps"]]
    data["steps"] = [*reversed(data["steps"][1:]), {"place": "stepanakert", "passage": 2}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    edited = load_tour(atlas, path)
    assert [s.slug for s in edited.steps] == [*reversed(shipped[1:]), "stepanakert"]
    assert edited.steps[-1].passage == atlas.passages["stepanakert"][1]
    del data["steps"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_tour(atlas, path).steps == default_steps(atlas)


def test_the_tour_is_read_from_the_atlas_data_folder(data_copy, monkeypatch):
    """ATLAS_DATA_DIR moves the tour with the rest of the data."""
    (data_copy / TOUR_FILE_NAME).write_text("title: Another folder\nsteps: [baku, armenia]\n", encoding="utf-8")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    tour = load_tour(load_atlas())
    assert tour.title == "Another folder"
    assert [s.slug for s in tour.steps] == ["baku", "armenia"]
    (data_copy / TOUR_FILE_NAME).unlink()
    assert load_tour(load_atlas(data_copy)).title == "Classroom tour"


def test_default_steps_are_the_mentioned_places_in_article_order(atlas):
    steps = default_steps(atlas)
    assert [s.slug for s in steps] == [p.slug for p in atlas.places if atlas.passages[p.slug]]
    assert all(s.passage == atlas.passages[s.slug][0] and s.passage_number == 1 for s in steps)
    assert len(parse_tour({"title": "T"}, atlas).steps) == len(steps)
    assert load_tour(atlas, Path("/nonexistent/tour.yaml")).steps == steps


def test_a_teacher_can_reorder_drop_and_choose_passages(atlas):
    tour = parse_tour(
        {"steps": [{"place": "stepanakert", "passage": 2, "note": "Two names"}, "baku", {"place": "armenia"}]},
        atlas,
    )
    assert [s.slug for s in tour.steps] == ["stepanakert", "baku", "armenia"]
    assert tour.steps[0].passage == atlas.passages["stepanakert"][1]
    assert tour.steps[0].note == "Two names"
    assert tour.steps[1].note is None


@pytest.mark.parametrize(
    ("data", "entry", "field"),
    [
        ([1, 2], None, None),
        ({"steps": "baku"}, None, "steps"),
        ({"steps": []}, None, "steps"),
        ({"title": ""}, None, "title"),
        ({"stepz": []}, None, "stepz"),
        ({"steps": [{"passage": 1}]}, "step 1", "place"),
        ({"steps": ["baku", {"place": "atlantis"}]}, "step 2 (atlantis)", "place"),
        ({"steps": [{"place": "baku", "passage": 99}]}, "step 1 (baku)", "passage"),
        ({"steps": [{"place": "baku", "passage": 0}]}, "step 1 (baku)", "passage"),
        ({"steps": [{"place": "baku", "passage": "two"}]}, "step 1 (baku)", "passage"),
        ({"steps": [{"place": "baku", "note": ""}]}, "step 1 (baku)", "note"),
        ({"steps": [{"place": "baku", "note": "x" * 700}]}, "step 1 (baku)", "note"),
        ({"steps": [{"place": "baku", "colour": "red"}]}, "step 1", "colour"),
        ({"steps": [{"place": "baku", "nots": "x"}]}, "step 1", "nots"),
        ({"steps": [{"place": "lachin-corridor", "passage": 1}]}, "step 1 (lachin-corridor)", "passage"),
        ({"steps": [42]}, "step 1", None),
    ],
)
def test_bad_tour_data_names_file_entry_and_field(atlas, assert_data_error, data, entry, field):
    with pytest.raises(DataError) as err:
        parse_tour(data, atlas)
    assert_data_error(err.value, "tour.yaml", entry, field)


def test_broken_yaml_file_is_a_data_error(atlas, tmp_path):
    path = tmp_path / "tour.yaml"
    path.write_text("steps:\n  - place: [baku\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tour\.yaml: invalid YAML at line"):
        load_tour(atlas, path)
    path.write_text(yaml.safe_dump({"steps": [{"place": "nowhere"}]}), encoding="utf-8")
    with pytest.raises(DataError, match="nowhere"):
        load_tour(atlas, path)


# --- step links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "index", "has_notice"),
    [
        (None, 0, False),
        ("", 0, False),
        ([], 0, False),
        ("1", 0, False),
        ("3", 2, False),
        (" 3 ", 2, False),
        (["2", "5"], 4, False),
        ("12", 11, False),
        ("0", 0, True),
        ("-1", 0, True),
        ("13", 11, True),
        ("999", 11, True),
        ("9" * 500, 0, True),
        ("abc", 0, True),
        ("3.5", 0, True),
        ("٣", 0, True),  # an Arabic-Indic digit: isdigit() but not a step number
        (HOSTILE, 0, True),
        ("3<script>", 0, True),
    ],
)
def test_read_step_param_never_raises(raw, index, has_notice):
    got, notice = read_step_param(raw, 12)
    assert got == index
    assert (notice is not None) == has_notice
    if notice:
        assert "<" not in notice and "script" not in notice


def test_read_step_param_without_steps():
    assert read_step_param("1", 0) == (0, "This tour has no steps.")


def test_step_link_and_counter():
    assert step_link("http://localhost:8501/Classroom_tour?step=2&x=1#top", 3) == (
        "http://localhost:8501/Classroom_tour?step=3"
    )
    assert step_link("https://example.org", 1) == "https://example.org/?step=1"
    assert counter_text(2, 12) == "3 / 12"


def test_qr_svg_is_local_and_large():
    from geo.qr import qr_data_uri, qr_svg

    svg = qr_svg("http://localhost:8501/Classroom_tour?step=3", title=HOSTILE)
    assert svg.startswith("<svg ") and 'viewBox="0 0 ' in svg
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width >= 290
    assert "<script>" not in svg and "http" not in svg.split(">", 1)[0]
    assert qr_data_uri("x").startswith("data:image/svg+xml;base64,")


# --- escaping --------------------------------------------------------------------------


def _hostile_step(atlas) -> Step:
    from dataclasses import replace

    place = replace(atlas.by_slug["baku"], name=HOSTILE)
    passage = atlas.passages["baku"][0]
    passage = replace(passage, paragraph=HOSTILE + passage.paragraph, sentence_start=passage.sentence_start)
    sentence = HOSTILE + " " + passage.sentence
    passage = replace(passage, sentence=sentence, sentence_start=0, paragraph=sentence, spans=((0, len(HOSTILE)),))
    return Step(place, passage, 1, note=HOSTILE)


def test_passage_note_and_names_html_escape_a_script(atlas):
    step = _hostile_step(atlas)
    for fragment in (passage_html(step), note_html(step)):
        assert "<script>" not in fragment
        assert "&lt;script&gt;" in fragment
    assert "<mark>&lt;script&gt;" in passage_html(step)
    from dataclasses import replace

    from geo.gazetteer import OtherName

    place = replace(atlas.by_slug["baku"], other_names=(OtherName(HOSTILE, HOSTILE),))
    assert "<script>" not in names_html(place) and "&lt;script&gt;" in names_html(place)
    assert note_html(Step(place, None, 0)) == ""
    assert "<script>" not in passage_html(Step(place, None, 0))


def test_handout_is_offline_escaped_and_printable(atlas):
    from geo.handout import handout_html
    from geo.tour import Tour

    step = _hostile_step(atlas)
    tour = Tour(HOSTILE, (step, *default_steps(atlas)[:2]))
    page = handout_html(atlas, tour, base_url="http://localhost:8501/Classroom_tour", notes=True)
    assert page.startswith("<!doctype html>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert "@media print" in page and "@page" in page and "break-inside: avoid" in page
    assert page.count("data:image/png;base64,") == 3
    # nothing to fetch: every src is a data URI, and no stylesheet or script is linked
    assert not re.search(r'src="(?!data:)', page)
    assert "<link" not in page
    assert "http://localhost:8501/Classroom_tour?step=2" in page


def test_locator_png_is_a_png(atlas):
    from geo.handout import locator_png

    for slug in ("stepanakert", "zangezur-corridor", "russian-peacekeepers-zone", "russia"):
        png = locator_png(atlas, atlas.by_slug[slug])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


# --- the page, headless ----------------------------------------------------------------


def run_page(step=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if step is not None:
        at.query_params["step"] = step
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_of(at: AppTest, css_class: str) -> str:
    return next(m.value for m in at.markdown if f'class="{css_class}"' in m.value)


def shown_step(at: AppTest) -> int:
    return int(re.search(r'data-step="(\d+)"', html_of(at, "tour-passage")).group(1))


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
    assert at.button(key="tour-prev").disabled and at.button(key="tour-first").disabled
    assert not at.button(key="tour-next").disabled


def test_next_and_previous_move_one_step_and_keep_the_link(tour):
    at = run_page()
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 2 and at.query_params["step"] == "2"
    assert tour.steps[1].place.name in html_of(at, "tour-place")
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 3
    at.button(key="tour-prev").click().run()
    assert shown_step(at) == 2 and counter_of(at) == f"2 / {len(tour)}"
    at.button(key="tour-last").click().run()
    assert shown_step(at) == len(tour) and at.button(key="tour-next").disabled
    at.button(key="tour-first").click().run()
    assert shown_step(at) == 1


def test_step_link_round_trip(tour):
    at = run_page("3")
    assert shown_step(at) == 3 and counter_of(at) == f"3 / {len(tour)}"
    assert not at.warning
    step = tour.steps[2]
    assert passage_html(step) in html_of(at, "tour-passage")
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
    assert note_html(tour.steps[2]) in [m.value for m in at.markdown]
    at.toggle(key="tour-qr").set_value(True).run()
    qr = html_of(at, "tour-qr")
    assert "data:image/svg+xml;base64," in qr and "Classroom_tour?step=3" in qr
    at.toggle(key="tour-contrast").set_value(True).run()
    assert any("#ffe14d" in m.value for m in at.markdown)
    # the toggles survive moving on
    at.button(key="tour-next").click().run()
    assert shown_step(at) == 4 and at.toggle(key="tour-notes").value


def test_handout_download_is_offered():
    at = run_page()
    buttons = at.get("download_button")
    assert buttons, "a download button for the handout"
    assert "handout" in buttons[0].proto.label.lower()
