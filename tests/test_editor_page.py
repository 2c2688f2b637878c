"""The page Make a tour (geo/app/editor.py) and a teacher's own storyline on the Classroom tour
(geo/app/own_tours.py), run headless with Streamlit's AppTest."""

from __future__ import annotations

import re

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from geo.app.editor import map_view
from geo.app.source import DEFAULT
from geo.atlas.events import load_events
from geo.atlas.storyline import Draft, DraftStep, checked, storyline_yaml
from geo.geoparser.saved_tours import change_tour, save_tour
from geo.paths import PAGES_DIR
from tests.apptest import run_script

PAGE = str(PAGES_DIR / "4_Make_a_tour.py")
TOUR_PAGE = str(PAGES_DIR / "1_Classroom_tour.py")
HOSTILE = "<script>alert(1)</script>"


def picks(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("story-pick-")]


def shown(at: AppTest, css_class: str) -> str:
    return next(m.value for m in at.markdown if f'class="{css_class}"' in m.value)


def the_draft(at: AppTest) -> Draft:
    return at.session_state["story-drafts"][DEFAULT]


def started(start: str = "blank") -> AppTest:
    at = run_script(PAGE)
    at.selectbox(key="story-start").set_value(start)
    at.button(key="story-start-go").click().run()
    assert not at.exception
    return at


def add(at: AppTest, subject: str) -> None:
    at.selectbox(key="story-add").set_value(subject)
    at.button(key="story-add-go").click().run()
    assert not at.exception


def test_a_first_visit_offers_the_starts_and_no_download_yet():
    at = run_script(PAGE)
    assert set(at.selectbox(key="story-start").options) >= {"A blank storyline", "Every place, in the article's order"}
    assert not picks(at)
    assert not [b for b in at.button if b.key in ("story-go", "story-up")], "nothing to run or move yet"


def test_build_a_storyline_with_a_passage_a_question_and_a_view_then_reorder_and_undo():
    at = started()
    add(at, "place:stepanakert")
    at.radio(key="story-passage").set_value(2).run()
    add(at, "place:nakhchivan")
    at.text_area(key="story-text").input("Where is Nakhchivan? " + HOSTILE).run()
    add(at, "event:exodus")
    at.session_state["story-last-view"] = {"lat": 39.8, "lon": 46.7, "zoom": 9}  # as the map reports it
    at.button(key="story-use-view").click().run()
    assert picks(at) == ["1. Stepanakert", "2. Nakhchivan", picks(at)[2]] and picks(at)[2].startswith("3. ")
    draft = the_draft(at)
    assert draft.steps[0].get("passage") == 2
    assert dict(draft.steps[2].get("view")) == {"lat": 39.8, "lon": 46.7, "zoom": 9}
    # The question is shown to the class, escaped.
    at.button(key="story-pick-1").click().run()
    text = shown(at, "tour-place")
    assert "Where is Nakhchivan? &lt;script&gt;" in text and HOSTILE not in text
    # Reorder with the buttons, and undo.
    at.button(key="story-up").click().run()
    assert picks(at)[:2] == ["1. Nakhchivan", "2. Stepanakert"]
    at.button(key="story-undo").click().run()
    assert picks(at)[:2] == ["1. Stepanakert", "2. Nakhchivan"]
    at.button(key="story-pick-0").click().run()
    at.button(key="story-duplicate").click().run()
    at.button(key="story-delete").click().run()
    assert len(picks(at)) == 3
    assert at.button(key="story-go")


def test_nothing_typed_is_lost_when_the_fields_are_not_drawn():
    """A page switch drops the widgets' own state, keeping only keys no widget has (AppTest keeps it all,
    so a new session given only those stands in for it): the draft fills the fields again."""
    before = started("places")
    before.text_area(key="story-note").input("Ask what they know.").run()
    before.text_input(key="story-title").input("Six places").run()
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key in ("story-drafts", "story-selected"):
        at.session_state[key] = before.session_state[key]
    at.run()
    assert at.text_area(key="story-note").value == "Ask what they know."
    assert at.text_input(key="story-title").value == "Six places"


def fields(at: AppTest) -> tuple[str, str, str]:
    return (
        at.selectbox(key="story-subject").value,
        at.text_area(key="story-text").value,
        at.text_area(key="story-note").value,
    )


def drawn(at: AppTest) -> int:
    """The number of the run whose fields the browser holds: the hidden field the page hands it with them."""
    return at.number_input(key="story-drawn").value


