"""The classroom tour (geo/atlas/tours.py): its data file, step links and the fragments a step shows.

The page itself is tested in test_tour_page.py, the handout in test_handout.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from geo.atlas.loader import load_atlas
from geo.atlas.tours import (
    TOUR_FILE_NAME,
    TOURS,
    default_steps,
    load_tour,
    parse_tour,
    read_step_param,
    read_tour_param,
    step_link,
    storylines,
)
from geo.errors import DataError

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
        ({"steps": [{"place": "baku", "kind": "quiz"}]}, "step 1 (baku)", "kind"),
        (
            {"steps": [{"place": "russian-peacekeepers-zone", "kind": "question"}]},
            "step 1 (russian-peacekeepers-zone)",
            "kind",
        ),
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


# --- the chronology ----------------------------------------------------------------------


def test_the_chronology_steps_through_the_events_in_date_order(atlas):
    from geo.atlas.events import load_events

    tour = load_tour(atlas, name="chronology")
    assert tour.name == "chronology" and "September" in tour.title
    events = [e.slug for e in load_events(atlas)]
    slugs = [s.event.slug for s in tour.steps]
    assert slugs == sorted(slugs, key=events.index), "the shipped chronology keeps the date order"
    assert len(slugs) == len(events)
    first = tour.steps[0]
    assert first.passage == first.event.quote.passage and first.place.slug == first.event.places[0]
    assert first.places == first.event.places and first.passage_number == 0
    assert len({s.key() for s in tour.steps}) == len(tour)


def test_a_tour_may_mix_places_and_events(atlas):
    tour = parse_tour({"steps": ["baku", {"event": "exodus", "note": "End here."}]}, atlas)
    assert [s.slug for s in tour.steps] == ["baku", "nagorno-karabakh"]
    assert tour.steps[0].event is None and tour.steps[1].event.slug == "exodus"
    assert tour.steps[1].note == "End here." and tour.steps[0].places == ("baku",)


def test_a_step_may_ask_the_class_where_its_place_or_event_is(atlas):
    tour = parse_tour(
        {"steps": ["baku", {"place": "nakhchivan", "kind": "question"}, {"event": "exodus", "kind": "question"}]}, atlas
    )
    assert [s.kind for s in tour.steps] == ["show", "question", "question"]
    assert tour.steps[1].key() != parse_tour({"steps": ["nakhchivan"]}, atlas).steps[0].key()
    assert any(s.kind == "question" for s in load_tour(atlas).steps)


@pytest.mark.parametrize(
    ("steps", "entry", "field"),
    [
        ([{"event": "moon-landing"}], "step 1 (moon-landing)", "event"),
        ([{"event": ""}], "step 1", "event"),
        ([{"event": "exodus", "place": "baku"}], "step 1", "place"),
        ([{"event": "exodus", "passage": 2}], "step 1", "passage"),
        ([{"event": "exodus", "note": ""}], "step 1 (exodus)", "note"),
        ([{"event": "exodus", "evnt": "x"}], "step 1", "evnt"),
    ],
)
def test_bad_event_steps_name_file_entry_and_field(atlas, assert_data_error, steps, entry, field):
    with pytest.raises(DataError) as err:
        parse_tour({"steps": steps}, atlas, "tour-chronology.yaml", "chronology")
    assert_data_error(err.value, "tour-chronology.yaml", entry, field)


@pytest.mark.parametrize(
    ("raw", "name", "has_notice"),
    [
        (None, "places", False),
        ("", "places", False),
        ("chronology", "chronology", False),
        (" Chronology ", "chronology", False),
        (["places", "chronology"], "chronology", False),
        ("places", "places", False),
        ("chronologie", "places", True),
        (HOSTILE, "places", True),
        ("x" * 500, "places", True),
    ],
)
def test_read_tour_param_never_raises(raw, name, has_notice):
    got, notice = read_tour_param(raw)
    assert got == name and got in TOURS
    assert (notice is not None) == has_notice
    if notice:
        assert "<" not in notice and "script" not in notice and "the first tour is shown" in notice


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
    assert step_link("https://example.org/Classroom_tour?step=9", 3, "chronology") == (
        "https://example.org/Classroom_tour?tour=chronology&step=3"
    )
    assert step_link("https://example.org/Classroom_tour", 3, "places") == "https://example.org/Classroom_tour?step=3"


# --- escaping --------------------------------------------------------------------------


def test_the_chronology_is_offered_only_to_an_atlas_with_events(atlas):
    from geo.atlas.events import load_events

    assert storylines(load_events(atlas)) == tuple(TOURS)
    assert storylines(()) == ("places",)
    name, notice = read_tour_param("chronology", storylines(()))
    assert name == "places" and notice and "first tour" in notice
    assert read_tour_param("places", storylines(())) == ("places", None)
