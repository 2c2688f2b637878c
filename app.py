"""Explore: the map of every place the article names, with the passages beside it."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.atlas import Atlas
from geo.export import single_map_html
from geo.links import place_link, read_place_param, search_places
from geo.maps import build_map, place_bounds, view_for
from geo.panel import (
    credits_html,
    other_names_html,
    passages_html,
    place_figures,
)
from geo.serialize import places_csv_text, places_geojson_text
from pages import atlas_map, loaders

MAP_HEIGHT = 640
# The server cannot know the map's width; this is its width on a 1280-pixel projector, so
# the place fits there and on anything wider (phones get the same view, a little cropped).
MAP_WIDTH_GUESS = 480
# "rebuild" redraws the whole map for each selection instead of moving it (bench/bench_explore.py compares both).
MAP_MODE = os.environ.get("ATLAS_MAP_MODE", "move")
HERE = Path(__file__).resolve().parent
EXTRA_PAGES = [(HERE / "pages" / "1_Classroom_tour.py", "Classroom tour", ":material/school:")]
KIND_LABELS = {
    "country": "Countries",
    "capital": "Cities",
    "city": "Cities",
    "region": "Regions",
    "exclave": "Regions",
    "wider region": "Regions",
    "official term": "Azerbaijani official terms",
    "route": "Routes",
}
PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
mark { background: #ffd166; padding: 0 2px; border-radius: 2px; }
blockquote.atlas-passage { font-size: 1.05rem; line-height: 1.55; border-left: 4px solid #b5452b !important;
  color: inherit !important; opacity: 1 !important; font-style: normal; padding: 2px 0 2px 12px; margin: 10px 0 2px 0; }
details.paragraph { margin: 0 0 10px 16px; font-size: .95rem; color: #3b4047; }
details.paragraph summary { cursor: pointer; color: #1d5f8a; }
.atlas-names { margin: 0 0 8px 0; padding-left: 18px; }
.atlas-credits { font-size: .85rem; color: #555; line-height: 1.6; }
</style>
"""


@st.cache_data(show_spinner=False)
def map_download(slug: str | None) -> str:
    return single_map_html(loaders.atlas(), slug)


@st.cache_data(show_spinner=False)
def data_downloads() -> tuple[str, str]:
    return places_geojson_text(loaders.atlas()), places_csv_text(loaders.atlas())


def downloads(selected: str | None) -> None:
    """Everything on screen, to take away: the map as one offline HTML file, and the data."""
    # Passed as callables, so each file is made and sent when its button is clicked, not with every page load.
    name = selected or "all-places"
    buttons = (
        (
            "Download this map (HTML)",
            lambda: map_download(selected),
            f"karabakh-atlas-{name}.html",
            "text/html",
            "One file that opens in any browser, offline, on the current place.",
        ),
        (
            "Download the data (GeoJSON)",
            lambda: data_downloads()[0],
            "karabakh-atlas-places.geojson",
            "application/geo+json",
            "Every place with its names, sources, figures and passages.",
        ),
        (
            "Download the data (CSV)",
            lambda: data_downloads()[1],
            "karabakh-atlas-places.csv",
            "text/csv",
            "One row per place, for a spreadsheet.",
        ),
    )
    for col, (label, make, file_name, mime, tip) in zip(st.columns(len(buttons)), buttons, strict=True):
        col.download_button(label, data=make, file_name=file_name, mime=mime, help=tip, use_container_width=True)


def select(slug: str | None) -> None:
    if slug:
        st.query_params["place"] = slug
    else:
        st.query_params.pop("place", None)


def place_list(data: Atlas, selected: str | None) -> None:
    st.sidebar.markdown("### Places in the article")
    query = st.sidebar.text_input("Search names and aliases", placeholder="e.g. Khankendi, Zangezur, Shushi")
    found = search_places(data.places, query)
    if not found:
        st.sidebar.info("No place has that name. Try another spelling.")
    groups: dict[str, list] = {}
    for place in found:
        groups.setdefault(KIND_LABELS[place.kind], []).append(place)
    for label, places in groups.items():
        st.sidebar.markdown(f"**{label}**")
        for place in places:
            count = len(data.passages[place.slug])
            text = f"{place.name} · {count} passage{'s' if count != 1 else ''}"
            st.sidebar.button(
                text,
                key=f"pick-{place.slug}",
                on_click=select,
                args=(place.slug,),
                type="primary" if place.slug == selected else "secondary",
                use_container_width=True,
            )


