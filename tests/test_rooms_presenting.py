"""Presenting to a class as data (geo/rooms/presenting.py): the settings, who presents a room, and
what a page says about it."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

import pytest

from geo.rooms import presenting
from geo.rooms.backends import open_store
from geo.rooms.presenting import (
    POLL_RANGE,
    RECHECK_SECONDS,
    Claim,
    FollowSettings,
    Presence,
    claim_presenter,
    follow_settings,
    in_room,
)
from geo.rooms.store import (
    CODE_LENGTH,
    Conflict,
    NotPresenter,
    RateLimit,
    Room,
    RoomError,
    RoomGone,
    RoomStore,
    StoreSettings,
    StoreUnavailable,
    normalize_code,
)


@pytest.fixture
def store(tmp_path) -> Iterator[RoomStore]:
    opened = open_store(StoreSettings(rooms_dir=tmp_path / "rooms", idle_seconds=600.0))
    yield opened
    opened.shutdown()


# The settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "mode", "seconds"),
    [
        ({}, "wake", 0.5),
        ({"ATLAS_FOLLOW_MODE": " poll ", "ATLAS_FOLLOW_POLL_SECONDS": "2"}, "poll", 2.0),
        ({"ATLAS_FOLLOW_MODE": "wait"}, "wait", 0.5),
        ({"ATLAS_FOLLOW_MODE": "POLL"}, "wake", 0.5),  # anything unknown is the default
        ({"ATLAS_FOLLOW_MODE": "wait", "ATLAS_FOLLOW_POLL_SECONDS": "0.01"}, "wait", 0.2),
        ({"ATLAS_FOLLOW_POLL_SECONDS": "1e9"}, "wake", 10.0),
        ({"ATLAS_FOLLOW_POLL_SECONDS": "soon"}, "wake", 0.5),
        ({"ATLAS_FOLLOW_POLL_SECONDS": "nan"}, "wake", 0.5),
        ({"ATLAS_FOLLOW_POLL_SECONDS": "-inf"}, "wake", 0.2),
    ],
)
def test_settings_come_from_the_environment_within_bounds(environ, mode, seconds):
    assert follow_settings(environ) == FollowSettings(mode, seconds)


def test_only_waking_followers_leave_the_browser_a_slow_recheck():
    assert FollowSettings("wake", 0.5).fragment_seconds == RECHECK_SECONDS >= POLL_RANGE[1]
    assert FollowSettings("wait", 0.5).fragment_seconds == FollowSettings("poll", 0.5).fragment_seconds == 0.5


def test_a_wait_outlasts_the_browsers_interval_and_the_class_spreads_out():
    follow = FollowSettings("wait", 0.5)
    assert follow.wait_range == (1.0, 2.0) and follow.settle_seconds == 0.75
    rng = random.Random(1)
    waits = [follow.wait_seconds(rng) for _ in range(200)]
    assert all(1.0 <= w <= 2.0 for w in waits) and max(waits) - min(waits) > 0.8
    assert all(math.isfinite(w) for w in waits)


# A page's place in a room ------------------------------------------------------------------------


def test_a_presenter_follows_and_shows_the_next_it_is_making():
    room = Room("ACDEF", 2, 5, "chronology")
    teacher = in_room("ACDEF", room, presenter=True, follow=False, pending=3, notice=None)
    assert teacher.following and teacher.step == 3 and teacher.storyline == "chronology"
    student = in_room("ACDEF", room, presenter=False, follow=True, pending=3, notice="hello")
    assert student.step == 2 and student.notice == "hello"  # a student's own press moves nothing
    browsing = in_room("ACDEF", room, presenter=False, follow=False, pending=None, notice=None)
    assert browsing.step is None and browsing.storyline is None and browsing.room == room
    assert Presence().step is None and not Presence().following


def test_a_presenter_link_makes_the_page_the_presenter_and_is_kept(store):
    room, token = store.create(step=1)
    claim = claim_presenter(store, room.code, room, token, cookie=None)
    assert claim == Claim(store.get(room.code), token, keep=True)


def test_a_presenter_link_that_does_not_present_the_room_says_so(store):
    room, token = store.create()
    other, _ = store.create()
    claim = claim_presenter(store, room.code, room, "B" * 43, cookie=token)  # the link wins over the cookie
    assert claim.token is None and not claim.keep and claim.room == room
    assert claim.notice == presenting.not_presenter_link(room.code) and room.code in claim.notice
    assert claim_presenter(store, other.code, other, token, None).token is None  # one room's token, not another's


def test_the_cookie_makes_the_presenter_again_and_a_stale_one_is_ignored(store):
    room, token = store.create()
    assert claim_presenter(store, room.code, room, None, token) == Claim(store.get(room.code), token)
    for cookie in ("C" * 43, "", None, 42):
        assert claim_presenter(store, room.code, room, None, cookie) == Claim(room)


def test_a_store_out_of_reach_is_the_callers_to_handle():
    away = open_store(StoreSettings(redis_url="redis://127.0.0.1:9/0"))
    with pytest.raises(StoreUnavailable):
        claim_presenter(away, "ACDEF", Room("ACDEF", 0, 1), "A" * 43, None)


# What a page says --------------------------------------------------------------------------------


def test_each_refused_move_has_its_own_message_and_names_a_gone_room():
    room = Room("ACDEF", 0, 1)
    errors = [Conflict(room), NotPresenter("x"), RoomGone("x"), StoreUnavailable("x")]
    messages = [presenting.move_refused(error, "ACDEF") for error in errors]
    assert len(set(messages)) == 4
    assert messages[2] == presenting.gone_notice("ACDEF") and "ACDEF" in messages[2]
    assert "did not move" in messages[3]
    with pytest.raises(TypeError):
        presenting.move_refused(RoomError("x"), "ACDEF")


def test_the_rate_limit_says_how_many_rooms_and_how_long_to_wait():
    limit = RateLimit(count=3, window=600.0)
    allowed, history = True, ()
    for now in (0.0, 10.0, 20.0, 30.0):
        allowed, history = limit.allow(history, now)
    assert not allowed
    assert presenting.rate_limited(history, 30.0, limit) == (
        "This page has opened 3 rooms in the last minutes; open another in 10 min."
    )
    assert "open another in 1 min" in presenting.rate_limited(history, 599.0, limit)  # never "0 min"


def test_a_room_code_notice_matches_the_codes_and_echoes_only_checked_codes():
    assert f"{CODE_LENGTH} letters and digits" in presenting.NOT_A_CODE
    assert presenting.closed_notice("ACDEF").startswith("Room ACDEF is closed")
    assert normalize_code("<script>") is None  # what reaches these messages is a checked code
