"""Presenting the tour to a class: the presenter's room, and the phones that follow it.

The teacher presses "Present to a class" and gets a room: a short code to read aloud, one
link and QR code for the class (`?room=CODE`), and a presenter token kept in this session
and, for a reload, in a cookie of this site (never in the address bar, which a projector
shows). Only the token moves the room; the store checks it on every move.

The class's pages follow the room's step without asking (ATLAS_FOLLOW_MODE "wake", the
default): at the end of each run a follower's page leaves its session with the process's
RoomWatch, whose one thread reads the store ten times a second for the rooms followed in the
process and, when a room moves, reruns each follower's page from the server
(geo/app/session_wake.py). A quiet room costs one read of the store per tick, however large the
class; the browser's fragment only rechecks the room every RECHECK_SECONDS, for a wake-up missed
while the store was out of reach.

With ATLAS_FOLLOW_MODE "wait" or "poll", the pages follow through a fragment that the browser
asks to rerun every poll interval (ATLAS_FOLLOW_POLL_SECONDS, geo/rooms/presenting.py). In
"wait", each run waits, for two to four intervals, on the process's RoomWatch, whose one thread
reads the store ten times a second for every page of the process, and reruns the page as soon as
the room moves: a student sees a Next about a tenth of a second after it, plus one run of the
page, and the browser's requests that come meanwhile queue behind the waiting run, so 50
students cost about 33 short runs a second instead of 100. ("poll" reads the store once per run
instead.) A run that waits holds no lock a click needs: with `runner.fastReruns` a click starts
the page's run at once.

The presenter's Next is written to the store last in its run (`watch`), so the teacher's page is
drawn before the whole class wakes and reruns. In "wait" and "poll", a run of a student's page
that a move started stays, at its end, in the following fragment until the browser's next
request for that fragment has come: the request then queues behind the run. Were the run to end
with nothing queued, Streamlit would start a new script runner for the request and drop whatever
the finished run had not yet sent, which under a class's burst of reruns is often most of the
page: the student would miss that step.

The room carries the storyline it was opened on (`?tour=`), and the class follows it with the
step: a class link names the storyline too, for a page that cannot reach the store. A teacher's
unsaved storyline (`?tour=mine`) has no name the class's pages know: the room carries its text
(`carried`, RoomStore.keep_storyline), and the class link is the room's alone. When the presenter
runs a changed version of it in the room (`carry`), the new text replaces the room's.

geo/app/classroom_tour.py calls `enter` before choosing the storyline and the step, `moved` from its
buttons, `notices` and `panel` in its text column, and `watch` last, all in the fragment a move reruns;
`status` (the room's line) and `recheck` are drawn from the page's body, outside that fragment. What is decided and said
about a room, with no Streamlit, is geo/rooms/presenting.py; the rooms themselves are the rest
of geo/rooms/.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import streamlit as st

from geo.app import session_wake
from geo.app.client import client
from geo.render.qr import qr_data_uri
from geo.render.templating import render, static_text
from geo.rooms import presenting
from geo.rooms.backends import open_store
from geo.rooms.presenting import COOKIE_MAX_AGE, ROOMS_PER_SESSION, Presence
from geo.rooms.store import (
    MAX_ROOM_PARAM_LENGTH,
    PRESENTER_PARAM,
    ROOM_PARAM,
    ROOM_STORYLINE,
    STORE_ENV,
    Conflict,
    NotPresenter,
    Room,
    RoomError,
    RoomGone,
    RoomLimit,
    RoomStore,
    StoreSettings,
    StoreUnavailable,
    class_link,
    normalize_code,
    presenter_link,
    read_room_param,
    settings_from_env,
)
from geo.rooms.watch import RoomWatch

log = logging.getLogger(__name__)

# Read once per process: the fragment's interval is fixed when this module is imported.
FOLLOW = presenting.follow_settings(os.environ)

# Session state. None of these is a widget's key except FOLLOWING and REVEAL, so a browser can
# set none of the others.
CODE = "room-code"  # the room this session is in
TOKEN = "room-token"  # the presenter token, in the presenter's session only
VERSION = "room-version"  # the room's version this session last showed
STEP = "room-step"  # the room's step this session last showed
PENDING = "room-pending"  # (step, version it was pressed on): the presenter's Next, written at the end of the run
SETTLE = "room-settle"  # this run was started by a move: settle at its end (see the module's notes)
MADE = "room-made"  # when this session made its rooms (the rate limit)
NOTICE = "room-notice"  # a message for the next run, from a callback
KEEP = "room-keep"  # (code, token) of the presenter cookie to set, or (code, "") to forget, on the next run
FOLLOWING = "room-follow"  # the follower's switch
REVEAL = "room-reveal"  # the presenter's switch that shows the presenter link
JOIN = "room-join"  # the field a student types a room code into
ARMED = "room-armed"  # False during the page's own run, whose inline call of the fragment must not wait
FOLLOWED = "room-followed"  # the room whose RoomWatch wakes this session ("wake" mode)
CARRIED = "room-carried"  # (code, digest) of the storyline text this presenter last gave its room
ANSWERS_LIVE = "room-answers-live"  # set by geo/app/quiz.py: this run's projector fragment follows the room
WOKEN = "room-woken"  # the room the watch woke this fragment run for (whole_page_unless_woken)
RECHECK = "room-recheck"  # (code, version) the page's own recheck follows after this run (`recheck`), or None


@lru_cache(maxsize=8)
def _store(settings: StoreSettings) -> RoomStore:
    # functools rather than st.cache_resource: every poll of every follower asks for the store,
    # and Streamlit's cache would hash the settings each time.
    store = open_store(settings)
    log.info("rooms: %s", settings.describe())
    return store


@lru_cache(maxsize=8)
def _settings(values: tuple[str | None, ...]) -> StoreSettings:
    return settings_from_env({name: value for name, value in zip(STORE_ENV, values, strict=True) if value is not None})


def store() -> RoomStore:
    """The process's store for the current settings (ATLAS_REDIS_URL, ATLAS_ROOMS_DIR, ATLAS_ROOM_IDLE_MINUTES...),
    read again only when one of them has changed: a woken follower's run asks for it several times."""
    return _store(_settings(tuple(os.environ.get(name) for name in STORE_ENV)))


