"""The live quiz in real browsers: a teacher presents, asks where Baku is, two students answer (one on
the map, one from the list), the teacher sees two dots and no names, reveals, and each student
sees their own distance."""

from __future__ import annotations

import pytest

from geo.testing import block_outside
from tests.browser.support import axe_violations, map_frame
from tests.browser.test_present_browser import open_tour, start_presenting, wait_for_step

BAKU = (40.4093, 49.8671)
QUESTION = ".quiz-question"


@pytest.fixture
def classroom(browser):
    """A teacher's laptop and two students' phones, separate browsers as far as cookies go."""
    sizes = [
        {"viewport": {"width": 1440, "height": 900}},
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    ]
    contexts = [browser.new_context(**size) for size in sizes]
    pages = []
    for context in contexts:
        page = context.new_page()
        page.outside_requests = block_outside(page)
        pages.append(page)
    yield pages
    for context in contexts:
        context.close()


def tap(page, lat: float, lon: float) -> None:
    """Tap the student's map where this point is drawn."""
    frame = map_frame(page)
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [lat, lon]
    )
    frame.locator("#map_div").click(position={"x": x, "y": y})


def dots(page) -> int:
    return map_frame(page).locator("path.atlas-quiz-dot").count()


def test_two_students_answer_the_teacher_sees_two_dots_and_each_student_their_distance(classroom, app_url):
    teacher, ana, ben = classroom
    # Step 4 of the storyline asks where Baku is (data/tour.yaml, kind: question).
    start_presenting(teacher, app_url)
    teacher.get_by_role("button", name="Next").click()
    wait_for_step(teacher, 3)
    teacher.get_by_role("button", name="Next").click()
    wait_for_step(teacher, 4)
    code = teacher.locator(".room-code").get_attribute("data-room")
    for student in (ana, ben):
        open_tour(student, f"{app_url}/Classroom_tour?room={code}")
        wait_for_step(student, 4)

    teacher.get_by_role("button", name="Ask the class: where is Baku?").click()
    for student in (ana, ben):
        student.locator(QUESTION).wait_for(timeout=10_000)
        assert student.locator(QUESTION).inner_text() == "Where is Baku?"
        assert student.locator(".tour-passage").count() == 0  # the passage would give the answer away
    teacher.locator(QUESTION).wait_for(timeout=10_000)
    assert axe_violations(ben) == []  # the question with its list
    assert axe_violations(teacher) == []

    # Ana taps her map on Baku; Ben chooses another place from the list.
    tap(ana, *BAKU)
    ana.locator(".quiz-own").wait_for(timeout=10_000)
    options = ben.get_by_role("radiogroup").get_by_role("radio")
    labels = [label.strip() for label in ben.get_by_role("radiogroup").locator("label").all_inner_texts()]
    assert "Baku" in labels and len(labels) == 5
    wrong = next(i for i, label in enumerate(labels) if label != "Baku")
    ben.get_by_role("radiogroup").locator("label").nth(wrong).click()
    ben.locator(".quiz-own").wait_for(timeout=10_000)
    assert options.count() == 5

    # The projector: two dots, and nothing on the map names anyone or anything.
    frame = map_frame(teacher)
    frame.wait_for_function("() => document.querySelectorAll('path.atlas-quiz-dot').length === 2", timeout=10_000)
    teacher.locator(".quiz-answered").filter(has_text="2").wait_for(timeout=10_000)
    shown_names = frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-tooltip')].filter(t => t.offsetWidth).map(t => t.textContent)"
    )
    assert shown_names == []

    teacher.get_by_role("button", name="Reveal the answer").click()
    for student in (ana, ben):
        student.locator(".quiz-result").wait_for(timeout=10_000)
    near = float(ana.locator(".quiz-result").get_attribute("data-km"))
    far = float(ben.locator(".quiz-result").get_attribute("data-km"))
    assert near < 25 and far > 25
    assert "Baku" in ana.locator(".quiz-result").inner_text()
    assert ana.locator(".tour-passage").count() == 1  # the place with its passage
    teacher.locator(".quiz-median").wait_for(timeout=10_000)
    assert dots(teacher) == 2
    assert axe_violations(ben) == []  # the reveal
    assert axe_violations(teacher) == []
    assert teacher.outside_requests == [] and ana.outside_requests == [] and ben.outside_requests == []