def send(at: AppTest, shown: tuple[str, str, str], run: int, pick: int | None = None) -> None:
    """A rerun asked by a browser that still shows the fields `shown` of the run `run` (it has not yet
    received what the page gave them since), with a click on step `pick` or none (the preview map's
    report): it sends those values, and that run's number, as they were."""
    subject, text, note = shown
    at.selectbox(key="story-subject").set_value(subject)
    at.text_area(key="story-text").input(text)
    at.text_area(key="story-note").input(note)
    at.number_input(key="story-drawn").set_value(run)
    if pick is not None:
        at.button(key=f"story-pick-{pick}").click()
    at.run()
    assert not at.exception


def test_values_a_browser_sends_before_it_has_the_new_step_are_not_written_into_it():
    at = started()
    for subject, text, note in [("place:stepanakert", "one", "note one"), ("place:nakhchivan", "two", "note two")]:
        add(at, subject)
        at.text_area(key="story-text").input(text).run()
        at.text_area(key="story-note").input(note).run()
    one, two = ("place:stepanakert", "one", "note one"), ("place:nakhchivan", "two", "note two")
    on_two = drawn(at)
    at.button(key="story-pick-0").click().run()
    on_one = drawn(at)
    send(at, two, on_two)  # the preview map of step 2 reports its view before the browser has step 1's fields
    assert fields(at) == one, "given again"
    send(at, two, on_two, 1)  # still showing step 2, the browser asks for it again
    on_two = drawn(at)
    send(at, one, on_one)  # it has received step 1 meanwhile, and step 1's map reports its view
    send(at, one, on_one, 0)  # then it asks for step 1 again
    send(at, two, on_two, 1)  # it has received step 2 by now
    assert fields(at) == two
    assert [(s.subject[1], s.get("text"), s.get("note")) for s in the_draft(at).steps] == [
        ("stepanakert", "one", "note one"),
        ("nakhchivan", "two", "note two"),
    ]
    at.run()  # caught up: the browser sends what it was given
    at.text_area(key="story-text").input("one").run()
    assert the_draft(at).steps[1].get("text") == "one", "typed after catching up: written, even as step 1's text"


def texts(at: AppTest) -> list[str | None]:
    return [s.get("text") for s in the_draft(at).steps]


def test_a_value_set_to_the_step_befores_at_once_is_written_and_its_echo_is_not():
    """A teacher who sets a field to the previous step's value on purpose, before any other rerun: kept.
    The same value sent with the number of a run before the page gave the field the new step's (the
    browser had not received it) is an echo, not written; typed over that older drawing, it goes into
    the step that drawing showed."""
    at = started()
    add(at, "place:stepanakert")
    at.text_area(key="story-text").input("one").run()
    at.checkbox(key="story-question").check().run()
    add(at, "place:nakhchivan")
    at.text_area(key="story-text").input("two").run()
    at.button(key="story-pick-0").click().run()
    at.text_area(key="story-text").input("two").run()
    assert texts(at) == ["two", "two"], "chosen at once in the drawing of step 1: written into step 1"
    at.button(key="story-pick-1").click().run()
    assert at.checkbox(key="story-question").value is False
    at.checkbox(key="story-question").check().run()
    assert [s.get("kind") for s in the_draft(at).steps] == ["question", "question"]
    at.text_area(key="story-text").input("three").run()
    on_two = drawn(at)
    at.button(key="story-pick-0").click().run()
    at.text_area(key="story-text").input("three")
    at.number_input(key="story-drawn").set_value(on_two).run()
    assert texts(at) == ["two", "three"] and at.text_area(key="story-text").value == "two", "an echo, given again"
    on_one = drawn(at)
    at.button(key="story-pick-1").click().run()
    at.text_area(key="story-text").input("typed on step 1")
    at.number_input(key="story-drawn").set_value(on_one).run()
    assert texts(at) == ["typed on step 1", "three"], "typed before the browser had step 2: into step 1"
    assert at.text_area(key="story-text").value == "three"
    # Quick clicks to step 1, step 2 and step 1 again, each sent before the browser had the one before;
    # then, still on the first drawing of step 1, the teacher types step 2's text into it: not an echo
    # (that drawing showed step 1's text), so step 1 gets it.
    at.button(key="story-pick-0").click().run()
    on_one = drawn(at)
    for pick in (1, 0):
        at.number_input(key="story-drawn").set_value(on_one)
        at.button(key=f"story-pick-{pick}").click().run()
    at.text_area(key="story-text").input("three")
    at.number_input(key="story-drawn").set_value(on_one).run()
    assert texts(at) == ["three", "three"]