@lru_cache(maxsize=8)
def _room_watch(of: RoomStore) -> RoomWatch:
    return RoomWatch(of)


def _leave() -> None:
    for key in (CODE, TOKEN, VERSION, STEP):
        st.session_state.pop(key, None)


def _drop_params() -> None:
    for key in (ROOM_PARAM, PRESENTER_PARAM):
        if key in st.query_params:
            del st.query_params[key]


def enter() -> Presence:
    """Read `?room=` (and a presenter link or cookie) and ask the store where the room is: its
    storyline and step (the page keeps a step within its storyline's steps)."""
    state = st.session_state
    notice = state.pop(NOTICE, None)
    woken = state.pop(WOKEN, None)  # taken in any case: a later run must not read it
    code, bad = read_room_param(st.query_params.get_all(ROOM_PARAM) or None)
    if code is None:
        _leave()
        _drop_params()
        return Presence(notice=bad or notice)
    if state.get(CODE) != code:
        _leave()
        state[CODE] = code
    offered = st.query_params.get(PRESENTER_PARAM)
    if offered is not None:
        del st.query_params[PRESENTER_PARAM]  # out of the address bar at once
    try:
        room = None
        if TOKEN not in state:
            room = woken if woken is not None and woken.code == code else _woken_for(code)
        if room is None:
            room = store().get(code)
        if room is not None and TOKEN not in state:
            cookie = st.context.cookies.get(presenting.cookie_name(code))
            claim = presenting.claim_presenter(store(), code, room, offered, cookie)
            room, notice = claim.room, claim.notice or notice
            if claim.token is not None:
                state[TOKEN] = claim.token
            if claim.keep:
                state[KEEP] = (code, claim.token)
    except StoreUnavailable:
        log.warning("room %s: the store is out of reach", code)
        return Presence(code, None, TOKEN in state, True, notice or presenting.STORE_AWAY)
    if room is None:
        _leave()
        _drop_params()
        return Presence(notice=presenting.gone_notice(code))
    state.setdefault(FOLLOWING, True)
    state[VERSION], state[STEP] = room.version, room.step
    pending = state.get(PENDING)
    return presenting.in_room(
        code, room, TOKEN in state, bool(state[FOLLOWING]), pending[0] if pending is not None else None, notice
    )


def _told() -> Room | None:
    """The room the process's RoomWatch woke this run for, once (None: the browser started the run)."""
    code = st.session_state.get(FOLLOWED)
    if FOLLOW.mode != "wake" or code is None:
        return None
    session = session_wake.current_session()
    return _room_watch(store()).told(code, session) if session is not None else None


