"""The atlas map in a Streamlit page, rendered once per atlas and process and reused by every run.

`st_folium` renders its folium map again on every run: for this atlas about 50 ms of
template work and an 80 KB script, although the map never changes between runs; only
the view and the highlight do. A class of thirty phones turns that into seconds per
click. Here the map is rendered once per process into the strings the streamlit-folium
front end takes, and each run only picks the cached highlight of the selected place
and the view. Folium objects are mutated by rendering, so what is shared between
sessions is the rendered text, never the objects.

The map script, its key and so its front-end state are the same on every run, so the
browser keeps the drawn map and only moves the view and swaps the highlight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import folium
import streamlit_folium
from branca.element import Element
from streamlit_folium import (
    _get_feature_group_string,
    _get_header,
    _get_html,
    _get_map_string,
    generate_js_hash,
    get_full_id,
)

from geo.app import loaders
from geo.atlas.context import Context
from geo.atlas.loader import Atlas
from geo.atlas.water import Waters
from geo.render.maps import build_map, highlight_group, highlight_places_group
from geo.render.orientation import orientation_data
from geo.render.templating import static_text

# streamlit-folium's component (the same front end `st_folium` drives); pinned in requirements.txt.
_component = streamlit_folium._component_func


@dataclass(frozen=True)
class RenderedMap:
    """A folium map as the streamlit-folium front end receives it."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict[str, dict[str, float | None]]
    zoom: Any
    component_key: str  # the front end's identity of the map: the same on every run keeps it drawn


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css, js = [], []
    stack: list[Any] = [fmap]
    while stack:
        element = stack.pop(0)
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        stack.extend(getattr(element, "_children", {}).values())
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def render_map(fmap: folium.Map, key: str) -> RenderedMap:
    """Render a folium map into the strings `st_folium` would send (consumes the map)."""
    fmap.get_root().render()
    fmap.render()
    html, header = _get_html(fmap), _get_header(fmap)
    css, js = _links(fmap)
    (south, west), (north, east) = fmap.get_bounds()
    bounds = {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}
    script = _get_map_string(fmap)
    return RenderedMap(
        script,
        header,
        html,
        get_full_id(fmap),
        css,
        js,
        bounds,
        fmap.options.get("zoom"),
        component_key=generate_js_hash(script, key, False),
    )


def render_highlight(atlas: Atlas, slug: str | None) -> str | None:
    """The script that adds the selected place's highlight to the drawn map."""
    if slug is None or slug not in atlas.by_slug:
        return None
    # Rendered against a throwaway map: adding the group mutates the map it is added to.
    scratch = folium.Map(tiles=None)
    return _get_feature_group_string(highlight_group(atlas, atlas.by_slug[slug]), map=scratch)


def render_places_highlight(atlas: Atlas, slugs: tuple[str, ...]) -> str | None:
    """The script that highlights several places at once (an event's), unknown slugs left out."""
    places = [atlas.by_slug[slug] for slug in slugs if slug in atlas.by_slug]
    if not places:
        return None
    scratch = folium.Map(tiles=None)
    return _get_feature_group_string(highlight_places_group(atlas, places), map=scratch)


def show_map(
    rendered: RenderedMap,
    *,
    height: int,
    center: tuple[float, float] | None,
    zoom: int | None,
    highlight: str | None,
    returned_objects: Iterable[str] = (),
    on_change: Callable[[], None] | None = None,
) -> dict[str, Any] | None:
    """Draw a pre-rendered map with this run's view and highlight; returns what it reports."""
    returned = list(returned_objects)
    defaults = {
        "last_object_clicked_count": None,
        "last_active_drawing": None,
        "bounds": rendered.bounds,
        "zoom": rendered.zoom,
    }
    return _component(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.map_id,
        key=rendered.component_key,
        height=height,
        width=None,
        returned_objects=returned,
        default={k: v for k, v in defaults.items() if k in returned},
        zoom=zoom,
        center=center,
        feature_group=highlight,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(rendered.css_links),
        js_links=list(rendered.js_links),
        on_change=on_change,
        wrap_longitude=False,
    )


def _render_page_map(
    atlas: Atlas, key: str, frame_css: tuple[str, ...], layers: tuple[Context, Waters] | None = None
) -> RenderedMap:
    """`layers`, an atlas's own orientation layers, are written into its map; without them
    (the default atlas) the map links the cached static/atlas/context.js."""
    if layers is None:
        fmap = build_map(atlas, basemap_from_script=True)
    else:
        data = orientation_data(atlas, *layers)
        fmap = build_map(atlas, basemap_from_script=True, orientation=data is not None, context=data)
    for name in frame_css:
        fmap.get_root().header.add_child(Element(f"<style>{static_text(name)}</style>"))
    return render_map(fmap, key)


def page_map(key: str, frame_css: tuple[str, ...] = ()) -> RenderedMap:
    """The run's atlas map, rendered once per atlas and process for each page that shows it.

    `frame_css` names style sheets under static/ for inside this page's map frame. They
    go into the frame's header rather than a link: a rule that sizes the map must hold
    before Leaflet measures it.
    """
    b = loaders.bundle()
    return b.get(("page-map", key, frame_css), lambda: _render_page_map(b.atlas, key, frame_css, b.layers))


def highlight(slug: str | None) -> str | None:
    """The selected place's highlight script, made once per place, atlas and process."""
    data = loaders.atlas()
    if slug is None or slug not in data.by_slug:  # nothing kept for names that are no place
        return None
    return loaders.memo(("highlight", slug), lambda: render_highlight(data, slug))


def highlight_places(slugs: tuple[str, ...]) -> str | None:
    """An event's places highlighted together, made once per event, atlas and process."""
    data = loaders.atlas()
    known = tuple(slug for slug in slugs if slug in data.by_slug)
    return loaders.memo(("highlight-places", known), lambda: render_places_highlight(data, known)) if known else None
