"""Writing a storyline (geo/atlas/storyline.py) and the step fields it writes (geo/atlas/tours.py):
the draft's edits and undo, the file's round trip, the limits, and every bad input an import may bring.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from geo.atlas import storyline as sl
from geo.atlas.events import load_events
from geo.atlas.storyline import MAX_FILE_BYTES, MAX_STEPS, Draft, DraftStep, read_storyline, storyline_yaml
from geo.atlas.tours import STEP_FIELDS, View, load_tour, parse_tour
from geo.errors import DataError
from geo.render.templating import render
from geo.render.view_models import atlas_view, step_views

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def events(atlas):
    return load_events(atlas)


def three(atlas) -> Draft:
    """A storyline with a passage, a question and a captured map view, built one edit at a time."""
    second = atlas.passages["stepanakert"][1] if len(atlas.passages["stepanakert"]) > 1 else None
    draft = Draft().retitled("  My   tour ")
    draft = draft.added(DraftStep.of(place="stepanakert", passage=2 if second else None))
    draft = draft.added(DraftStep.of(place="nakhchivan", text="Where does this road run? Why does it matter?"))
    return draft.added(DraftStep.of(event="exodus", view={"lat": 39.8, "lon": 46.7, "zoom": 9}, also=["turkey"]))


# --- the draft's edits -------------------------------------------------------------------------


def test_every_edit_returns_a_new_draft_and_undo_walks_back(atlas):
    draft = three(atlas)
    assert draft.title == "My tour"
    assert [s.subject for s in draft.steps] == [
        ("place", "stepanakert"),
        ("place", "nakhchivan"),
        ("event", "exodus"),
    ]
    moved = draft.moved(2, 0)
    assert [s.subject[1] for s in moved.steps] == ["exodus", "stepanakert", "nakhchivan"]
    assert [s.subject[1] for s in draft.steps] == ["stepanakert", "nakhchivan", "exodus"], "unchanged"
    copied = moved.duplicated(0)
    assert [s.subject[1] for s in copied.steps] == ["exodus", "exodus", "stepanakert", "nakhchivan"]
    gone = copied.deleted(3)
    assert len(gone) == 3
    noted = gone.changed(2, note="Ask first.", text=None)
    assert noted.steps[2].get("note") == "Ask first."
    assert noted.undo() == gone and noted.undo().undo() == copied and copied.undo() == moved
    assert noted.undo().undo().undo().undo() == draft
    assert Draft().undo() == Draft() and not Draft().can_undo


def test_an_edit_that_changes_nothing_is_not_remembered(atlas):
    draft = three(atlas)
    assert draft.moved(0, 0) is draft and draft.retitled("My tour") is draft


def test_moves_stay_within_the_storyline_and_bad_indexes_are_refused(atlas):
    draft = three(atlas)
    assert draft.moved(0, 99).steps[-1].subject[1] == "stepanakert"
    assert draft.moved(2, -5).steps[0].subject[1] == "exodus"
    for edit in (lambda: draft.deleted(3), lambda: draft.duplicated(-1), lambda: draft.changed(5, note="x")):
        with pytest.raises(IndexError):
            edit()


def test_undo_remembers_a_bounded_number_of_edits():
    draft = Draft()
    for i in range(sl.MAX_UNDO + 20):
        draft = draft.retitled(f"title {i}")
    assert len(draft.before) == sl.MAX_UNDO


def test_a_field_the_file_does_not_know_is_refused_and_fields_keep_the_files_order():
    step = DraftStep.of(also=["armenia"], place="baku", note="n")
    assert [k for k, _ in step.fields] == ["place", "note", "also"]
    assert [k for k, _ in step.fields] == [k for k in STEP_FIELDS if k in dict(step.fields)]
    with pytest.raises(ValueError):
        step.with_fields(colour="red")


def test_changing_a_steps_subject_drops_its_passage():
    step = DraftStep.of(place="baku", passage=2, note="kept")
    moved = sl.with_subject(step, "event", "exodus")
    assert moved.data() == {"event": "exodus", "note": "kept"}
    assert sl.with_subject(moved, "place", "armenia").data() == {"place": "armenia", "note": "kept"}


# --- the file: round trip --------------------------------------------------------------------


def test_download_then_import_gives_the_same_storyline(atlas, events):
    draft = three(atlas)
    tour = sl.checked(draft, atlas, events, "mine")
    text = storyline_yaml(draft)
    again, tour_again = read_storyline(text.encode(), atlas, events, "mine")
    assert again.steps == draft.steps and again.title == draft.title
    assert tour_again.key() == tour.key()
    assert tour.steps[1].passage is not None and tour.steps[1].text.startswith("Where does this road run?")
    assert tour.steps[2].view == View(39.8, 46.7, 9) and tour.steps[2].places[-1] == "turkey"


@pytest.mark.parametrize("name", ["places", "chronology"])
def test_the_shipped_storylines_round_trip_through_the_editor(atlas, events, name):
    tour = load_tour(atlas, name=name)
    title, steps = sl.from_tour(tour)
    draft = Draft().replaced(title, steps)
    again, tour_again = read_storyline(storyline_yaml(draft), atlas, events, name)
    assert again.steps == draft.steps and tour_again.key() == tour.key()


def test_the_downloaded_file_is_one_python_m_geo_check_accepts(atlas, tmp_path):
    """Dropped into a data folder as tour.yaml, the file becomes the atlas's storyline."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(atlas.data_dir, data)
    (data / "tour.yaml").write_text(storyline_yaml(three(atlas)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "geo", "--data", str(data), "check"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tour.yaml             3 steps" in done.stdout


def test_every_place_and_every_event_start_a_storyline_the_tour_accepts(atlas, events):
    for title, steps in (sl.every_place(atlas), sl.every_event(events)):
        tour = sl.checked(Draft().replaced(title, steps), atlas, events, "mine")
        assert len(tour) == len(steps) > 3
    assert [s.get("event") for s in sl.every_event(events)[1]] == [e.slug for e in events]


def test_passage_none_shows_no_passage_and_the_step_page_shows_the_text(atlas, events):
    draft = Draft().added(DraftStep.of(place="baku", passage="none", text="Find it on the map."))
    tour = sl.checked(draft, atlas, events, "mine")
    assert tour.steps[0].passage is None
    (step,) = step_views(atlas_view(atlas), tour)
    html = render("tour_step.html", step=step, notes=False)
    assert "Find it on the map." in html and "does not name" not in html


# --- limits and bad input --------------------------------------------------------------------


def test_an_empty_storyline_is_refused_with_a_message(atlas, events, assert_data_error):
    with pytest.raises(DataError) as caught:
        sl.checked(Draft(), atlas, events, "mine")
    assert_data_error(caught.value, "storyline.yaml", None, "steps")
    for text in ("", "title: x\n", "title: x\nsteps: []\n", "- baku\n"):
        with pytest.raises(DataError):
            read_storyline(text, atlas, events, "mine")


def test_a_storyline_holds_at_most_max_steps(atlas, events, assert_data_error):
    draft = Draft().replaced("long", [DraftStep.of(place="baku")] * MAX_STEPS)
    with pytest.raises(DataError) as caught:
        draft.added(DraftStep.of(place="baku"))
    assert_data_error(caught.value, "storyline.yaml", None, "steps")
    with pytest.raises(DataError):
        draft.duplicated(0)
    text = yaml.safe_dump({"title": "x", "steps": ["baku"] * 300})
    with pytest.raises(DataError) as caught:
        read_storyline(text, atlas, events, "mine")
    assert "at most 100 steps, this one 300" in str(caught.value)


@pytest.mark.parametrize(
    ("step", "entry", "field"),
    [
        ({"place": "atlantis"}, "step 2 (atlantis)", "place"),
        ({"event": "moon-landing"}, "step 2 (moon-landing)", "event"),
        ({"place": "baku", "passage": 99}, "step 2 (baku)", "passage"),
        ({"place": "baku", "passage": "first"}, "step 2 (baku)", "passage"),
        ({"place": "baku", "also": ["atlantis"]}, "step 2 (baku)", "also[1]"),
        ({"place": "baku", "also": "armenia"}, "step 2 (baku)", "also"),
        ({"place": "baku", "view": {"lat": 91, "lon": 0, "zoom": 5}}, "step 2 (baku)", "view.lat"),
        ({"place": "baku", "view": {"lat": 40, "lon": 47, "zoom": 40}}, "step 2 (baku)", "view.zoom"),
        ({"place": "baku", "view": {"lat": 40, "lon": 47}}, "step 2 (baku)", "view.zoom"),
        ({"place": "baku", "view": {"lat": 40, "lon": 47, "zoom": 5, "tilt": 3}}, "step 2 (baku)", "view.tilt"),
        ({"place": "baku", "view": [40, 47, 5]}, "step 2 (baku)", "view"),
        ({"place": "baku", "text": "x" * 601}, "step 2 (baku)", "text"),
        ({"place": "baku", "note": ""}, "step 2 (baku)", "note"),
        ({"place": "baku", "colour": "red"}, "step 2", "colour"),
        ({"place": "baku", "event": "exodus"}, "step 2", "place"),
    ],
)
def test_every_bad_step_names_its_step_and_field(atlas, events, assert_data_error, step, entry, field):
    text = yaml.safe_dump({"title": "x", "steps": [{"place": "armenia"}, step]})
    with pytest.raises(DataError) as caught:
        read_storyline(text, atlas, events, "mine")
    assert_data_error(caught.value, "storyline.yaml", entry, field)


def test_unknown_top_level_keys_are_refused(atlas, events, assert_data_error):
    with pytest.raises(DataError) as caught:
        read_storyline("title: x\nstep:\n  - baku\n", atlas, events, "mine")
    assert_data_error(caught.value, "storyline.yaml", None, "step")
    assert "did you mean 'steps'" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "title: &t x\nsteps:\n  - baku\n",
        "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",  # the start of a billion laughs
        "steps:\n  - &s {place: baku}\n  - *s\n",
    ],
)
def test_anchors_and_aliases_are_refused_before_anything_is_built(atlas, events, text):
    with pytest.raises(DataError, match="anchors and aliases"):
        read_storyline(text, atlas, events, "mine")