def _woken_for(code: str) -> Room | None:
    """The room this follower's run was woken for, which the process's RoomWatch has just read
    (None: read the store): a room's Next wakes the whole class at once, and a read per follower
    was about a tenth of each follower's run."""
    room = _told()
    return room if room is not None and room.code == code else None


def whole_page_unless_woken() -> None:
    """Called first in the fragment that holds a page's room and step (the tour's body), which the
    watch reruns alone when the room moves: a run of that fragment that a widget in it started (a
    button, a toggle) reruns the whole page instead, as every click did before the fragment."""
    if not session_wake.fragment_rerun():
        return
    room = _told()
    if room is None:
        st.rerun(scope="app")
    st.session_state[WOKEN] = room  # `enter` reads it instead of the store


def presented() -> str | None:
    """The room this session presents, if any (Make a tour's Run comes back to it)."""
    state = st.session_state
    return state.get(CODE) if state.get(TOKEN) else None


def moved(index: int) -> None:
    """A tour button was pressed: the presenter moves the room (at the end of this run); a
    follower goes browsing."""
    state = st.session_state
    if state.get(CODE) is None:
        return
    if state.get(TOKEN) is None:
        state[FOLLOWING] = False
        return
    state[PENDING] = (index, state.get(VERSION))  # compare-and-set on the step the screen showed


def _publish(code: str, index: int, expected: int | None) -> int | None:
    """Write the presenter's move; the room's new version, or a notice and a rerun that shows the
    class's actual step (the store refused the token, another screen moved first, ...)."""
    state = st.session_state
    try:
        room = store().move(code, state.get(TOKEN, ""), index, expected_version=expected)
    except (Conflict, NotPresenter, RoomGone, StoreUnavailable) as exc:
        if isinstance(exc, NotPresenter):
            state.pop(TOKEN, None)
        state[NOTICE] = presenting.move_refused(exc, code)
    else:
        state[VERSION], state[STEP] = room.version, room.step
        return room.version
    if STEP in state:  # show the class's step, not one the class never saw
        st.query_params["step"] = str(state[STEP] + 1)
    st.rerun()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _give(code: str, token: str, text: str) -> Room:
    """The room carries this storyline text from now on (the presenter's token writes it)."""
    room = store().keep_storyline(code, token, text)
    st.session_state[CARRIED] = (code, _digest(text))
    return room


def carry(presence: Presence, text: str | None) -> Presence:
    """The presenter of a room that carries a storyline text, with this session's own storyline
    (`text`) changed since this session gave the room its text (Make a tour, then Run again): the room
    carries the new text, and moves, so the class's pages show it. Anyone else's presence (another
    presenter screen too, whose own storyline may be another) is returned as it is."""
    state = st.session_state
    room, code, token = presence.room, presence.code, state.get(TOKEN)
    if text is None or room is None or code is None or not presence.presenter or room.tour != ROOM_STORYLINE:
        return presence
    given = state.get(CARRIED)  # only a session that gave this room its text replaces it
    if given is None or given[0] != code or given[1] == _digest(text) or not token:
        return presence
    try:
        given = _give(code, token, text)
    except (NotPresenter, RoomGone, StoreUnavailable) as exc:
        return replace(presence, notice=presenting.move_refused(exc, code))
    except RoomError as exc:
        return replace(presence, notice=str(exc))
    state[VERSION] = given.version
    return replace(presence, room=replace(given, step=room.step))


def _start(index: int, storyline: str, then: Callable[[], None] | None, carried: str | None = None) -> None:
    """ "Present to a class": a new room at this step of this storyline, within the session's rate
    limit; `then` is the page's own step once the room is open. With `carried` (a storyline file's
    text, the session's own), the room carries that text and shows it."""
    state = st.session_state
    now = time.time()
    allowed, made = ROOMS_PER_SESSION.allow(tuple(state.get(MADE, ())), now)
    state[MADE] = made
    if not allowed:
        state[NOTICE] = presenting.rate_limited(made, now)
        return
    try:
        tour = ROOM_STORYLINE if carried is not None else storyline
        room, token = store().create(step=index, tour=tour, client=client())
        if carried is not None:
            try:
                room = _give(room.code, token, carried)
            except RoomError:
                store().close(room.code, token)  # a room with no storyline to show is no use to the class
                raise
    except RoomLimit as exc:
        state[NOTICE] = str(exc)
        return
    except StoreUnavailable:
        state[NOTICE] = presenting.NO_ROOM_OPENED
        return
    except RoomError as exc:  # the storyline's text was refused (too long)
        state[NOTICE] = str(exc)
        return
    _leave()
    state.update({CODE: room.code, TOKEN: token, VERSION: room.version, KEEP: (room.code, token)})
    st.query_params[ROOM_PARAM] = room.code
    if then is not None:
        then()


