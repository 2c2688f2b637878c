"""The live quiz on the Classroom tour (geo/app/quiz.py) in AppTest: the teacher asks, students answer
from the list, the projector counts, the reveal shows each their distance."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from geo.rooms.backends import open_quiz, open_store
from geo.rooms.quiz import QuizStore
from geo.rooms.store import settings_from_env
from tests.test_presenting import notices, page_text, present, run_page

BAKU_STEP = "4"  # data/tour.yaml: Baku, kind: question


@pytest.fixture
def quiz() -> Iterator[QuizStore]:
    """The same store the page opens (the session's ATLAS_ROOMS_DIR)."""
    rooms = open_store(settings_from_env(os.environ))
    yield open_quiz(rooms)
    rooms.shutdown()


def markdown(at, css: str) -> list[str]:
    return [m.value for m in at.markdown if f'class="{css}' in m.value]


def test_the_teacher_asks_and_the_class_sees_the_question_not_the_answer(quiz):
    teacher, code, _ = present(BAKU_STEP)
    teacher.button(key="quiz-ask-step").click().run()
    assert not teacher.exception
    student = run_page(room=code)
    assert any("Where is Baku?" in m for m in markdown(student, "quiz-panel"))
    assert markdown(student, "tour-passage") == []  # the passage names the answer
    assert "Baku" not in " ".join(m.value for m in student.markdown if "quiz" not in m.value and "room" not in m.value)
    choices = student.radio(key="quiz-choice-1")
    assert "Baku" in choices.options and len(choices.options) == 5
    assert quiz.question(code).slug == "baku"


def test_a_student_answers_from_the_list_and_sees_their_distance_at_the_reveal(quiz, atlas):
    teacher, code, token = present(BAKU_STEP)
    teacher.button(key="quiz-ask-step").click().run()
    right, wrong = run_page(room=code), run_page(room=code)
    right.radio(key="quiz-choice-1").set_value("baku").run()
    slugs = {place.name: place.slug for place in atlas.places}
    other = next(slugs[o] for o in wrong.radio(key="quiz-choice-1").options if o != "Baku")
    wrong.radio(key="quiz-choice-1").set_value(other).run()
    assert not right.exception and not wrong.exception
    assert any("quiz-own" in m for m in markdown(right, "quiz-own"))
    summary = quiz.summary(code, token)
    assert summary.answered == 2 and summary.in_room >= 2
    teacher.run()
    assert any(">2<" in m for m in markdown(teacher, "quiz-count"))
    teacher.button(key="quiz-reveal").click().run()
    right.run()
    wrong.run()
    assert 'data-km="0"' in markdown(right, "quiz-panel")[0]
    far = markdown(wrong, "quiz-panel")[0]
    assert "km</b> from Baku" in far and 'data-km="0"' not in far
    assert markdown(right, "tour-passage")  # the place with its passage
    assert any("quiz-median" in m for m in markdown(teacher, "quiz-spread"))
    # After the reveal the list is gone and no answer moves.
    assert not [r for r in right.radio if r.key == "quiz-choice-1"]


def test_a_student_cannot_ask_or_reveal_and_sees_no_one_elses_answer(quiz):
    teacher, code, token = present(BAKU_STEP)
    teacher.button(key="quiz-ask-step").click().run()
    ana, ben = run_page(room=code), run_page(room=code)
    ana.radio(key="quiz-choice-1").set_value("baku").run()
    ben.run()
    assert not [b for b in ben.button if b.key in ("quiz-reveal", "quiz-ask-step")]
    shown = page_text(ben)
    assert markdown(ben, "quiz-own") == [] and token not in shown
    # Ben's map draws no dots and no answer, though Ana's is kept.
    assert re.search(r"AtlasQuiz\.show\(map_div, \{\W*open\W*: true, \W*dots\W*: \[\], \W*own\W*: null", shown)


def test_asking_on_the_spot_asks_about_any_place_drawn_on_the_map(quiz):
    teacher, code, _ = present("1")
    teacher.selectbox(key="quiz-ask-place").set_value("nakhchivan")
    teacher.button(key="quiz-ask-place-button").click().run()
    assert not teacher.exception and not notices(teacher)
    assert any("Where is Nakhchivan?" in m for m in markdown(teacher, "quiz-panel"))
    assert quiz.question(code).step == 0


def test_a_class_woken_together_reads_the_rooms_question_once_and_a_move_reads_it_again(quiz, monkeypatch):
    from geo.app.quiz import SHARED_FOR, shared_question

    room, token = quiz.rooms.create(step=3)
    reads: list[str] = []
    read = quiz.question
    monkeypatch.setattr(quiz, "question", lambda code: reads.append(code) or read(code))
    assert [shared_question(quiz, room, 100.0 + i / 10) for i in range(5)] == [None] * 5
    assert reads == [room.code]  # one read for the whole class at this version of the room
    asked, question = quiz.ask(room.code, token, "place", "baku", 3)
    assert asked.version > room.version
    assert shared_question(quiz, asked, 100.5) == question and len(reads) == 2  # the ask moved the room
    assert shared_question(quiz, room, 100.0 + SHARED_FOR + 0.1) == question and len(reads) == 3  # read again
