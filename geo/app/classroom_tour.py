"""The Classroom tour page (pages/1_Classroom_tour.py): one place at a time, in large type, for
presenting to a class.

The storyline lives in data/tour.yaml; a second one, through the article's chronology, in
data/tour-chronology.yaml (`?tour=chronology`). The step is kept in the link (`?step=3`), so
every step can be shared or opened from a QR code. Keyboard and presenter clickers:
Right/Left, Page Down/Page Up and Space move between steps; Home and End jump to the
first and last (static/atlas/tour-keys.js). "Present to a class" opens a room that the
class's phones follow (`?room=CODE`, geo/app/presenting.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo.app import bundle, gate, own_tours, presenting, quiz, session_wake, source, tour_view
from geo.app.registry import EXPLORE_FILE, TOUR_PATH, page_address, page_script
from geo.app.style import html, use_css, use_script
from geo.atlas.loader import Atlas
from geo.atlas.tours import DEFAULT_TOUR, TOUR_LABELS, Tour, read_step_param, read_tour_param, step_link, storylines
from geo.render import step_buttons
from geo.render.handout import handout_html
from geo.render.qr import qr_data_uri
from geo.rooms.store import ROOM_STORYLINE

QR, NOTES, CONTRAST = "tour-qr", "tour-notes", "tour-contrast"  # the page's own switches
CHROME = "tour-chrome"  # session state: the Chrome the page's last full run drew
SHOWN = "tour-shown"  # session state: (the step's index, the number of steps) the page's last run showed


def storyline_links(names: tuple[str, ...]) -> dict[str, str]:
    """Each storyline's first step, as a link that reloads the page on it."""
    return {tour: source.keep_source(step_link(page_address(TOUR_PATH), 1, tour)) for tour in names}


def step_links(name: str) -> Callable[[int], str]:
    """The handout's step links, made from this run's address and atlas (the handout is made later,
    off the script's thread, where neither can be read)."""
    base, src = page_address(TOUR_PATH), source.current()
    return lambda number: source.keep_source(step_link(base, number, name), src)


def go(index: int) -> None:
    st.query_params["step"] = str(index + 1)
    presenting.moved(index)


def press(action: str) -> None:
    """A step button was pressed: move from the step this page shows, as its last run drew it (a
    follower's woken runs move it without the page's body, which draws these buttons); nothing
    where the button is disabled."""
    shown = st.session_state.get(SHOWN)
    lead = step_buttons.target(action, *shown) if shown is not None else None
    if lead is not None:
        go(lead)


def show_qr() -> None:
    """A room was just opened: its QR code shows at once."""
    st.session_state[QR] = True


def step_keys() -> None:
    """The step buttons' keys (`tour-first`, `tour-prev`, `tour-next`, `tour-last`), hidden: the buttons a
    reader sees and presses are drawn with the step (tour_buttons.html), and static/atlas/tour-keys.js
    presses these for them. Drawn by the page's body, so a follower's woken run sends none of them."""
    with st.container(key="tour-step-keys"):
        for action in step_buttons.ACTIONS:
            st.button(action, key=f"tour-{action}", on_click=press, args=(action,))


@dataclass(frozen=True)
class Chrome:
    """What the page draws around the tour's fragment, from the page's body: the storyline's heading,
    the room's line, the switches and the handout. None of it changes with a step, so a woken
    follower's run sends none of it; a woken run that would show other chrome reruns the whole page."""

    title: str
    name: str
    links: tuple[tuple[str, str], ...] | None  # the storylines' links, when there are several
    linked: bool  # this atlas has links (a draft atlas has none)
    status: tuple[str, bool, bool, int | None] | None  # presenting.status_key
    qr_switch: bool  # a QR code can be shown (a link, or the presenter's room)
    story: Tour  # the storyline, for the handout
    shareable: bool  # its steps have links