def test_a_yaml_bomb_is_refused_at_once(atlas, events):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    with pytest.raises(DataError, match="anchors and aliases"):
        read_storyline("\n".join(lines), atlas, events, "mine")


def test_huge_deep_or_malformed_files_are_refused(atlas, events):
    with pytest.raises(DataError, match="too large"):
        read_storyline(b"#" * (MAX_FILE_BYTES + 1), atlas, events, "mine")
    with pytest.raises(DataError, match="nested more than"):
        read_storyline("steps: " + "[" * 5000 + "]" * 5000, atlas, events, "mine")
    with pytest.raises(DataError, match="invalid YAML at line 3"):
        read_storyline("title: x\nsteps: [baku\n", atlas, events, "mine")
    with pytest.raises(DataError, match="not UTF-8"):
        read_storyline(b"title: \xff\xfe\n", atlas, events, "mine")
    with pytest.raises(DataError):
        read_storyline("!!python/object:os.system ls", atlas, events, "mine")


def test_hostile_text_in_every_field_is_shown_escaped(atlas, events):
    draft = Draft().retitled(HOSTILE)
    draft = draft.added(DraftStep.of(place="baku", text=HOSTILE, note=HOSTILE))
    draft = draft.added(DraftStep.of(event="exodus", text=HOSTILE, note=HOSTILE))
    again, tour = read_storyline(storyline_yaml(draft), atlas, events, "mine")
    assert again.title == HOSTILE
    from geo.atlas.events import load_events as events_of
    from geo.render.view_models import timeline_view

    views = step_views(atlas_view(atlas), tour, timeline_view(atlas, events_of(atlas)))
    for step in views:
        html = render("tour_step.html", step=step, notes=True)
        assert HOSTILE not in html and html.count("&lt;script&gt;") == 2
    for bad in ({"place": HOSTILE}, {"event": HOSTILE}, {"place": "baku", "also": [HOSTILE]}):
        with pytest.raises(DataError) as caught:
            read_storyline(yaml.safe_dump({"steps": [bad]}), atlas, events, "mine")
        assert "no place" in str(caught.value) or "no event" in str(caught.value)


def test_a_long_hostile_slug_is_echoed_short(atlas, events):
    with pytest.raises(DataError) as caught:
        read_storyline(yaml.safe_dump({"steps": [{"place": "x" * 5000}]}), atlas, events, "mine")
    assert len(str(caught.value)) < 300


def test_the_shipped_tour_still_parses_with_the_new_fields_optional(atlas, events):
    raw = yaml.safe_load((atlas.data_dir / "tour.yaml").read_text(encoding="utf-8"))
    tour = parse_tour(raw, atlas)
    assert all(s.text is None and s.view is None and s.also == () for s in tour.steps)


def test_an_atlas_storyline_keeps_its_question_steps_when_it_starts_a_draft(atlas):
    tour = load_tour(atlas)
    asked = [n for n, step in enumerate(tour.steps) if step.kind == "question"]
    assert asked, "data/tour.yaml has a question step"
    _, steps = sl.from_tour(tour)
    assert [n for n, step in enumerate(steps) if step.get("kind") == "question"] == asked
    assert all(step.get("kind") is None for n, step in enumerate(steps) if n not in asked)
