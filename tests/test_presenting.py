"""Presenting to a class (geo/app/presenting.py): the presenter's and the followers' tour pages in AppTest."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from geo.paths import PAGES_DIR
from geo.rooms.backends import open_store
from geo.rooms.store import Room, RoomStore, settings_from_env
from tests.apptest import run_script
from tests.redis_server import running_redis

PAGE = str(PAGES_DIR / "1_Classroom_tour.py")
HOSTILE = "<script>alert(1)</script>"


def run_page(**params: str) -> AppTest:
    return run_script(PAGE, **params)


def texts(node) -> Iterator[str]:
    """Every element of the page as its protobuf text: what the browser would receive."""
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield str(proto)
    for child in getattr(node, "children", {}).values():
        yield from texts(child)


def page_text(at: AppTest) -> str:
    return "\n".join(texts(at._tree))


def shown_step(at: AppTest) -> int:
    passage = next(m.value for m in at.markdown if 'class="tour-passage"' in m.value)
    return int(re.search(r'data-step="(\d+)"', passage).group(1))


def query(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def notices(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.info, *at.warning])


@pytest.fixture
def store() -> Iterator[RoomStore]:
    """The same store the page opens (the session's ATLAS_ROOMS_DIR)."""
    opened = open_store(settings_from_env(os.environ))
    yield opened
    opened.shutdown()


def present(step: str | None = None, tour: str | None = None) -> tuple[AppTest, str, str]:
    """A teacher's page that pressed "Present to a class": (page, room code, token)."""
    at = run_page(**({"step": step} if step else {}), **({"tour": tour} if tour else {}))
    at.button(key="room-start").click().run()
    assert not at.exception
    code = query(at, "room")
    return at, code, at.session_state["room-token"]


# The presenter ------------------------------------------------------------------------------------


def test_present_to_a_class_opens_a_room_with_a_code_a_link_and_a_qr_code(store):
    at, code, token = present("3")
    assert re.fullmatch(r"[ACDEFHJKMNPRTUWXY3479]{5}", code)
    assert store.get(code) == Room(code, 2, 1)
    panel = next(m.value for m in at.markdown if 'class="room-panel"' in m.value)
    assert f'data-room="{code}"' in panel and f"Classroom_tour?room={code}" in panel
    assert "data:image/svg+xml;base64," in panel  # the QR code of the class's link
    assert not any("Link to this step" in m.value for m in at.markdown)  # one link for the class
    assert shown_step(at) == 3 and query(at, "step") == "3"
    assert query(at, "presenter") is None


def test_the_token_is_on_the_presenters_page_only_where_it_belongs():
    at, code, token = present()
    # Once, in the element that stores the presenter cookie (removed by its script at once) ...
    keep = [h.proto.body for h in at.get("html") if "atlas-presenter-keep" in h.proto.body]
    assert len(keep) == 1 and f'data-name="atlas_presenter_{code}"' in keep[0] and token in keep[0]
    # ... and on no later run, until the teacher asks for the presenter link.
    at.button(key="tour-next").click().run()
    assert token not in page_text(at)
    at.toggle(key="room-reveal").set_value(True).run()
    secret = next(m.value for m in at.markdown if 'class="room-secret"' in m.value)
    assert f"presenter.html#room={code}&amp;presenter={token}" in secret and "Keep this link to yourself" in secret
    at.toggle(key="room-reveal").set_value(False).run()
    assert token not in page_text(at)


def test_the_presenters_next_moves_the_room(store):
    at, code, token = present()
    at.button(key="tour-next").click().run()
    at.button(key="tour-next").click().run()
    assert store.get(code) == Room(code, 2, 3)
    at.button(key="tour-last").click().run()
    last = shown_step(at)
    assert store.get(code).step == last - 1 and query(at, "step") == str(last)


def test_a_presenter_link_makes_another_screen_the_presenter(store):
    first, code, token = present("2")
    other = run_page(room=code, presenter=token)
    assert other.session_state["room-token"] == token
    assert query(other, "presenter") is None  # out of the address bar at once
    assert any('class="room-panel"' in m.value for m in other.markdown)
    other.button(key="tour-next").click().run()
    assert store.get(code) == Room(code, 2, 2)


def test_two_presenter_screens_pressing_next_from_one_step_have_one_winner(store):
    first, code, token = present("4")
    second = run_page(room=code, presenter=token)
    first.button(key="tour-next").click().run()
    second.button(key="tour-next").click().run()  # still showing step 4: it loses
    assert store.get(code) == Room(code, 4, 2)
    assert "moved the class first" in notices(second)
    assert shown_step(second) == 5 == shown_step(first)


def test_stop_presenting_ends_the_room_for_the_class(store):
    at, code, token = present()
    follower = run_page(room=code)
    at.button(key="room-stop").click().run()
    assert store.get(code) is None
    assert query(at, "room") is None and "room-token" not in at.session_state
    assert f"Room {code} is closed" in notices(at)
    forget = [h.proto.body for h in at.get("html") if "atlas-presenter-keep" in h.proto.body]
    assert len(forget) == 1 and 'data-value=""' in forget[0]  # the cookie is forgotten
    follower.run()
    assert "No class is presenting" in notices(follower) and query(follower, "room") is None


def test_creating_rooms_is_rate_limited_per_session():
    at = run_page()
    codes = []
    for _ in range(3):
        at.button(key="room-start").click().run()
        codes.append(query(at, "room"))
        at.button(key="room-stop").click().run()
    at.button(key="room-start").click().run()
    assert query(at, "room") is None and "open another in" in notices(at)
    assert len(set(codes)) == 3


# The followers -------------------------------------------------------------------------------------


def test_a_follower_sees_the_presenters_step_and_follows_it(store):
    teacher, code, token = present("5")
    student = run_page(room=code)
    assert shown_step(student) == 5 and query(student, "step") == "5"
    status = next(m.value for m in student.markdown if "room-status" in m.value)
    assert "Following the class" in status and code in status
    assert student.toggle(key="room-follow").value
    teacher.button(key="tour-next").click().run()
    student.run()  # what the polling fragment does when the room has moved
    assert shown_step(student) == 6 and query(student, "step") == "6"
    assert not any('class="room-panel"' in m.value for m in student.markdown)
    assert token not in page_text(student) and "room-token" not in student.session_state


def test_a_woken_run_shows_the_room_the_watch_read_for_it_once(store):
    """The watch reruns a follower with the room it has just read (presenting.WOKEN): the run shows that
    room without reading the store; the next run reads the store again."""
    from geo.app.presenting import WOKEN

    _, code, _ = present("2")
    student = run_page(room=code)
    assert shown_step(student) == 2
    student.session_state[WOKEN] = Room(code, 6, 99)  # as whole_page_unless_woken leaves it
    student.run()
    assert shown_step(student) == 7 and WOKEN not in student.session_state
    student.run()
    assert shown_step(student) == 2  # the store's room


def _count_runs() -> None:
    import streamlit as st

    from geo.app import presenting

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    presenting.whole_page_unless_woken()
    st.write("drawn")


def test_a_fragment_run_a_widget_started_reruns_the_whole_page(monkeypatch):
    from geo.app import presenting, session_wake

    fragment_runs = iter([True])  # this run reruns the tour's fragment alone; the page's run that follows does not
    monkeypatch.setattr(session_wake, "fragment_rerun", lambda: next(fragment_runs, False))
    monkeypatch.setattr(presenting, "_told", lambda: None)  # no watch woke it: a button or a toggle did
    at = AppTest.from_function(_count_runs)
    at.run()
    assert at.session_state["runs"] == 2 and at.markdown[0].value == "drawn"


def test_a_fragment_run_the_watch_started_stays_a_fragment_run_with_its_room(monkeypatch):
    from geo.app import presenting, session_wake

    room = Room("ABCDE", 3, 7)
    monkeypatch.setattr(session_wake, "fragment_rerun", lambda: True)
    monkeypatch.setattr(presenting, "_told", lambda: room)
    at = AppTest.from_function(_count_runs)
    at.run()
    assert at.session_state["runs"] == 1 and at.session_state[presenting.WOKEN] == room


def storyline(at: AppTest) -> str:
    """The storyline the page shows: the one its storyline links do not link to."""
    links = next(m.value for m in at.markdown if "tour-storylines" in m.value)
    return re.search(r'<b aria-current="page">([^<]+)</b>', links).group(1)


def test_the_class_follows_the_presenters_storyline(store):
    teacher, code, token = present("3", tour="chronology")
    assert store.get(code) == Room(code, 2, 1, "chronology")
    panel = next(m.value for m in teacher.markdown if 'class="room-panel"' in m.value)
    assert f"Classroom_tour?tour=chronology&amp;room={code}" in panel  # the link and its QR code
    for link in ({"room": code}, {"room": code, "tour": "places"}):  # the room decides, not the link
        student = run_page(**link)
        assert storyline(student) == storyline(teacher) == "The chronology"
        assert shown_step(student) == 3 and query(student, "tour") == "chronology"
    teacher.button(key="tour-next").click().run()
    assert store.get(code) == Room(code, 3, 2, "chronology")
    student.run()
    assert shown_step(student) == 4 and storyline(student) == "The chronology"
    teacher.toggle(key="room-reveal").set_value(True).run()
    secret = next(m.value for m in teacher.markdown if 'class="room-secret"' in m.value)
    assert f"presenter.html#tour=chronology&amp;room={code}&amp;presenter={token}" in secret


def test_a_follower_who_stops_following_browses_the_class_storyline(store):
    teacher, code, _ = present("2", tour="chronology")
    student = run_page(room=code)
    student.toggle(key="room-follow").set_value(False).run()
    student.button(key="tour-next").click().run()
    assert storyline(student) == "The chronology" and shown_step(student) == 3
    assert store.get(code) == Room(code, 1, 1, "chronology")  # the room did not move


def test_a_follower_browses_freely_and_rejoins(store):
    teacher, code, _ = present("2")
    student = run_page(room=code)
    student.button(key="tour-next").click().run()  # the student's own Next: browse
    assert shown_step(student) == 3 and not student.toggle(key="room-follow").value
    assert store.get(code) == Room(code, 1, 1)  # the room did not move
    teacher.button(key="tour-next").click().run()
    teacher.button(key="tour-next").click().run()
    student.button(key="tour-prev").click().run()
    assert shown_step(student) == 2
    assert "the class is at step 4" in next(m.value for m in student.markdown if "room-status" in m.value)
    student.toggle(key="room-follow").set_value(True).run()
    assert shown_step(student) == 4


def test_a_follower_forging_a_presenter_action_is_refused_and_logged(store, caplog):
    teacher, code, token = present("2")
    student = run_page(room=code)
    caplog.set_level(logging.WARNING, logger="geo.rooms.store")
    # A forged token in the follower's session (it could only come from a bug or a guess).
    student.session_state["room-token"] = "A" * 43
    student.button(key="tour-next").click().run()
    assert store.get(code) == Room(code, 1, 1)
    assert "Only the presenter's screen moves the class" in notices(student)
    assert "room-token" not in student.session_state
    # A forged presenter link.
    forged = run_page(room=code, presenter="B" * 43)
    assert "does not present room" in notices(forged) and "room-token" not in forged.session_state
    forged.button(key="tour-last").click().run()
    assert store.get(code) == Room(code, 1, 1)
    refusals = [r.getMessage() for r in caplog.records if r.name == "geo.rooms.store"]
    assert len(refusals) == 2 and all(code in m and "refused" in m for m in refusals)
    assert not any(token in m for m in refusals)


@pytest.mark.parametrize("value", ["ACDEF", HOSTILE, "x" * 500, "ac def!", "0O1IL"])
def test_an_unknown_or_hostile_room_gets_a_notice_and_follows_nothing(value):
    at = run_page(room=value, step="3")
    assert query(at, "room") is None
    assert "No class is presenting" in notices(at) or "cannot be read" in notices(at)
    assert "alert(1)" not in page_text(at)
    assert shown_step(at) == 3 and not any("room-status" in m.value for m in at.markdown)
    assert at.button(key="room-start")  # a page in no room can open one


def test_an_expired_room_gets_a_notice(monkeypatch):
    monkeypatch.setenv("ATLAS_ROOM_IDLE_MINUTES", "0.002")  # 0.12 s: a store of its own
    teacher, code, _ = present()
    time.sleep(0.3)
    student = run_page(room=code)
    assert f"No class is presenting in room {code}" in notices(student) and query(student, "room") is None


def test_a_store_out_of_reach_gives_a_notice_not_an_error(monkeypatch):
    monkeypatch.setenv("ATLAS_REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens on the discard port
    student = run_page(room="ACDEF", step="2")
    assert "cannot be reached just now" in notices(student)
    assert shown_step(student) == 2 and query(student, "room") == "ACDEF"  # it keeps trying
    teacher = run_page()
    teacher.button(key="room-start").click().run()
    assert query(teacher, "room") is None and "no room was opened" in notices(teacher)


def test_no_room_code_in_the_step_link_or_the_handout(downloads):
    teacher, code, token = present("2")
    student = run_page(room=code)
    link = next(m.value for m in student.markdown if "Link to this step" in m.value)
    assert "room=" not in link
    handout = downloads["karabakh-tour-handout.html"]  # made as when clicked
    assert "Classroom_tour?step=" in handout and code not in handout and token not in handout


def test_the_presenter_keeps_the_class_step_while_the_store_is_away(monkeypatch, tmp_path):
    """On Redis, stopped and started again: the room is still there and the class moves again."""
    with running_redis(tmp_path / "redis") as server:
        monkeypatch.setenv("ATLAS_REDIS_URL", server.url)
        teacher, code, token = present("3")
        student = run_page(room=code)
        server.stop()
        teacher.button(key="tour-next").click().run()
        assert "did not move" in notices(teacher)
        assert shown_step(teacher) == 3 and query(teacher, "step") == "3"
        student.run()
        assert "cannot be reached just now" in notices(student) and shown_step(student) == 3
        server.start()
        teacher.button(key="tour-next").click().run()
        student.run()
        assert shown_step(teacher) == 4 == shown_step(student)


def test_a_student_joins_by_typing_the_code_the_teacher_reads_out(store):
    teacher, code, _ = present("6")
    student = run_page()
    student.text_input(key="room-join").input(f" {code.lower()[:2]} {code.lower()[2:]} ").run()
    assert query(student, "room") == code and shown_step(student) == 6
    assert student.toggle(key="room-follow").value
    other = run_page()
    other.text_input(key="room-join").input("<img src=x>").run()
    assert query(other, "room") is None and "not a room code" in notices(other)
    assert "<img src=x>" not in page_text(other)


def test_a_woken_run_reruns_the_whole_page_only_when_what_surrounds_the_step_changed(store, monkeypatch):
    """The heading, the room's line and the switches are drawn by the page's body: a woken run of the
    step's fragment keeps them, unless it would show them otherwise (then the whole page reruns)."""
    from dataclasses import replace

    from geo.app import classroom_tour, presenting, session_wake

    _, code, _ = present("2")
    student = run_page(room=code)
    drawn = student.session_state[classroom_tour.CHROME]
    asked: list[bool] = []

    def woken_once() -> bool:  # the first run is the watch's fragment run; a rerun it asks for is the page's
        asked.append(True)
        return len(asked) <= 2  # whole_page_unless_woken, then the check of the chrome

    monkeypatch.setattr(session_wake, "fragment_rerun", woken_once)
    monkeypatch.setattr(presenting, "_told", lambda: Room(code, 4, 99))
    student.run()
    assert len(asked) == 2 and shown_step(student) == 5  # the fragment alone, on the room the watch read

    asked.clear()
    student.session_state[classroom_tour.CHROME] = replace(drawn, title="An older title")
    student.run()
    assert len(asked) > 2  # the page ran again, whole
    assert student.session_state[classroom_tour.CHROME] == drawn