def head(chrome: Chrome) -> None:
    """The title, the link to Explore and the storylines (one element), then the room's line."""
    links = dict(chrome.links) if chrome.links else None
    header = {"title": chrome.title, "current": chrome.name, "links": links, "labels": TOUR_LABELS}
    if chrome.linked:
        html("tour_header.html", explore_url=source.keep_source(page_address()), **header)
    else:  # a draft lives in this session only: a link that reloads the page would lose it
        with st.container(horizontal=True, vertical_alignment="center"):
            html("tour_header.html", explore_url=None, **{**header, "links": None})
            st.page_link(page_script(EXPLORE_FILE), label="Explore the map", icon=":material/map:")
        if links:
            html("tour_storylines.html", current=chrome.name, links=links, labels=TOUR_LABELS)
    presenting.status(chrome.status)


def foot(chrome: Chrome, made: bundle.Bundle) -> None:
    """The page's switches and the printable handout."""
    with st.container(horizontal=True, gap="medium"):
        st.toggle("Show teacher notes", key=NOTES)
        st.toggle("High contrast", key=CONTRAST)
        if chrome.qr_switch:
            st.toggle("Show QR code", key=QR)
    # Made when asked for (deferred, off the script's thread, so from this run's atlas and
    # storyline): a run never builds, copies or hashes it.
    links = step_links(chrome.name) if chrome.shareable else None
    st.download_button(
        "Printable handout (HTML, print to PDF)",
        data=partial(handout_html, made.atlas, chrome.story, link=links),
        file_name=f"{made.file_stem('karabakh')}-tour-handout.html",
        mime="text/html",
        key="tour-handout",
        on_click="ignore",
        icon=":material/print:",
    )


def main() -> None:
    st.set_page_config(
        page_title="Classroom tour · Karabakh Atlas", page_icon="🗺️", layout="wide", initial_sidebar_state="collapsed"
    )
    use_css("tour.css", "present.css")
    if st.session_state.get(CONTRAST):
        use_css("tour-contrast.css")
    data = gate.open_atlas("The tour")
    made = bundle.current()
    map_col, text_col = st.columns([11, 9], gap="medium")
    with text_col:
        top, body, bottom = st.container(), st.container(), st.container()
    with map_col:
        chrome = tour(data, made, body)
    st.session_state[CHROME] = chrome
    with top:
        head(chrome)
    with bottom:
        foot(chrome, made)
        step_keys()
    presenting.recheck()
    html("credits.html", view=made.view(), osm=True)
    use_script("tour-keys.js")


