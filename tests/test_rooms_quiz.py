"""The live quiz of a room (geo/rooms/quiz.py): the rules, on SQLite and on a private Redis, forged
requests included."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from shapely.geometry import Point, box

from geo.rooms import quiz
from geo.rooms.backends import open_quiz, open_store
from geo.rooms.quiz import (
    ANSWERS_PER_WINDOW,
    MAX_ANSWERS,
    NEAR_KM,
    Answer,
    AnswerLimit,
    NoQuestion,
    QuizError,
    Revealed,
    answer_distance,
    answerer_key,
    checked_point,
    choices,
    new_answerer,
    summarize,
)
from geo.rooms.store import NotPresenter, RoomGone, new_token

IDLE = 600.0


@pytest.fixture
def rooms(room_settings, clock):
    opened = open_store(replace(room_settings, idle_seconds=IDLE), clock)
    yield opened
    opened.shutdown()


@pytest.fixture
def store(rooms):
    return open_quiz(rooms)


@pytest.fixture
def asked(rooms, store):
    """A room presenting step 2 with "Where is Baku?" asked: its code and presenter token."""
    room, token = rooms.create(step=2)
    store.ask(room.code, token, "place", "baku", 2)
    return room.code, token


# The rules as data ----------------------------------------------------------------------------


def test_a_point_inside_the_right_region_is_no_distance_and_one_outside_is_geodesic():
    region = box(46.0, 39.0, 47.0, 40.0)
    assert answer_distance(39.5, 46.5, region) == 0.0
    # One degree of latitude north of the box's edge, on the ellipsoid: about 111 km.
    assert answer_distance(41.0, 46.5, region) == pytest.approx(111.1, abs=0.5)
    assert answer_distance(40.5, 49.87, Point(49.87, 40.41)) == pytest.approx(10.0, abs=0.3)


@pytest.mark.parametrize("lat, lon", [(91, 0), (float("nan"), 0), (0, float("inf")), ("40", 49), (True, 1), (None, 2)])
def test_a_point_off_the_globe_is_no_answer(lat, lon):
    with pytest.raises(QuizError):
        checked_point(lat, lon)


def test_a_map_panned_round_the_world_gives_its_longitude_back_in_range():
    assert checked_point(40.0, 409.5) == (40.0, 49.5)
    assert checked_point(40.0, -190.0) == (40.0, 170.0)


def test_the_summary_keeps_the_spread_for_the_reveal():
    answers = [Answer(40, 49, km) for km in (0.0, 10.0, 60.0, 400.0)]
    before = summarize(answers, in_room=7, revealed=False)
    assert (before.answered, before.in_room, before.median_km, before.near_share) == (4, 7, None, None)
    after = summarize(answers, in_room=7, revealed=True)
    assert after.median_km == 35.0
    assert after.near_share == 0.5 and NEAR_KM == 50.0
    assert summarize(answers, in_room=1, revealed=True).in_room == 4  # whoever answered is in the room


def test_the_list_holds_the_right_place_among_others_the_same_for_the_whole_class():
    others = [f"place-{i}" for i in range(20)]
    first = choices("baku", others, 3)
    assert len(first) == quiz.CHOICES and "baku" in first and len(set(first)) == len(first)
    assert choices("baku", list(reversed(others)), 3) == first
    assert any(choices("baku", others, n) != first for n in range(4, 10))


def test_an_answerer_is_kept_as_a_hash_that_answers_for_nobody_else():
    secret = new_answerer()
    assert secret not in answerer_key(secret) and len(answerer_key(secret)) == 32
    assert answerer_key(secret) != answerer_key(new_answerer())


# On both stores -------------------------------------------------------------------------------


def test_the_presenter_asks_and_the_class_sees_the_question_as_a_move(rooms, store):
    room, token = rooms.create(step=4)
    assert store.question(room.code) is None
    moved, question = store.ask(room.code, token, "event", "offensive-2023", 4)
    assert (question.number, question.kind, question.slug, question.step, question.revealed) == (
        1,
        "event",
        "offensive-2023",
        4,
        False,
    )
    assert moved.version == room.version + 1 and moved.step == 4
    assert rooms.get(room.code) == moved  # every waiting page wakes on the version
    assert store.question(room.code) == question
    _, second = store.ask(room.code, token, "place", "baku", 4)
    assert second.number == 2


def test_one_answer_per_student_that_moves_until_the_reveal(asked, store):
    code, token = asked
    ana, ben = new_answerer(), new_answerer()
    store.answer(code, 1, ana, 40.0, 49.0, 80.0)
    store.answer(code, 1, ana, 40.4, 49.8, 5.0)  # moved: still one answer
    store.answer(code, 1, ben, 39.0, 46.0, 300.0, place="stepanakert")
    summary = store.summary(code, token)
    assert summary.answered == 2
    assert sorted(summary.dots) == [(39.0, 46.0), (40.4, 49.8)]
    assert store.own(code, ana) == Answer(40.4, 49.8, 5.0)
    assert store.own(code, ben) == Answer(39.0, 46.0, 300.0, "stepanakert")


def test_nobody_answers_for_someone_else(asked, store):
    code, token = asked
    ana = new_answerer()
    store.answer(code, 1, ana, 40.4, 49.8, 5.0)
    # A forged request that names Ana's key (all the store keeps) answers as another answerer.
    store.answer(code, 1, answerer_key(ana) + "A" * 8, 10.0, 10.0, 4000.0)
    assert store.own(code, ana) == Answer(40.4, 49.8, 5.0)
    assert store.summary(code, token).answered == 2
    with pytest.raises(QuizError):
        store.answer(code, 1, "not a secret", 1.0, 1.0, 1.0)


def test_answers_close_at_the_reveal_and_the_reveal_shows_each_their_own(asked, store):
    code, token = asked
    ana = new_answerer()
    store.answer(code, 1, ana, 40.0, 49.0, 60.0)
    room, question = store.reveal(code, token)
    assert question.revealed and store.question(code).revealed
    with pytest.raises(Revealed):
        store.answer(code, 1, ana, 40.4, 49.8, 0.0)
    with pytest.raises(Revealed):
        store.answer(code, 1, new_answerer(), 40.4, 49.8, 0.0)
    assert store.own(code, ana) == Answer(40.0, 49.0, 60.0)
    summary = store.summary(code, token)
    assert (summary.answered, summary.median_km, summary.near_share) == (1, 60.0, 0.0)


def test_an_answer_to_a_question_no_longer_asked_is_refused(rooms, store, asked):
    code, token = asked
    store.ask(code, token, "place", "goris", 2)
    with pytest.raises(NoQuestion):
        store.answer(code, 1, new_answerer(), 40.0, 49.0, 1.0)
    room, _ = rooms.create()
    with pytest.raises(NoQuestion):
        store.answer(room.code, 1, new_answerer(), 40.0, 49.0, 1.0)


def test_a_new_question_starts_with_no_answers(asked, store):
    code, token = asked
    ana = new_answerer()
    store.answer(code, 1, ana, 40.0, 49.0, 1.0)
    store.ask(code, token, "place", "goris", 2)
    assert store.own(code, ana) is None
    assert store.summary(code, token).answered == 0


def test_only_the_presenter_reads_the_class_answers(asked, store):
    code, token = asked
    store.answer(code, 1, new_answerer(), 40.0, 49.0, 1.0)
    for forged in ("", "x" * 40, new_token()):
        with pytest.raises(NotPresenter):
            store.summary(code, forged)
    # What a student can read: the question, and their own answer only.
    stranger = new_answerer()
    assert store.own(code, stranger) is None
    assert store.own(code, "forged") is None


def test_only_the_presenter_asks_and_reveals(rooms, store, asked):
    code, token = asked
    other, other_token = rooms.create()
    for forged in ("", "short", new_token(), other_token):
        with pytest.raises(NotPresenter):
            store.ask(code, forged, "place", "goris", 2)
        with pytest.raises(NotPresenter):
            store.reveal(code, forged)
    assert store.question(code).slug == "baku" and not store.question(code).revealed
    with pytest.raises(NoQuestion):
        store.reveal(other.code, other_token)


@pytest.mark.parametrize("kind, slug", [("place", "<script>"), ("person", "baku"), ("place", "")])
def test_a_question_names_a_place_or_an_event_by_slug(rooms, store, kind, slug):
    room, token = rooms.create()
    with pytest.raises(ValueError):
        store.ask(room.code, token, kind, slug, 0)


def test_a_flood_from_one_client_is_refused_and_its_last_answer_kept(asked, store, clock):
    code, token = asked
    flooder = new_answerer()
    for i in range(ANSWERS_PER_WINDOW):
        store.answer(code, 1, flooder, 40.0, 40.0 + i / 100, 1.0)
    with pytest.raises(AnswerLimit):
        store.answer(code, 1, flooder, 0.0, 0.0, 9999.0)
    assert store.own(code, flooder).lon == pytest.approx(40.0 + (ANSWERS_PER_WINDOW - 1) / 100)
    store.answer(code, 1, new_answerer(), 40.0, 49.0, 1.0)  # the others still answer
    clock.now += quiz.ANSWER_WINDOW
    store.answer(code, 1, flooder, 41.0, 41.0, 2.0)  # a minute later, it may again
    assert store.summary(code, token).answered == 2


def test_a_question_takes_at_most_its_number_of_answers(asked, store, monkeypatch):
    code, _ = asked
    for module in ("geo.rooms.quiz_sqlite", "geo.rooms.quiz_redis", "geo.rooms.quiz"):
        monkeypatch.setattr(f"{module}.MAX_ANSWERS", 3)
    first = [new_answerer() for _ in range(3)]
    for secret in first:
        store.answer(code, 1, secret, 40.0, 49.0, 1.0)
    with pytest.raises(AnswerLimit):
        store.answer(code, 1, new_answerer(), 40.0, 49.0, 1.0)
    store.answer(code, 1, first[0], 41.0, 49.0, 1.0)  # one already counted may still move
    assert MAX_ANSWERS >= 250


def test_the_projector_counts_the_pages_in_the_room(asked, store, clock):
    code, token = asked
    pages = [new_answerer() for _ in range(3)]
    for secret in pages:
        store.seen(code, secret)
    store.seen(code, pages[0])  # the same page again is the same one
    store.answer(code, 1, pages[0], 40.0, 49.0, 1.0)
    assert (store.summary(code, token).answered, store.summary(code, token).in_room) == (1, 3)
    clock.now += quiz.SEEN_SECONDS + 1
    store.seen(code, pages[1])
    assert store.summary(code, token).in_room == 1


def test_the_quiz_goes_with_its_room(rooms, store, asked, clock):
    code, token = asked
    ana = new_answerer()
    store.answer(code, 1, ana, 40.0, 49.0, 1.0)
    rooms.close(code, token)
    assert store.question(code) is None and store.own(code, ana) is None
    with pytest.raises(RoomGone):
        store.summary(code, token)
    with pytest.raises(NoQuestion):
        store.answer(code, 1, ana, 40.0, 49.0, 1.0)


def test_an_idle_rooms_quiz_is_gone_and_a_new_room_on_its_code_has_none(rooms, store, asked, clock, monkeypatch):
    code, token = asked
    store.answer(code, 1, new_answerer(), 40.0, 49.0, 1.0)
    clock.now += IDLE + 1
    assert store.question(code) is None
    monkeypatch.setattr("geo.rooms.store.new_code", lambda: code)
    room, new = rooms.create()
    assert room.code == code and store.question(code) is None
    _, question = store.ask(code, new, "place", "goris", 0)
    assert question.number == 1 and store.summary(code, new).answered == 0


def test_redis_keeps_the_quiz_under_the_rooms_prefix_and_expires_it(room_settings, rooms, store, asked):
    if not room_settings.redis_url:
        pytest.skip("Redis only")
    code, _ = asked
    store.answer(code, 1, new_answerer(), 40.0, 49.0, 1.0)
    keys = sorted(rooms._redis.keys(f"*{code}*"))
    assert keys and all(k.startswith(f"atlas:room:{code}") for k in keys)
    assert all(0 < rooms._redis.ttl(k) <= rooms.ttl for k in keys)


def test_two_hundred_and_fifty_students_answering_at_once_lose_nothing(room_settings, rooms, asked, clock):
    code, token = asked
    workers = [open_quiz(open_store(replace(room_settings, idle_seconds=IDLE), clock)) for _ in range(4)]
    secrets_ = [new_answerer() for _ in range(250)]
    errors: list[BaseException] = []

    def answer(part: int) -> None:
        try:
            for secret in secrets_[part::4]:
                workers[part].answer(code, 1, secret, 40.0, 49.0, 1.0)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors
        assert open_quiz(rooms).summary(code, token).answered == 250
    finally:
        for worker in workers:
            worker.rooms.shutdown()
