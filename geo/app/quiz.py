"""The live quiz while presenting: the teacher asks "Where is <place>?", the class answers on their maps.

The rules and their keeping are geo/rooms/quiz.py; this is the Streamlit glue the Classroom tour
calls with a few lines. The teacher asks at a storyline step of kind `question`, or on the spot
from the place list; asking and revealing move the room, so every phone of the class wakes as for
a Next. A student answers with a tap on their own map (the map's `last_clicked`; a tap again moves
the answer) or by choosing from a short list. The projector's count and dots come from a fragment
of the presenter's page that reads the answers every ANSWERS_EVERY seconds and redraws the page
when they changed. Each student's page is counted in the room when it runs (at most every
SEEN_EVERY seconds): the class's pages all run when the question is asked.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import lru_cache, partial

import streamlit as st
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from geo.app import atlas_map, folium_component, presenting
from geo.app.atlas_map import RenderedMap
from geo.atlas.loader import Atlas
from geo.render.maps import places_bounds, view_for
from geo.render.templating import render, static_text
from geo.render.view_models import StepView
from geo.rooms.backends import open_quiz
from geo.rooms.presenting import Presence
from geo.rooms.quiz import (
    NEAR_KM,
    Answer,
    Question,
    QuizError,
    QuizStore,
    Summary,
    answer_distance,
    checked_point,
    choices,
    new_answerer,
)
from geo.rooms.store import NotPresenter, Room, RoomError, RoomStore, StoreUnavailable

log = logging.getLogger(__name__)

ANSWERS_EVERY = 0.5  # seconds between the projector's readings of the answers
SEEN_EVERY = 20.0  # seconds between two countings of one student's page in the room
ANSWERER = "quiz-answerer"  # this session's answerer secret (never a widget's key)
SEEN = "quiz-seen"  # when this page was last counted in the room
DRAWN = "quiz-drawn"  # the answers the presenter's page last drew: (question, count, dots)
ASK_PLACE = "quiz-ask-place"  # the presenter's place list
REFUSED = "quiz-refused"  # why a student's last answer was not kept, shown under their map once


@lru_cache(maxsize=8)
def _quiz(rooms: RoomStore) -> QuizStore:
    return open_quiz(rooms)


def store() -> QuizStore:
    return _quiz(presenting.store())


@dataclass(frozen=True)
class Asked:
    """The room's question on this page's step, and what this page may know of it."""

    question: Question
    title: str  # "Where is Baku?"
    name: str  # the place or event asked about
    right: BaseGeometry  # what answers are measured to
    slug: str  # the right place on the list (an event's first place drawn on the map)
    presenter: bool
    own: Answer | None = None  # a student's own answer
    summary: Summary | None = None  # the presenter's reading of the class

    @property
    def open(self) -> bool:
        return not self.question.revealed


QUESTION_VIEW = ("armenia", "azerbaijan")  # the map's view while a question is open: the region, no answer
QUESTION_VIEW_SIZE = (400, 480)  # pixels the view is fitted to: a phone's map shows all of it


def question_view(atlas: Atlas) -> tuple[str, ...]:
    """The places the map shows while a question is open: the same view whatever is asked."""
    known = tuple(slug for slug in QUESTION_VIEW if slug in atlas.by_slug)
    return known or answerable(atlas)


def region_view(atlas: Atlas) -> tuple[tuple[float, float], int]:
    """The map's center and zoom while a question is open: the region, fitted to a phone's map."""
    return view_for(places_bounds(atlas, [atlas.by_slug[s] for s in question_view(atlas)]), *QUESTION_VIEW_SIZE)


def answerable(atlas: Atlas) -> tuple[str, ...]:
    """The places a question can ask about: those drawn on the map, to measure answers from."""
    return tuple(place.slug for place in atlas.places if atlas.shape(place) is not None)


def _target(atlas: Atlas, question: Question, step: StepView) -> tuple[str, str, BaseGeometry, str] | None:
    """The title, name, shape and place on the list of what is asked; None when the atlas no longer has it."""
    if question.kind == "event":
        event = step.event if step.event is not None and step.event.slug == question.slug else None
        if event is None:
            return None
        drawn = [link.slug for link in event.places if link.slug in answerable(atlas)]
        if not drawn:
            return None
        shape = unary_union([atlas.shape(atlas.by_slug[slug]).geom for slug in drawn])
        return f"Where did this happen: {event.title}?", event.title, shape, drawn[0]
    place = atlas.by_slug.get(question.slug)
    shape = atlas.shape(place) if place is not None else None
    return None if shape is None else (f"Where is {place.name}?", place.name, shape.geom, place.slug)


def _count_in_room(code: str) -> None:
    state = st.session_state
    now = time.monotonic()
    if now - state.get(SEEN, -SEEN_EVERY) >= SEEN_EVERY:
        state[SEEN] = now
        store().seen(code, _answerer())


def _answerer() -> str:
    if ANSWERER not in st.session_state:
        st.session_state[ANSWERER] = new_answerer()
    return st.session_state[ANSWERER]


SHARED_FOR = 2.0  # seconds one reading of a room's question serves the class's other pages in the process
_read: dict[tuple[int, str, int], tuple[float, Question | None]] = {}  # (store, code, version): (when, question)


def shared_question(quiz: QuizStore, room: Room, now: float) -> Question | None:
    """The room's question at this version of the room, read once per process for a whole class: asking
    and revealing move the room, so a version has one question, and a Next wakes every page of the
    class at once (a read per page was a tenth of each follower's run). A reading serves for
    SHARED_FOR seconds only, so a room code used again later never shows an older room's question."""
    key = (id(quiz), room.code, room.version)
    held = _read.get(key)
    if held is not None and 0 <= now - held[0] < SHARED_FOR:
        return held[1]
    question = quiz.question(room.code)
    if len(_read) >= 256:  # bounded: rooms of a process, each at its latest versions
        _read.clear()
    _read[key] = (now, question)
    return question


def current(presence: Presence, index: int, step: StepView, atlas: Atlas) -> Asked | None:
    """The room's question when this page follows the room on the step it was asked at; None otherwise
    (no room, browsing on one's own, another step, or the store out of reach)."""
    if presence.code is None or presence.step != index:
        return None
    try:
        if not presence.presenter:
            _count_in_room(presence.code)
        room = presence.room  # the presenter reads afresh: its own ask or reveal has just moved the room
        if presence.presenter or room is None:
            question = store().question(presence.code)
        else:
            question = shared_question(store(), room, time.monotonic())
        if question is None or question.step != index:
            return None
        found = _target(atlas, question, step)
        if found is None:
            return None
        if presence.presenter:
            summary = store().summary(presence.code, st.session_state.get(presenting.TOKEN, ""))
            return Asked(question, *found, presenter=True, summary=summary)
        return Asked(question, *found, presenter=False, own=store().own(presence.code, _answerer()))
    except (RoomError, StoreUnavailable) as error:
        log.warning("room %s: the quiz cannot be read: %s", presence.code, error)
        return None


def map_script(asked: Asked | None, highlight: str | None) -> str | None:
    """What the map draws this run: the right place once revealed, the class's dots or a student's own
    answer, and no names while the question is open (the script is numbers and booleans only)."""
    if asked is None:  # a question closed without its reveal: the map's places and names come back
        closed = "if (window.AtlasQuiz) { AtlasQuiz.show(map_div, {open: false, dots: [], own: null}); }\n"
        return (highlight or "") + folium_component.report_script(()) + closed
    tapping = asked.open and not asked.presenter
    dots = [list(dot) for dot in asked.summary.dots] if asked.summary is not None else []
    own = [asked.own.lat, asked.own.lon] if asked.own is not None else None
    call = f"AtlasQuiz.show(map_div, {json.dumps({'open': asked.open, 'dots': dots, 'own': own})});\n"
    shown = highlight if not asked.open else None
    reports = folium_component.report_script(("last_clicked",) if tapping else ())
    return (shown or "") + reports + static_text("atlas/quiz-map.js") + "\n" + call


# The presenter: asking, the live count, revealing -------------------------------------------


def _said(error: Exception) -> str:
    """What the page says when the store refused a quiz action or could not be reached."""
    if isinstance(error, QuizError):
        return str(error)
    if isinstance(error, NotPresenter):
        return "Only the presenter's screen asks the class and reveals the answer."
    return "The class's room cannot be reached just now. Try again."


def _refused(error: Exception) -> None:
    st.session_state[presenting.NOTICE] = _said(error)


def _ask(kind: str, slug: str | None, index: int) -> None:
    """Ask the class (a button's callback); the page's room version follows the move it makes."""
    state = st.session_state
    code, token = state.get(presenting.CODE), state.get(presenting.TOKEN, "")
    slug = slug if slug is not None else state.get(ASK_PLACE)
    if code is None or not isinstance(slug, str):
        return
    try:
        room, _ = store().ask(code, token, kind, slug, index)
    except (RoomError, StoreUnavailable, ValueError) as error:
        _refused(error)
        return
    state[presenting.VERSION] = room.version


def _reveal() -> None:
    state = st.session_state
    code, token = state.get(presenting.CODE), state.get(presenting.TOKEN, "")
    if code is None:
        return
    try:
        room, _ = store().reveal(code, token)
    except (RoomError, StoreUnavailable) as error:
        _refused(error)
        return
    state[presenting.VERSION] = room.version


def _drawn(asked: Asked) -> tuple[int, int, tuple[tuple[float, float], ...]]:
    summary = asked.summary
    return (asked.question.number, summary.answered if summary else 0, tuple(sorted(summary.dots)) if summary else ())


@st.fragment(run_every=ANSWERS_EVERY)
def _projector(code: str, version: int | None) -> None:
    """The count, read again every ANSWERS_EVERY seconds; the page is drawn again (its map's dots) when
    the answers or the room changed since it was drawn."""
    state = st.session_state
    try:
        summary = store().summary(code, state.get(presenting.TOKEN, ""))
        room = presenting.store().get(code)
    except (RoomError, StoreUnavailable):
        return
    if summary is None or room is None or room.version != version:
        st.rerun()
    drawn = state.get(DRAWN)
    if drawn is not None and (summary.answered, tuple(sorted(summary.dots))) != drawn[1:]:
        st.rerun()
    st.markdown(render("quiz_count.html", summary=summary, near_km=NEAR_KM), unsafe_allow_html=True)


def ask_controls(presence: Presence, index: int, step: StepView, atlas: Atlas) -> None:
    """The presenter's ways to ask: this step's own question, or any place on the spot."""
    if not presence.presenter or presence.code is None:
        return
    if step.kind == "question":
        kind, slug = ("event", step.event.slug) if step.event else ("place", step.place.slug)
        st.button(
            f"Ask the class: where is {step.title}?",
            key="quiz-ask-step",
            on_click=_ask,
            args=(kind, slug, index),
            type="primary",
            icon=":material/where_to_vote:",
        )
    with st.expander("Ask where a place is", icon=":material/quiz:"):
        slugs = answerable(atlas)
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox("Place", slugs, key=ASK_PLACE, format_func=lambda slug: atlas.by_slug[slug].name)
            st.button("Ask the class", key="quiz-ask-place-button", on_click=_ask, args=("place", None, index))


def panel(presence: Presence, asked: Asked, atlas: Atlas, place_view: object | None) -> None:
    """The question or its reveal, in the text column, in the place of the step's passage while open."""
    own = asked.own
    if asked.open:
        html = render(
            "quiz_question.html",
            number=asked.question.number,
            title=asked.title,
            presenter=asked.presenter,
            own=own,
        )
        st.markdown(html, unsafe_allow_html=True)
    else:
        html = render(
            "quiz_reveal.html",
            number=asked.question.number,
            title=asked.title,
            name=asked.name,
            presenter=asked.presenter,
            own=own,
            place=place_view,
        )
        st.markdown(html, unsafe_allow_html=True)
    if asked.presenter:
        if asked.open:
            st.session_state[DRAWN] = _drawn(asked)
            st.session_state[presenting.ANSWERS_LIVE] = True
            # In a container of the tour's own: the tour draws its text into a container made outside
            # its fragment, and a fragment started there would be placed after that text, not here.
            with st.container():
                _projector(presence.code, presence.room.version if presence.room else None)
            st.button(
                "Reveal the answer", key="quiz-reveal", on_click=_reveal, type="primary", icon=":material/visibility:"
            )
        elif asked.summary is not None:
            st.markdown(render("quiz_count.html", summary=asked.summary, near_km=NEAR_KM), unsafe_allow_html=True)
    elif asked.open:
        _choose(presence.code, asked, atlas)


# The student: a tap on the map, or a place from the list -------------------------------------


def _answer(code: str, number: int, lat: object, lon: object, km: float, place: str | None = None) -> None:
    try:
        store().answer(code, number, _answerer(), lat, lon, km, place)
    except (RoomError, StoreUnavailable) as error:
        st.session_state[REFUSED] = _said(error)


@st.fragment
def tour_map(
    page_map: RenderedMap,
    code: str | None,
    asked: Asked | None,
    atlas: Atlas,
    highlight: str | None,
    *,
    height: int,
    center: tuple[float, float],
    zoom: int,
) -> None:
    """The tour's map, in a fragment of its own on every run (so that the drawn map is kept when a question
    opens or closes): while a question is open, a student's tap reruns only the map and the line under
    it, not the whole page (a class's taps come within seconds of each other)."""
    if asked is None or code is None or asked.presenter or not asked.open:
        atlas_map.show_map(page_map, height=height, center=center, zoom=zoom, highlight=map_script(asked, highlight))
        return
    with suppress(RoomError, StoreUnavailable):
        asked = replace(asked, own=store().own(code, _answerer()))  # after the tap's callback
    atlas_map.show_map(
        page_map,
        height=height,
        center=center,
        zoom=zoom,
        highlight=map_script(asked, None),
        returned_objects=("last_clicked",),
        on_change=partial(tapped, page_map.component_key, code, asked),
    )
    own = asked.own
    place = atlas.by_slug[own.place].name if own is not None and own.place in atlas.by_slug else None
    st.markdown(render("quiz_own.html", own=own, place=place), unsafe_allow_html=True)
    if refused := st.session_state.pop(REFUSED, None):
        st.warning(refused)


def tapped(map_key: str, code: str | None, asked: Asked) -> None:
    """The student tapped their map (its `last_clicked`): that point is their answer."""
    clicked = (st.session_state.get(map_key) or {}).get("last_clicked")
    if not isinstance(clicked, dict):
        return
    lat, lon = clicked.get("lat"), clicked.get("lng")
    try:
        lat, lon = checked_point(lat, lon)
    except QuizError as error:
        st.session_state[REFUSED] = str(error)
        return
    if code is not None:
        _answer(code, asked.question.number, lat, lon, answer_distance(lat, lon, asked.right))


def _chosen(code: str, asked: Asked, key: str, atlas_points: dict[str, tuple[float, float]]) -> None:
    slug = st.session_state.get(key)
    if slug not in atlas_points:
        return
    lat, lon = atlas_points[slug]
    _answer(code, asked.question.number, lat, lon, answer_distance(lat, lon, asked.right), slug)


def _choose(code: str | None, asked: Asked, atlas: Atlas) -> None:
    """The accessible alternative to the map: a short list of places, the right one among them."""
    if code is None:
        return
    listed = choices(asked.slug, answerable(atlas), asked.question.number)
    points = {}
    for slug in listed:
        point = atlas.shape(atlas.by_slug[slug]).geom.representative_point()
        points[slug] = (round(point.y, 5), round(point.x, 5))
    key = f"quiz-choice-{asked.question.number}"
    st.radio(
        "Or choose the place from a list",
        listed,
        index=None,
        key=key,
        format_func=lambda slug: atlas.by_slug[slug].name,
        on_change=_chosen,
        args=(code, asked, key, points),
    )