@st.fragment
def tour(data: Atlas, made: bundle.Bundle, body: DeltaGenerator) -> Chrome:
    """The step and its map: when the room a class follows moves, the watch reruns this fragment alone
    (geo/app/presenting.py); anything else that reruns it reruns the whole page. It draws the map where
    it is called and the step's text into `body`, a container of the text column made by the page's
    body (Streamlit keeps a fragment's writes to such a container in place when it reruns), between
    the chrome above and below it that only the page's body draws."""
    presenting.whole_page_unless_woken()
    names = storylines(gate.open_events())
    name, tour_notice = read_tour_param(st.query_params.get_all("tour") or None, names)
    # Presenting to a class is for the Karabakh atlas only: a room's followers open the default atlas.
    default = source.current().is_default
    room = presenting.enter() if default else presenting.Presence()
    room = presenting.carry(room, own_tours.session_text())  # a changed storyline of the session's own
    if room.storyline in names:  # the class follows its presenter's storyline
        name, tour_notice = room.storyline, None
    # A teacher's own storyline (Make a tour): this session's, a saved one the link or the room names,
    # or the text the room carries.
    wanted = room.storyline or st.query_params.get("tour")
    own, own_notice = own_tours.find(made, wanted, room.code) if wanted not in names else (None, None)
    if own is not None:
        name, tour_notice, story, steps = wanted, None, own.tour, own.steps
    else:
        tour_notice = own_notice or tour_notice
        story, steps = gate.open_tour(name), made.steps(name)
    linked = source.shareable()  # this atlas has links (a draft atlas has none)
    shareable = linked and (own is None or own.shareable)  # and so has this storyline
    index, notice = read_step_param(st.query_params.get_all("step") or None, len(steps))
    notice = " ".join(n for n in (tour_notice, notice) if n) or None
    if name == ROOM_STORYLINE:
        pass  # the room's link is the storyline's: the presenter's `?tour=mine` stays for after the room
    elif tour_notice or (name == DEFAULT_TOUR and "tour" in st.query_params):
        st.query_params.pop("tour", None)  # the first storyline's links carry no `tour`
    elif name != DEFAULT_TOUR and st.query_params.get("tour") != name:
        st.query_params["tour"] = name
    if room.step is not None:  # the class follows its presenter's step (the last, if the storyline shrank)
        index, notice = min(room.step, len(steps) - 1), tour_notice  # why its storyline is not shown, if so
    if notice or st.query_params.get("step") != str(index + 1):
        st.query_params["step"] = str(index + 1)  # the address bar always shows this step's link
    step = steps[index]
    asked = quiz.current(room, index, step, data)  # the class's question on this step, if one is asked

    qr_on, here = bool(st.session_state.get(QR)), page_address(TOUR_PATH)
    # The session's own storyline has no link, but a room can carry it (its text) to a class.
    carried = own.text if own is not None and linked else None
    presentable = default and (shareable or carried is not None or name == ROOM_STORYLINE)
    chrome = Chrome(
        title=story.title,
        name=name,
        links=tuple(storyline_links(names).items()) if len(names) > 1 else None,
        linked=linked,
        status=presenting.status_key(room),
        qr_switch=shareable or (room.presenter and room.code is not None),
        story=story,
        shareable=shareable,
    )
    if session_wake.fragment_rerun() and st.session_state.get(CHROME) != chrome:
        st.rerun(scope="app")  # a woken run whose heading, room line or switches changed: the whole page
    other = asked is not None and asked.slug not in step.place_slugs
    passage = asked is None or not (asked.open or other)
    # The step's own link, unless the presenter's room panel or a notice takes its place.
    link_shown = not (presentable and room.presenter and room.code is not None) and name != ROOM_STORYLINE
    link = source.keep_source(step_link(here, step.number, name)) if shareable and link_shown else None
    qr = qr_data_uri(link) if link is not None and qr_on else None
    with body:
        if notice:
            st.warning(notice)
        presenting.notices(room)
        if asked is not None:
            html("tour_body.html", step=step, counter=True, passage=False, link=None)
            quiz.panel(room, asked, data, made.view().place(asked.slug) if other else None)
        text = {"passage": passage, "notes": st.session_state.get(NOTES, False), "link": link, "qr": qr}
        buttons = step_buttons.step_buttons(index, len(steps))
        st.session_state[SHOWN] = (index, len(steps))
        if asked is None:
            html("tour_body.html", step=step, counter=True, buttons=buttons, **text)
        else:
            html("tour_body.html", step=step, counter=False, buttons=buttons, **text)
        if asked is None or not asked.open:
            quiz.ask_controls(room, index, step, data)
        if presentable and presenting.panel(room, here, index, name, show_qr=qr_on, on_start=show_qr, carried=carried):
            pass
        elif name == ROOM_STORYLINE:
            pass  # a follower of a room's own storyline: the room is its link
        elif not shareable:
            unshared = own_tours.UNSAVED if linked else source.unshared_notice()
            st.info(unshared, icon=":material/link_off:")

    # The map, in the fragment's own place (the map column).
    if asked is not None:  # the region, the same whatever is asked, on a phone's map too: the class's spread
        center, zoom = quiz.region_view(data)
    else:
        center, zoom = tour_view.step_view(made, step)
    highlight = made.highlight(asked.slug) if asked is not None and other else tour_view.step_highlight(made, step)
    page_map = made.page_map(tour_view.MAP_KEY, tour_view.MAP_CSS)
    quiz.tour_map(page_map, room.code, asked, data, highlight, height=tour_view.MAP_HEIGHT, center=center, zoom=zoom)

    presenting.watch(room)
    return chrome