def _stop() -> None:
    """ "Stop presenting": the room ends for everyone; this page browses on its own again."""
    state = st.session_state
    code, token = state.get(CODE), state.get(TOKEN)
    if code and token:
        try:
            store().close(code, token)
        except (RoomGone, NotPresenter):
            pass
        except StoreUnavailable:
            state[NOTICE] = presenting.STILL_OPEN
            return
        state[KEEP] = (code, "")
        state[NOTICE] = presenting.closed_notice(code)
    _leave()
    _drop_params()


def _join() -> None:
    """A room code typed by a student (as the teacher read it out): follow that room."""
    typed = st.session_state.get(JOIN, "")
    st.session_state[JOIN] = ""
    code = normalize_code(typed) if isinstance(typed, str) else None
    if code is None:
        st.session_state[NOTICE] = presenting.NOT_A_CODE
        return
    st.session_state[FOLLOWING] = True
    st.query_params[ROOM_PARAM] = code


@lru_cache(maxsize=1)
def _keep_script() -> str:
    return f"<script>{static_text('atlas/present-keep.js')}</script>"


def _keep_cookie() -> None:
    """Store or forget the presenter cookie, once, in the presenter's own page."""
    kept = st.session_state.pop(KEEP, None)
    if kept is None:
        return
    code, value = kept
    keep = render("present_keep.html", name=presenting.cookie_name(code), value=value, max_age=COOKIE_MAX_AGE)
    st.html(keep + _keep_script(), unsafe_allow_javascript=True)


def notices(presence: Presence) -> None:
    """What the page tells once (a room gone, a move refused) and the presenter cookie to store: drawn
    in the tour's fragment, and only when there is something to say."""
    if presence.notice:
        st.info(presence.notice)
    _keep_cookie()


def status_key(presence: Presence) -> tuple[str, bool, bool, int | None] | None:
    """What the room's line shows: it changes only when the page joins, leaves or stops following a room
    (the class's step is shown only to a page that browses on its own, which no move wakes)."""
    if presence.code is None:
        return None
    class_step = presence.room.step + 1 if presence.room and not presence.following else None
    return presence.code, presence.presenter, presence.following, class_step


def status(key: tuple[str, bool, bool, int | None] | None) -> None:
    """The room's line at the top of the page, and the follower's switch (`status_key`); drawn outside the
    tour's fragment, so a woken follower's run sends neither."""
    if key is None:
        return
    code, presenter, following, class_step = key
    st.markdown(
        render("present_status.html", code=code, presenter=presenter, following=following, class_step=class_step),
        unsafe_allow_html=True,
    )
    if not presenter:
        st.toggle(
            "Follow the teacher",
            key=FOLLOWING,
            help="Off: move through the tour on your own. On: back to the class's step.",
        )


@lru_cache(maxsize=16)
def _qr(link: str) -> str:
    return qr_data_uri(link)


def panel(
    presence: Presence,
    page_url: str,
    index: int,
    storyline: str,
    *,
    show_qr: bool,
    on_start: Callable[[], None] | None = None,
    carried: str | None = None,
) -> bool:
    """The presenter's room (code, class link, and its QR code when `show_qr`) or the button that
    opens one on this step of this storyline (then `on_start`; the room carries the text `carried`,
    when given); True when it takes the place of the step's own link."""
    if not presence.presenter or presence.code is None:
        if presence.code is None:
            with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
                st.button(
                    "Present to a class",
                    key="room-start",
                    on_click=_start,
                    args=(index, storyline, on_start, carried),
                    icon=":material/cast_for_education:",
                    help="A room code and one QR code: every phone that opens it follows your steps.",
                )
                st.text_input(
                    "Join a class: room code",
                    key=JOIN,
                    max_chars=MAX_ROOM_PARAM_LENGTH,
                    placeholder="e.g. TJ7DF",
                    on_change=_join,
                    width=200,
                )
        return False
    tour = presence.room.tour if presence.room else storyline
    link = class_link(page_url, presence.code, tour)
    qr = _qr(link) if show_qr else None
    st.markdown(render("present_room.html", code=presence.code, link=link, qr=qr), unsafe_allow_html=True)
    with st.container(horizontal=True, gap="medium"):
        st.button("Stop presenting", key="room-stop", on_click=_stop, icon=":material/stop_circle:")
        st.toggle("Show my presenter link", key=REVEAL, help="To present from another device. Never project it.")
    token = st.session_state.get(TOKEN)
    if st.session_state.get(REVEAL) and token:
        secret = presenter_link(page_url, presence.code, token, tour)
        st.markdown(render("present_secret.html", code=presence.code, link=secret), unsafe_allow_html=True)
    return True