def test_a_checkbox_set_back_to_another_steps_value_once_the_browser_has_the_step_is_kept():
    at = started()
    add(at, "place:stepanakert")
    at.checkbox(key="story-question").check().run()
    add(at, "place:nakhchivan")
    assert at.checkbox(key="story-question").value is False
    at.run()  # any run in which the browser sends the value it was given (the preview map's report)
    at.checkbox(key="story-question").check().run()
    assert [s.get("kind") for s in the_draft(at).steps] == ["question", "question"]


def test_a_limit_or_a_bad_step_is_a_message_and_loses_nothing():
    at = started()
    at.session_state["story-drafts"] = {DEFAULT: Draft().replaced("x", [DraftStep.of(place="baku")] * 100)}
    at.run()
    at.button(key="story-duplicate").click().run()
    assert any("at most 100 steps" in e.value for e in at.error) and len(picks(at)) == 100
    at.session_state["story-drafts"] = {DEFAULT: Draft().replaced("x", [DraftStep.of(place="atlantis")])}
    at.run()
    assert not at.exception
    assert any("step 1 (atlantis)" in e.value and "place" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "story-go"] and len(picks(at)) == 1


def test_the_map_reports_a_view_only_when_it_is_one():
    assert map_view({"center": {"lat": 40.123456, "lng": 406.5}, "zoom": 7.6}) == {
        "lat": 40.12346,
        "lon": 46.5,
        "zoom": 8,
    }
    for bad in (
        None,
        {},
        {"center": "x", "zoom": 3},
        {"center": {"lat": "1", "lng": 2}, "zoom": 3},
        {"center": {"lat": 1, "lng": 2}, "zoom": True},
    ):
        assert map_view(bad) is None


# --- the storyline on the Classroom tour ---------------------------------------------------------


def mine(atlas):
    draft = Draft().replaced(
        HOSTILE,
        [
            DraftStep.of(place="nakhchivan", text="Where is it? " + HOSTILE, also=["zangezur-corridor"]),
            DraftStep.of(place="baku", passage="none", view={"lat": 40.4, "lon": 49.9, "zoom": 8}),
            DraftStep.of(event="exodus"),
        ],
    )
    return draft, checked(draft, atlas, load_events(atlas), "mine")


def running_mine(atlas, **params: str) -> AppTest:
    """The tour page on this session's own storyline (as "Run on the Classroom tour" leaves it)."""
    draft, tour = mine(atlas)
    at = AppTest.from_file(TOUR_PAGE, default_timeout=60)
    at.session_state["story-run"] = (DEFAULT, tour, storyline_yaml(draft))
    at.query_params["tour"] = "mine"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def test_the_sessions_storyline_runs_on_the_tour_page_with_no_link_to_share(atlas):
    at = running_mine(atlas)
    assert "1 / 3" in shown(at, "tour-counter")
    assert "&lt;script&gt;" in shown(at, "tour-place") and HOSTILE not in shown(at, "tour-place")
    assert any("Save it on the page Make a tour" in i.value for i in at.info)
    assert not [m for m in at.markdown if "tour-link" in m.value], "no link of its own"
    assert [b for b in at.button if b.key == "room-start"], "a room can carry it to a class"
    at.button(key="tour-next").click().run()
    assert "2 / 3" in shown(at, "tour-counter") and at.query_params["tour"] == "mine"


def the_code(at: AppTest) -> str:
    code = at.query_params["room"]
    return code[-1] if isinstance(code, list) else code


def test_a_room_carries_the_sessions_unsaved_storyline_to_the_class(atlas, monkeypatch):
    import os

    from geo.atlas.storyline import read_storyline
    from geo.rooms.backends import open_store
    from geo.rooms.store import settings_from_env

    monkeypatch.delenv("ATLAS_SAVED_DIR", raising=False)
    teacher = running_mine(atlas, step="2")
    teacher.button(key="room-start").click().run()
    assert not teacher.exception
    code = the_code(teacher)
    room_box = next(m.value for m in teacher.markdown if code in m.value and "room=" in m.value)
    assert f"?room={code}" in room_box and "tour=" not in room_box, "the class link is the room's"
    assert "2 / 3" in shown(teacher, "tour-counter")
    store = open_store(settings_from_env(os.environ))
    try:
        assert store.get(code).tour == "room"
        read_storyline(store.storyline_text(code), atlas, load_events(atlas), "room")  # the strict reader's
    finally:
        store.shutdown()
    student = run_script(TOUR_PAGE, room=code)  # a session with no storyline of its own
    assert "2 / 3" in shown(student, "tour-counter") and "Baku" in shown(student, "tour-place")
    assert not student.warning and not student.info
    teacher.button(key="tour-next").click().run()
    student.run()  # what the follower's wake-up does when the room has moved
    assert "3 / 3" in shown(student, "tour-counter")
    teacher.button(key="tour-first").click().run()
    student.run()
    place = shown(student, "tour-place")
    assert "Where is it? &lt;script&gt;" in place and HOSTILE not in place, "the room's text is shown escaped"


