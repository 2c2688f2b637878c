"""Classroom tour: one place at a time, in large type, for presenting to a class.

The storyline lives in data/tour.yaml. The step is kept in the link (`?step=3`), so
every step can be shared or opened from a QR code. Keyboard and presenter clickers:
Right/Left, Page Down/Page Up and Space move between steps; Home and End jump to the
first and last.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit, urlunsplit

import streamlit as st
import streamlit.components.v1 as components

from geo.handout import handout_html
from geo.maps import place_bounds, view_for
from geo.panel import credits_html
from geo.qr import qr_data_uri
from geo.tour import (
    counter_text,
    names_html,
    note_html,
    passage_html,
    read_step_param,
    step_link,
)
from pages import atlas_map, loaders

PAGE_PATH = "Classroom_tour"
FALLBACK_URL = f"http://localhost:8501/{PAGE_PATH}"
MAP_HEIGHT = 700  # the iframe is then stretched to the window's height by CSS
VIEW_SIZE = (760, 640)  # a typical map size in pixels, for choosing the zoom of each step

PAGE_CSS = """
<style>
[data-testid="stToolbar"], [data-testid="stHeader"], header, #MainMenu, [data-testid="stDecoration"],
[data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 1.25rem 1rem; max-width: 100%; }
iframe[title*="folium"] { height: calc(100vh - 1.5rem) !important; min-height: 320px; }
.tour-title { font-size: 0.95rem; color: #555; margin: 0; }
.tour-counter { font: 600 clamp(1.1rem, 0.6rem + 0.8vw, 1.8rem)/1.2 system-ui, sans-serif; margin: 0; }
.tour-place { font-size: clamp(1.6rem, 0.8rem + 1.8vw, 3.2rem); line-height: 1.15; margin: 0.1em 0 0.15em;
  font-weight: 700; overflow-wrap: anywhere; }
.tour-names { font-size: clamp(1rem, 0.6rem + 0.6vw, 1.5rem); color: #444; margin: 0 0 0.6em; overflow-wrap: anywhere; }
.tour-names span { white-space: nowrap; }
.tour-names small { color: #666; font-size: 0.75em; }
.tour-passage { font-size: clamp(1.2rem, 0.5rem + 1.2vw, 2.25rem); line-height: 1.4; margin: 0 0 0.6em;
  border-left: 6px solid #b5452b; padding-left: 0.6em; overflow-wrap: anywhere; }
.tour-passage mark { background: #ffd166; color: inherit; padding: 0 0.1em; border-radius: 2px; }
.tour-note { font-size: clamp(1rem, 0.6rem + 0.5vw, 1.4rem); background: #f3efe4; border-radius: 6px;
  padding: 0.5em 0.75em; margin: 0 0 0.6em; }
.tour-qr { text-align: center; }
.tour-qr img { width: min(100%, 440px); height: auto; display: block; margin: 0 auto; image-rendering: pixelated; }
.tour-link { font-size: 0.95rem; overflow-wrap: anywhere; text-align: center; }
.atlas-credits { font-size: .8rem; color: #555; line-height: 1.5; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 0.5rem 0.75rem 1rem; }
  iframe[title*="folium"] { height: 55vh !important; }
}
</style>
"""
CONTRAST_CSS = """
<style>
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #000 !important; color: #fff; }
.stApp p, .stApp span, .stApp label, .stApp div, .stApp small, .stApp b, .tour-title, .tour-names,
.tour-names small, .atlas-credits { color: #fff !important; }
.stApp a { color: #ffe14d !important; }
.tour-passage { border-left-color: #ffe14d; }
.tour-passage mark, .tour-names mark { background: #ffe14d !important; color: #000 !important; }
.tour-passage mark * { color: #000 !important; }
.tour-note { background: #222; border: 2px solid #fff; }
.stApp button { background: #111 !important; color: #fff !important; border: 2px solid #fff !important; }
.stApp button:disabled { opacity: 0.45; }
.st-key-tour-next button, .st-key-tour-next button p { background: #ffe14d !important; color: #000 !important; }
.stApp button p { color: #fff !important; }
</style>
"""
# Inside the map's frame: fill the frame, and leave a phone's small map to the places.
MAP_FRAME_CSS = """
<style>
#map_div { height: 100vh !important; }
@media (max-width: 520px) { .atlas-legend { display: none; } }
</style>
"""
# One keydown listener on the app's document (not this component's frame), installed once.
KEYS_HTML = """
<script>
(function () {
  var host = window.parent;
  if (!host || host.__atlasTourKeys) { return; }
  host.__atlasTourKeys = true;
  var code = function () {
    var ACTIONS = {ArrowRight: "next", PageDown: "next", " ": "next", ArrowLeft: "prev", PageUp: "prev",
                   Home: "first", End: "last"};
    var TEXT_INPUT = /^(text|search|email|number|password|tel|url|date|time|datetime-local|month|week)$/i;
    function onKey(event) {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) { return; }
      var action = ACTIONS[event.key];
      if (event.key === " " && event.shiftKey) { action = "prev"; }
      if (!action) { return; }
      var el = event.target;
      if (el && el.closest) {
        if (el.isContentEditable || el.closest("textarea, select, [contenteditable='true']")) { return; }
        if (el.tagName === "INPUT" && TEXT_INPUT.test(el.type || "text")) { return; }
        /* Space on a focused button or switch keeps its own meaning. */
        if (event.key === " " && el.closest("button, input, [role='switch'], [role='checkbox'], a")) { return; }
      }
      var button = document.querySelector(".st-key-tour-" + action + " button");
      if (!button) { return; }
      event.preventDefault();
      if (!button.disabled) { button.click(); }
    }
    document.addEventListener("keydown", onKey);
    /* A click on the map moves focus into its frame: keep the clicker working there too. */
    window.addEventListener("blur", function () {
      setTimeout(function () {
        var frame = document.activeElement;
        if (!frame || frame.tagName !== "IFRAME" || !/folium/.test(frame.title || "")) { return; }
        try {
          var inner = frame.contentDocument;
          if (inner && !inner.__atlasTourKeys) {
            inner.__atlasTourKeys = true;
            inner.addEventListener("keydown", onKey, true);
          }
        } catch (err) { /* another origin: leave it alone */ }
      }, 0);
    });
  };
  var script = host.document.createElement("script");
  script.textContent = "(" + code.toString() + ")();";
  host.document.head.appendChild(script);
})();
</script>
"""


@st.cache_data(show_spinner=False, max_entries=8)
def handout(base_url: str, tour_key: tuple) -> str:
    # tour_key is part of the cache key only: the handout changes when the storyline does.
    return handout_html(loaders.atlas(), loaders.tour(), base_url=base_url)


def page_url() -> str:
    """This page's own address, whichever page the browser first opened."""
    parts = urlsplit(st.context.url or FALLBACK_URL)
    path = parts.path if parts.path.rstrip("/").endswith(PAGE_PATH) else parts.path.rstrip("/") + "/" + PAGE_PATH
    return urlunsplit((parts.scheme or "http", parts.netloc or "localhost:8501", path, "", ""))


def go(index: int) -> None:
    st.query_params["step"] = str(index + 1)


def controls(index: int, n_steps: int) -> None:
    st.markdown(
        f'<p class="tour-counter" aria-live="polite">Step <span class="tour-count">'
        f"{counter_text(index, n_steps)}</span></p>",
        unsafe_allow_html=True,
    )
    with st.container(horizontal=True, gap="small"):
        st.button(
            "First",
            key="tour-first",
            on_click=go,
            args=(0,),
            disabled=index == 0,
            help="Home",
            icon=":material/first_page:",
        )
        st.button(
            "Previous",
            key="tour-prev",
            on_click=go,
            args=(index - 1,),
            disabled=index == 0,
            help="Left arrow, Page Up",
            icon=":material/chevron_left:",
        )
        st.button(
            "Next",
            key="tour-next",
            on_click=go,
            args=(index + 1,),
            disabled=index >= n_steps - 1,
            type="primary",
            help="Right arrow, Page Down, Space",
            icon=":material/chevron_right:",
            icon_position="right",
        )
        st.button("Last", key="tour-last", on_click=go, args=(n_steps - 1,), disabled=index >= n_steps - 1, help="End")


def main() -> None:
    st.set_page_config(
        page_title="Classroom tour · Karabakh Atlas", page_icon="🗺️", layout="wide", initial_sidebar_state="collapsed"
    )
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    data = loaders.open_atlas("The tour")
    story = loaders.open_tour()
    n_steps = len(story)
    index, notice = read_step_param(st.query_params.get_all("step") or None, n_steps)
    if notice or st.query_params.get("step") != str(index + 1):
        st.query_params["step"] = str(index + 1)  # the address bar always shows this step's link
    step = story.steps[index]
    place = step.place

    if st.session_state.get("tour-contrast"):
        st.markdown(CONTRAST_CSS, unsafe_allow_html=True)

    map_col, text_col = st.columns([11, 9], gap="medium")
    with text_col:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f'<p class="tour-title">{escape(story.title)}</p>', unsafe_allow_html=True)
            home = page_url().removesuffix(PAGE_PATH)
            st.markdown(
                f'<p class="tour-title"><a href="{escape(home, quote=True)}" target="_self">Explore the map</a></p>',
                unsafe_allow_html=True,
            )
        if notice:
            st.warning(notice)
        controls(index, n_steps)
        st.markdown(f'<h2 class="tour-place">{escape(place.name)}</h2>', unsafe_allow_html=True)
        st.markdown(names_html(place), unsafe_allow_html=True)
        st.markdown(
            f'<div class="tour-passage" data-step="{index + 1}">{passage_html(step)}</div>', unsafe_allow_html=True
        )
        if st.session_state.get("tour-notes") and step.note:
            st.markdown(note_html(step), unsafe_allow_html=True)
        with st.container(horizontal=True, gap="medium"):
            st.toggle("Show teacher notes", key="tour-notes")
            st.toggle("High contrast", key="tour-contrast")
            st.toggle("Show QR code", key="tour-qr")
        link = step_link(page_url(), index + 1)
        if st.session_state.get("tour-qr"):
            uri = qr_data_uri(link)
            alt = f"QR code of the link to step {index + 1}: {place.name}"
            st.markdown(
                f'<div class="tour-qr"><img src="{uri}" alt="{escape(alt, quote=True)}">'
                f'<p class="tour-link">{escape(link)}</p></div>',
                unsafe_allow_html=True,
            )
        else:
            st.markdown(
                f'<p class="tour-link" style="text-align:left">Link to this step: '
                f'<a href="{escape(link, quote=True)}">{escape(link)}</a></p>',
                unsafe_allow_html=True,
            )

    with map_col:
        center, zoom = view_for(place_bounds(data, place), *VIEW_SIZE)
        atlas_map.show_map(
            atlas_map.page_map("tour-map", MAP_FRAME_CSS),
            height=MAP_HEIGHT,
            center=center,
            zoom=zoom,
            highlight=atlas_map.highlight(place.slug),
        )

    with text_col:
        # Last, so that building the handout the first time never delays the step itself.
        st.download_button(
            "Printable handout (HTML, print to PDF)",
            data=handout(page_url(), story.key()),
            file_name="karabakh-tour-handout.html",
            mime="text/html",
            key="tour-handout",
            on_click="ignore",
            icon=":material/print:",
        )
    st.markdown(credits_html(data.meta), unsafe_allow_html=True)
    components.html(KEYS_HTML, height=0)


main()
