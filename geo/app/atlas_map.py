"""The atlas map in a Streamlit page, rendered once per atlas and process and reused by every run.

`st_folium` renders its folium map again on every run: for this atlas about 50 ms of
template work and an 80 KB script, although the map never changes between runs; only
the view and the highlight do. A class of thirty phones turns that into seconds per
click. Here the map is rendered once per process into the strings the streamlit-folium
front end takes, and each run only picks the cached highlight of the selected place
and the view. Folium objects are mutated by rendering, so what is shared between
sessions is the rendered text, never the objects.

The map script, its key and so its front-end state are the same on every run, so the
browser keeps the drawn map and only moves the view and swaps the highlight. The rendered
map and highlights are kept with the atlas's bundle (geo/app/bundle.py); the pieces of
streamlit-folium this needs are reached through geo/app/folium_component.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element

from geo.app import folium_component
from geo.atlas.context import Context
from geo.atlas.loader import Atlas
from geo.atlas.water import Waters
from geo.render.maps import build_map, highlight_group, highlight_places_group
from geo.render.orientation import orientation_data
from geo.render.templating import static_text


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
    html, header = folium_component.body(fmap), folium_component.header(fmap)
    css, js = _links(fmap)
    (south, west), (north, east) = fmap.get_bounds()
    bounds = {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}
    script = folium_component.map_script(fmap)
    return RenderedMap(
        script,
        header,
        html,
        folium_component.map_id(fmap),
        css,
        js,
        bounds,
        fmap.options.get("zoom"),
        component_key=folium_component.component_key(script, key),
    )


def render_highlight(atlas: Atlas, slug: str | None) -> str | None:
    """The script that adds the selected place's highlight to the drawn map."""
    if slug is None or slug not in atlas.by_slug:
        return None
    # Rendered against a throwaway map: adding the group mutates the map it is added to.
    scratch = folium.Map(tiles=None)
    return folium_component.feature_group_script(highlight_group(atlas, atlas.by_slug[slug]), scratch)


def render_places_highlight(atlas: Atlas, slugs: tuple[str, ...]) -> str | None:
    """The script that highlights several places at once (an event's), unknown slugs left out."""
    places = [atlas.by_slug[slug] for slug in slugs if slug in atlas.by_slug]
    if not places:
        return None
    scratch = folium.Map(tiles=None)
    return folium_component.feature_group_script(highlight_places_group(atlas, places), scratch)


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
    args = folium_component.component_args(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        map_id=rendered.map_id,
        height=height,
        zoom=zoom,
        center=center,
        feature_group=highlight,
        css_links=rendered.css_links,
        js_links=rendered.js_links,
        returned_objects=returned,
    )
    default = {k: v for k, v in defaults.items() if k in returned}
    return folium_component.draw(args, key=rendered.component_key, default=default, on_change=on_change)


def render_page_map(
    atlas: Atlas,
    key: str,
    frame_css: tuple[str, ...],
    layers: tuple[Context, Waters] | None = None,
    *,
    world: bool = False,
) -> RenderedMap:
    """An atlas's map for one page, rendered (geo/app/bundle.py keeps it for every run).

    `frame_css` names style sheets under static/ for inside this page's map frame. They go into
    the frame's header rather than a link: a rule that sizes the map must hold before Leaflet
    measures it. `layers`, an atlas's own orientation layers, are written into its map; without
    them (the default atlas) the map links the cached static/atlas/context.js. With `world` (an
    atlas about anywhere) it draws the world's outlines and names (static/atlas/world.js).
    """
    if layers is None:
        fmap = build_map(atlas, basemap_from_script=True, world=world)
    else:
        data = orientation_data(atlas, *layers)
        fmap = build_map(atlas, basemap_from_script=True, orientation=data is not None, context=data, world=world)
    for name in frame_css:
        fmap.get_root().header.add_child(Element(f"<style>{static_text(name)}</style>"))
    return render_map(fmap, key)