def place_panel(data: Atlas, slug: str | None) -> None:
    if slug is None:
        st.markdown("### Pick a place")
        st.markdown(
            "Click a place on the map or in the list to read every passage of the article that mentions it. "
            f"The article names **{sum(1 for p in data.places if data.passages[p.slug])} places**; "
            "the map also shows a few it refers to without naming them."
        )
        for figure in data.distances:
            st.markdown(f"- {escape(figure.label)}: **{figure.value:,.0f} {figure.unit}**")
        return
    place = data.by_slug[slug]
    st.markdown(f"## {escape(place.name)}")
    st.caption(place.kind.capitalize() + (" · indicative route" if place.indicative else ""))
    st.markdown(other_names_html(place), unsafe_allow_html=True)
    st.markdown(escape(place.description))
    for line in place_figures(data, place):
        st.markdown(f"- {escape(line)}")
    if place.geometry_note:
        st.info(place.geometry_note)
    link = place_link(st.context.url or "http://localhost:8501/", slug)
    st.markdown("**Link to this place** (copy button on the right)")
    st.code(link, language=None)
    passages = data.passages[slug]
    if not passages:
        st.markdown("**Not named in the article.** " + escape(place.no_passage or ""))
        return
    st.markdown(f"**{len(passages)} passage{'s' if len(passages) != 1 else ''} in the article**")
    st.markdown(passages_html(passages), unsafe_allow_html=True)


def explore() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    data = loaders.open_atlas("The atlas")
    request = read_place_param(st.query_params.get_all("place") or None, data.places)
    selected = request.slug

    st.title("Karabakh Atlas")
    st.caption(
        f"Every place in “{data.meta.title}” by {data.meta.author} ({data.meta.publisher}, "
        f"{data.meta.first_published_text})"
    )
    if request.notice:
        st.warning(request.notice)
        if request.suggestions:
            st.markdown("Did you mean:")
            cols = st.columns(len(request.suggestions))
            for col, slug in zip(cols, request.suggestions, strict=True):
                col.button(data.by_slug[slug].name, key=f"suggest-{slug}", on_click=select, args=(slug,))

    map_col, panel_col = st.columns([3, 2], gap="medium")
    # The panel first: the map's HTML takes longest to build and send, so the passage shows before it.
    # The sidebar list comes last: the list already on screen stays usable while the map is sent.
    with panel_col:
        place_panel(data, selected)
    with map_col:
        bounds = place_bounds(data, data.by_slug[selected]) if selected else None
        center, zoom = view_for(bounds, MAP_WIDTH_GUESS, MAP_HEIGHT)
        returned = ["last_active_drawing", "last_object_clicked_count"]
        if MAP_MODE == "rebuild":
            result = st_folium(
                build_map(data, selected=selected),
                key="atlas-map",
                height=MAP_HEIGHT,
                use_container_width=True,
                returned_objects=returned,
            )
        else:
            result = atlas_map.show_map(
                atlas_map.page_map("atlas-map"),
                height=MAP_HEIGHT,
                center=center,
                zoom=zoom,
                highlight=atlas_map.highlight(selected),
                returned_objects=returned,
            )
        # The component keeps returning the last drawing clicked; its click count tells a new click
        # (even on the same place, after picking another one in the list) from a rerun.
        result = result or {}
        clicked = (result.get("last_active_drawing") or {}).get("properties", {}).get("slug")
        clicks = result.get("last_object_clicked_count")
        if clicked and clicks != st.session_state.get("map-click") and clicked in data.by_slug:
            st.session_state["map-click"] = clicks
            if clicked != selected:
                select(clicked)
                st.rerun()
    place_list(data, selected)
    st.divider()
    downloads(selected)
    st.markdown(credits_html(data.meta), unsafe_allow_html=True)


def main() -> None:
    st.set_page_config(page_title="Karabakh Atlas", page_icon="🗺️", layout="wide")
    pages = [st.Page(explore, title="Explore the map", icon=":material/map:", default=True)]
    pages += [st.Page(str(path), title=title, icon=icon) for path, title, icon in EXTRA_PAGES if path.exists()]
    st.navigation(pages).run()


main()