def test_the_presenter_runs_a_changed_storyline_and_the_room_carries_it(atlas, monkeypatch):
    monkeypatch.delenv("ATLAS_SAVED_DIR", raising=False)
    teacher = running_mine(atlas)
    teacher.button(key="room-start").click().run()
    code = the_code(teacher)
    student = run_script(TOUR_PAGE, room=code)
    assert "1 / 3" in shown(student, "tour-counter")
    draft, _ = mine(atlas)
    longer = Draft(draft.title, (*draft.steps, DraftStep.of(place="armenia")))
    teacher.session_state["story-run"] = (
        DEFAULT,
        checked(longer, atlas, load_events(atlas), "mine"),
        storyline_yaml(longer),
    )
    teacher.run()  # back from Make a tour, in the room
    assert not teacher.exception and "1 / 4" in shown(teacher, "tour-counter")
    student.run()
    assert "1 / 4" in shown(student, "tour-counter")
    # Another presenter screen (its presenter link), with a storyline of its own, shows the room's.
    other = running_mine(atlas)
    other.session_state["room-code"], other.session_state["room-token"] = code, teacher.session_state["room-token"]
    other.query_params["room"] = code
    other.run()
    assert not other.exception and "1 / 4" in shown(other, "tour-counter")
    student.run()
    assert "1 / 4" in shown(student, "tour-counter")


def test_without_the_sessions_storyline_the_first_tour_opens_with_a_notice():
    at = run_script(TOUR_PAGE, tour="mine")
    assert any("no storyline of its own" in w.value for w in at.warning)


def test_a_saved_storyline_opens_from_its_link_and_a_change_keeps_the_link(atlas, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path))
    draft, _ = mine(atlas)
    slug, secret = save_tour(tmp_path, storyline_yaml(draft), draft.title, None)
    at = run_script(TOUR_PAGE, tour=slug, step="2")
    assert "2 / 3" in shown(at, "tour-counter")
    assert [b for b in at.button if b.key == "room-start"], "a saved storyline can be presented"
    assert slug in next(m.value for m in at.markdown if "tour-link" in m.value)
    changed = yaml.safe_load(storyline_yaml(draft))
    changed["steps"].append({"place": "armenia"})
    change_tour(tmp_path, slug, secret, yaml.safe_dump(changed))
    at = run_script(TOUR_PAGE, tour=slug, step="4")
    assert "4 / 4" in shown(at, "tour-counter")


def test_a_saved_storyline_opens_in_the_editor_and_only_its_author_saves_changes(atlas, tmp_path, monkeypatch):
    """The author's browser holds the secret (in its session, or from the edit link's cookie, which the
    browser test follows); any other gets a copy to save as a new storyline."""
    from geo.geoparser.saved_tours import load_tour_file

    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path))
    draft, _ = mine(atlas)
    text = storyline_yaml(draft)
    slug, secret = save_tour(tmp_path, text, draft.title, None)
    at = run_script(PAGE, tour=slug)
    assert len(picks(at)) == 3 and "tour" not in at.query_params
    assert not [b for b in at.button if b.key == "story-save-change"], "no secret: a copy only"
    author = AppTest.from_file(PAGE, default_timeout=60)
    author.session_state["story-secrets"] = {slug: secret}
    author.session_state["story-saved-as"] = {DEFAULT: (slug, text)}
    author.query_params["tour"] = slug
    author.run()
    author.button(key="story-pick-0").click().run()
    author.text_area(key="story-note").input("Changed.").run()
    author.button(key="story-save-change").click().run()
    assert any("now opens the change" in s.value for s in author.success)
    assert "Changed." in load_tour_file(tmp_path, slug).text
    forged = AppTest.from_file(PAGE, default_timeout=60)
    forged.session_state["story-secrets"] = {slug: "x" * 32}
    forged.session_state["story-saved-as"] = {DEFAULT: (slug, text)}
    forged.query_params["tour"] = slug
    forged.run()
    forged.text_area(key="story-note").input("Forged.").run()
    forged.button(key="story-save-change").click().run()
    assert any("only its author" in e.value for e in forged.error)
    assert "Forged." not in load_tour_file(tmp_path, slug).text