@st.fragment(run_every=FOLLOW.fragment_seconds)
def _watch(code: str, version: int | None) -> None:
    """Rerun the page when the room has moved or ended since the version this page last showed (see the
    module's notes). Called from the page's body, not from the tour's fragment, so a woken run of that
    fragment does not announce it again: the version is then the one the latest run read, in the
    session's state, rather than `version`, the one of the page's last full run."""
    state = st.session_state
    version = state.get(VERSION, version)
    wait = FOLLOW.wait_seconds()
    if not state.get(ARMED):
        state[ARMED] = True  # the inline call in the page's own run, which has just read the room
        if not state.pop(SETTLE, False):
            return
        wait = FOLLOW.settle_seconds
    try:
        if FOLLOW.mode == "wait":
            moved = _room_watch(store()).moved(code, version, wait)
        else:
            if wait == FOLLOW.settle_seconds:
                time.sleep(wait)  # see the module's notes
            room = store().get(code)
            moved = room is None or room.version != version
    except StoreUnavailable:
        return  # keep showing this step; the next run tries again
    if moved:
        if FOLLOW.mode != "wake":  # a woken page's next request is far off: nothing to settle
            state[SETTLE] = True
        # The fragment's request may be seconds old ("wait"): its list of the elements the browser
        # keeps may name some it has dropped since. The page's run then sends every element in full.
        session_wake.send_in_full()
        st.rerun()


def _wake_on_move(code: str | None, version: int | None) -> None:
    """Have the process's RoomWatch rerun this session's page when room `code` is newer than
    `version` (None: forget the room this session followed)."""
    state = st.session_state
    session = session_wake.current_session()
    if session is None:  # no server to wake this page (a test's run): the fragment rechecks
        return
    followed = state.get(FOLLOWED)
    room_watch = _room_watch(store())
    if followed is not None and followed != code:
        room_watch.unfollow(followed, session)
        state.pop(FOLLOWED, None)
    if code is not None:
        session_wake.hand_off_in_batches(session)  # its woken runs hand their messages over together
        session_wake.reuse_new_session(session)  # and start with a copy of the last new_session
        # Called in the fragment that holds the room's step, the watch reruns that fragment alone.
        room_watch.follow(code, session, version, session_wake.waker(session, session_wake.current_fragment()))
        state[FOLLOWED] = code


def watch(presence: Presence) -> None:
    """Follow the room while this page is in one and follows it (the presenter's too: a second
    presenter screen may move it). Called last in the tour's fragment; `recheck` then follows from
    the page's body."""
    state = st.session_state
    version = presence.room.version if presence.room else None
    pending = state.pop(PENDING, None)
    if pending is not None and presence.presenter and presence.code is not None:
        version = _publish(presence.code, *pending)
    if presence.presenter:
        state.pop(SETTLE, None)  # not part of the class's burst; its own Next must stay quick
    # geo/app/quiz.py's projector fragment reads the room with the class's answers: no second fragment.
    answers_live = state.pop(ANSWERS_LIVE, False) and presence.presenter
    if presence.code is not None and presence.following:
        if FOLLOW.mode == "wake":
            _wake_on_move(presence.code, version)
        state[RECHECK] = None if answers_live else (presence.code, version)
    else:
        state[RECHECK] = None
        state.pop(SETTLE, None)
        if FOLLOW.mode == "wake" and state.get(FOLLOWED) is not None:
            _wake_on_move(None, None)


def recheck() -> None:
    """The browser's own recheck of the room (`_watch`), in the page's body after the tour's fragment,
    for the room `watch` left to follow: only a full run of the page announces it again."""
    state = st.session_state
    following = state.get(RECHECK)
    if following is not None:
        state[ARMED] = False
        _watch(*following)
