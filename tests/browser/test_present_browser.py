"""Presenting to a class in real browsers: a teacher's context and a student's, side by side."""

from __future__ import annotations

import io
import os

import pytest

from geo.rooms.backends import open_store
from geo.rooms.store import Room, settings_from_env
from geo.testing import block_outside
from tests.browser.support import map_frame

PASSAGE = ".tour-passage"
FOLLOW_WITHIN_MS = 2_000


def open_tour(page, url: str) -> None:
    """Open the tour and wait for its map; a server's first sessions may show Streamlit's
    "Page not found" dialog while it registers its pages, which is closed here."""
    page.goto(url)
    page.wait_for_selector(PASSAGE, timeout=30_000)
    map_frame(page)
    dialog = page.locator("[role='dialog']")
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="hidden", timeout=10_000)


def step_of(page) -> int:
    return int(page.locator(PASSAGE).get_attribute("data-step"))


def wait_for_step(page, number: int, timeout: float = 15_000) -> float:
    """Wait until the page shows this step; the wall-clock moment it did, in ms (the browser's clock)."""
    shown = page.wait_for_function(
        "([sel, n]) => { const p = document.querySelector(sel); return p && p.dataset.step === n && Date.now(); }",
        arg=[PASSAGE, str(number)],
        timeout=timeout,
    )
    return shown.json_value()


def press_next(page) -> float:
    """Press Next as a click does, in the page itself (the button drawn with the step, which passes the
    press to the page's own); the wall-clock moment of the press, in ms."""
    return page.evaluate(
        "() => { const b = document.querySelector('button[data-tour-action=\"next\"]');"
        " const t = Date.now(); b.click(); return t; }"
    )


@pytest.fixture
def two_contexts(browser):
    """A teacher's laptop and a student's phone: separate browsers as far as cookies go."""
    contexts = [
        browser.new_context(viewport={"width": 1440, "height": 900}),
        browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True),
    ]
    pages = []
    for context in contexts:
        page = context.new_page()
        page.outside_requests = block_outside(page)
        pages.append(page)
    yield pages
    for context in contexts:
        context.close()


def start_presenting(teacher, app_url: str) -> str:
    open_tour(teacher, f"{app_url}/Classroom_tour?step=2")
    teacher.get_by_role("button", name="Present to a class").click()
    code_box = teacher.locator(".room-code")
    code_box.wait_for(timeout=15_000)
    return code_box.get_attribute("data-room")


def test_the_student_follows_the_teachers_next_and_cannot_move_the_class(two_contexts, app_url):
    teacher, student = two_contexts
    code = start_presenting(teacher, app_url)
    assert f"room={code}" in teacher.url and "presenter" not in teacher.url
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    qr = Image.open(io.BytesIO(teacher.locator(".room-qr").screenshot())).convert("RGB")
    assert [r.text for r in zxingcpp.read_barcodes(qr)] == [f"{app_url}/Classroom_tour?room={code}"]
    open_tour(student, f"{app_url}/Classroom_tour?room={code}")
    assert step_of(student) == 2
    assert student.get_by_text("Following the class").is_visible()

    # The teacher presses Next: the student's page follows within 2 s (one clock: the same machine).
    for expected in (3, 4):
        pressed = press_next(teacher)
        followed = wait_for_step(student, expected, timeout=FOLLOW_WITHIN_MS + 1_000)
        assert followed - pressed < FOLLOW_WITHIN_MS

    # The student zooms their own map; polling does not reset it while the step stays. The step's
    # passage is drawn before its map view arrives: let the map settle on the step first.
    frame = map_frame(student)
    student.wait_for_timeout(1_000)
    zoom = frame.evaluate("window.map.getZoom()")
    frame.evaluate("window.map.setZoom(window.map.getZoom() + 2, {animate: false})")
    student.wait_for_timeout(1_500)
    assert frame.evaluate("window.map.getZoom()") == zoom + 2

    # The student presses Next: only their own page moves; the teacher's stays.
    student.get_by_role("button", name="Next").click()
    wait_for_step(student, 5)
    student.wait_for_timeout(1_500)
    assert step_of(teacher) == 4
    store = open_store(settings_from_env(os.environ))
    try:
        assert store.get(code) == Room(code, 3, 3)
    finally:
        store.shutdown()
    assert student.get_by_text("Browsing on your own").is_visible()

    # Following again rejoins the class's step, and the next Next is followed again.
    student.locator(".st-key-room-follow label").click()
    wait_for_step(student, 4)
    teacher.get_by_role("button", name="Next").click()
    wait_for_step(student, 5, timeout=FOLLOW_WITHIN_MS)

    for page in (teacher, student):
        assert page.outside_requests == []
        assert page.locator("[data-testid='stException']").count() == 0