@pytest.mark.parametrize("value", ["../../etc/passwd", HOSTILE, "mine-abcdef", "x" * 300])
def test_a_hostile_or_unknown_tour_link_gives_a_notice(tmp_path, monkeypatch, value):
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path))
    at = run_script(TOUR_PAGE, tour=value)
    assert "1 / " in shown(at, "tour-counter")
    assert at.warning and all(HOSTILE not in w.value for w in at.warning)
    at = run_script(PAGE, tour=value)
    assert at.warning and not picks(at)


def test_a_room_carries_a_saved_storyline_to_the_class(atlas, tmp_path, monkeypatch):
    import os

    from geo.rooms.backends import open_store
    from geo.rooms.store import settings_from_env

    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path))
    draft, _ = mine(atlas)
    slug, _ = save_tour(tmp_path, storyline_yaml(draft), draft.title, None)
    teacher = run_script(TOUR_PAGE, tour=slug, step="2")
    teacher.button(key="room-start").click().run()
    assert not teacher.exception
    code = teacher.query_params["room"]
    code = code[-1] if isinstance(code, list) else code
    store = open_store(settings_from_env(os.environ))
    try:
        assert store.get(code).tour == slug
    finally:
        store.shutdown()
    student = run_script(TOUR_PAGE, room=code)  # the room decides the storyline, not the link
    assert "2 / 3" in shown(student, "tour-counter") and "Baku" in shown(student, "tour-place")
    teacher.button(key="tour-next").click().run()
    student.run()  # what the polling fragment does when the room has moved
    assert "3 / 3" in shown(student, "tour-counter")


def test_a_new_start_is_one_change_that_undo_reverts():
    at = started("places")
    assert len(picks(at)) == 16
    at.selectbox(key="story-start").set_value("blank")
    at.button(key="story-start-go").click().run()
    assert not picks(at)
    at.button(key="story-undo").click().run()
    assert len(picks(at)) == 16 and picks(at)[0] == "1. Armenia"


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "application/x-yaml")).run()
    assert not at.exception
    return at