def test_a_reload_keeps_the_teacher_presenting_and_no_token_reaches_the_student(two_contexts, app_url):
    teacher, student = two_contexts
    code = start_presenting(teacher, app_url)
    (cookie,) = [c for c in teacher.context.cookies() if c["name"] == f"atlas_presenter_{code}"]
    token = cookie["value"]
    assert cookie["sameSite"] == "Strict" and token not in teacher.url
    assert teacher.locator(".atlas-presenter-keep").count() == 0  # the script removed it
    assert token not in teacher.content()

    teacher.reload()
    open_tour(teacher, teacher.url)
    teacher.locator(".room-code").wait_for(timeout=15_000)
    assert teacher.locator(".room-code").get_attribute("data-room") == code

    open_tour(student, f"{app_url}/Classroom_tour?room={code}")
    teacher.get_by_role("button", name="Next").click()
    wait_for_step(student, 3, timeout=FOLLOW_WITHIN_MS)
    html = student.content()
    assert token not in html and "presenter=" not in html
    assert not [c for c in student.context.cookies() if c["name"].startswith("atlas_presenter_")]


def test_a_hostile_room_link_shows_a_notice_and_follows_nothing(two_contexts, app_url):
    _, student = two_contexts
    open_tour(student, f"{app_url}/Classroom_tour?room=%3Cscript%3Ealert(1)%3C/script%3E&step=2")
    notice = student.locator("[data-testid='stAlert']")
    notice.wait_for(timeout=15_000)
    assert "room code cannot be read" in notice.inner_text()
    assert "room=" not in student.url and step_of(student) == 2
    assert student.locator(".room-status").count() == 0


def test_a_student_types_the_code_the_teacher_reads_out(two_contexts, app_url):
    teacher, student = two_contexts
    code = start_presenting(teacher, app_url)
    open_tour(student, f"{app_url}/Classroom_tour")
    field = student.get_by_label("Join a class: room code")
    field.fill(code.lower())
    field.press("Enter")
    student.wait_for_url(f"**room={code}**", timeout=15_000)
    wait_for_step(student, 2)
    teacher.get_by_role("button", name="Next").click()
    wait_for_step(student, 3, timeout=FOLLOW_WITHIN_MS)


def test_the_class_follows_the_teachers_storyline(two_contexts, app_url):
    teacher, student = two_contexts
    open_tour(teacher, f"{app_url}/Classroom_tour?tour=chronology&step=2")
    teacher.get_by_role("button", name="Present to a class").click()
    teacher.locator(".room-code").wait_for(timeout=15_000)
    code = teacher.locator(".room-code").get_attribute("data-room")
    class_link = f"{app_url}/Classroom_tour?tour=chronology&room={code}"
    assert teacher.locator(".room-link a").get_attribute("href") == class_link

    open_tour(student, f"{app_url}/Classroom_tour?room={code}")  # a link without the storyline
    current = student.locator(".tour-storylines [aria-current='page']")
    assert current.inner_text() == "The chronology" and step_of(student) == 2
    assert "tour=chronology" in student.url
    pressed = press_next(teacher)
    assert wait_for_step(student, 3, timeout=FOLLOW_WITHIN_MS + 1_000) - pressed < FOLLOW_WITHIN_MS
    assert current.inner_text() == "The chronology"


def test_the_presenter_link_makes_another_screen_the_presenter_and_its_secret_never_leaves_the_browser(
    two_contexts, app_url
):
    """The link a teacher keeps carries its secret after "#": opened on another screen, that screen
    presents the room, and no request it made held the secret."""
    teacher, other = two_contexts
    code = start_presenting(teacher, app_url)
    teacher.get_by_text("Show my presenter link").click()
    link = teacher.locator(".room-secret-link").inner_text(timeout=15_000).strip()
    token = link.rsplit("&presenter=", 1)[1]
    assert f"presenter.html#room={code}&presenter=" in link and len(token) >= 32
    sent: list[str] = []
    other.on("request", lambda request: sent.append(request.url))
    open_tour(other, link)
    other.locator(".room-code").wait_for(timeout=15_000)
    other.get_by_role("button", name="Stop presenting").wait_for(timeout=15_000)  # it presents the room
    assert "presenter" not in other.url
    assert not [url for url in sent if token in url]