def test_import_reads_a_downloaded_file_back_and_undo_reverts_it(atlas):
    draft, _ = mine(atlas)
    at = upload(started("places"), "mine.yaml", storyline_yaml(draft).encode())
    assert any("Imported 3 step(s)" in s.value for s in at.success)
    assert the_draft(at).steps == draft.steps and the_draft(at).title == HOSTILE
    assert at.text_input(key="story-title").value == HOSTILE
    at.button(key="story-undo").click().run()
    assert len(picks(at)) == 16


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "bad.yaml: the file is empty"),
        (b"title: x\nsteps: [baku, atlantis]\n", "entry 'step 2 (atlantis)': field 'place'"),
        (b"a: &a [x]\nb: *a\n", "anchors and aliases"),
        (b"title: x\nsteps: [baku\n", "invalid YAML"),
        (b"title: x\nstep: [baku]\n", "field 'step': unknown field"),
        (yaml.safe_dump({"steps": ["baku"] * 101}).encode(), "at most 100 steps"),
        (b"# " + b"x" * 300_000, "too large"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_file_is_not_imported_and_loses_nothing(content, said):
    at = upload(started("places"), "bad.yaml", content)
    assert any(said in e.value for e in at.error), [e.value for e in at.error]
    assert len(picks(at)) == 16 and picks(at)[0] == "1. Armenia"


def test_the_handout_of_a_teachers_own_storyline_shows_its_text_escaped(atlas):
    from geo.render.handout import handout_html

    _, tour = mine(atlas)
    page = handout_html(atlas, tour)
    assert "Where is it? &lt;script&gt;" in page and HOSTILE not in page


def test_run_on_the_classroom_tour_opens_the_tour_on_the_sessions_storyline():
    at = AppTest.from_file(str(PAGES_DIR.parent / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/4_Make_a_tour.py").run()
    at.selectbox(key="story-start").set_value("every-event")
    at.button(key="story-start-go").click().run()
    at.button(key="story-pick-2").click().run()
    at.text_area(key="story-text").input("What changed here?").run()
    at.button(key="story-go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.query_params["tour"] = "mine"  # where the page sent the browser (st.switch_page)
    at.switch_page("pages/1_Classroom_tour.py").run()
    assert not at.exception
    events = len(the_draft(at))
    assert f"1 / {events}" in shown(at, "tour-counter")
    at.button(key="tour-next").click().run()
    at.button(key="tour-next").click().run()
    assert "What changed here?" in shown(at, "tour-text")


def test_a_storyline_of_a_saved_atlas_is_written_saved_and_opened_on_that_atlas(tmp_path, monkeypatch):
    """Another article's atlas: its own places to start from, and a link that carries the atlas."""
    import datetime as dt

    from geo.geoparser.draft import ArticleInfo, draft_files, find_places
    from geo.geoparser.saved import save_atlas
    from geo.paths import ROOT

    sample = (ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt").read_text(encoding="utf-8")
    markdown, places = find_places(sample, None)
    files = draft_files(markdown, places, ArticleInfo(author="A. Reporter"), today=dt.date(2024, 6, 1))
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path))
    atlas_slug = save_atlas(tmp_path, files, "Buses leave Goris for Stepanakert")
    at = run_script(PAGE, atlas=atlas_slug)
    at.selectbox(key="story-start").set_value("every-place")
    at.button(key="story-start-go").click().run()
    assert "1. Goris" in picks(at)
    at.button(key="story-save").click().run()
    assert not at.exception
    link = next(m.value for m in at.markdown if "story-saved" in m.value)
    tour_slug = re.search(r"tour=([a-z0-9-]+)", link).group(1)
    assert f"atlas={atlas_slug}" in link
    on_its_atlas = run_script(TOUR_PAGE, atlas=atlas_slug, tour=tour_slug)
    assert "Goris" in shown(on_its_atlas, "tour-place") and not on_its_atlas.warning
    on_karabakh = run_script(TOUR_PAGE, tour=tour_slug)
    assert any("no saved storyline by that name for this atlas" in w.value for w in on_karabakh.warning)


def test_a_step_can_ask_the_class_where_it_is_and_the_file_keeps_it():
    at = started()
    add(at, "place:nakhchivan")
    at.checkbox(key="story-question").check().run()
    assert not at.exception
    assert the_draft(at).steps[0].get("kind") == "question"
    assert "kind: question" in storyline_yaml(the_draft(at))
    at.checkbox(key="story-question").uncheck().run()
    assert the_draft(at).steps[0].get("kind") is None, "a step that only shows leaves the field out"


def test_run_again_while_presenting_comes_back_to_the_room(monkeypatch):
    import streamlit

    went: list[dict] = []
    monkeypatch.setattr(streamlit, "switch_page", lambda page, query_params: went.append(dict(query_params)))
    at = started("places")
    at.button(key="story-go").click().run()
    at.session_state["room-code"], at.session_state["room-token"] = "HJK34", "x" * 40  # presenting a room
    at.button(key="story-go").click().run()
    assert went == [{"tour": "mine"}, {"tour": "mine", "room": "HJK34"}]
    assert at.session_state["story-run"][2].startswith("# A storyline of the Classroom tour")  # its file's text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("title: x\nsteps: [baku, atlantis]\n", "field 'place'"),
        ("a: &a [x]\nb: *a\n", "anchors and aliases"),
        (f"title: x\nsteps: [baku]\nbad: {HOSTILE}\n", "unknown field"),
    ],
)
def test_a_room_text_the_strict_reader_refuses_shows_the_first_tour_and_why(text, said, monkeypatch):
    import os

    from geo.app import own_tours
    from geo.rooms.backends import open_store
    from geo.rooms.store import settings_from_env

    store = open_store(settings_from_env(os.environ))
    try:
        room, token = store.create()
        store.keep_storyline(room.code, token, text)  # as a forged presenter page could
    finally:
        store.shutdown()
    calls: list[str] = []
    strict = own_tours.read_storyline
    monkeypatch.setattr(own_tours, "read_storyline", lambda *args: calls.append(args[0]) or strict(*args))
    student = run_script(TOUR_PAGE, room=room.code)
    assert any(said in w.value and "first tour is shown" in w.value for w in student.warning)
    assert "1 / " in shown(student, "tour-counter") and HOSTILE not in "".join(m.value for m in student.markdown)
    student.run()
    assert len(calls) == 1, "read once per text, not on every rerun"
