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

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import folium
from branca.element import Element

from geo.app import folium_component
from geo.app.style import compact_css
from geo.atlas.context import Context
from geo.atlas.loader import Atlas
from geo.atlas.water import Waters
from geo.paths import STATIC_DIR
from geo.render.assets import STREAMLIT_STATIC
from geo.render.maps import (
    BASEMAP_SCRIPT,
    CONTEXT_DATA_SCRIPT,
    MAP_CSS_FILES,
    build_map,
    highlight_group,
    highlight_places_group,
    script_highlight,
)
from geo.render.orientation import orientation_data
from geo.render.templating import static_text

# Where the default atlas's page map script is written once per version of the data (gitignored):
# its name carries a hash of its content, so a browser fetches it once and never a stale one.
SCRIPT_CACHE = "atlas/cache"
SCRIPT_PREFIX = "page-map-"
# The data a page map draws only after its places (the outlines, the water and the towns): fetched beside
# its cached file, not carried in it, and run only when the map asks for it.
BESIDE_SCRIPTS = (BASEMAP_SCRIPT, CONTEXT_DATA_SCRIPT)
# A carried script's source map would be looked for beside the cached file: the line is left out.
SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)


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
    drawing: str = ""  # the whole script that draws the map, inline (`script`) or in its cached file
    data_links: tuple[str, ...] = ()  # data scripts its cached file fetches beside `js_links`, drawn after the places
    bundled: tuple[str, ...] = ()  # the scripts its cached file carries, in the order they run


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
        drawing=script,
    )


def render_highlight(atlas: Atlas, slug: str | None) -> str | None:
    """The script that adds the selected place's highlight to the drawn map."""
    if slug is None or slug not in atlas.by_slug:
        return None
    # Rendered against a throwaway map: adding the group mutates the map it is added to.
    scratch = folium.Map(tiles=None)
    return folium_component.feature_group_script(highlight_group(atlas, atlas.by_slug[slug]), scratch)


def render_script_highlight(atlas: Atlas, slugs: tuple[str, ...]) -> str | None:
    """The highlight of places on a map that draws its places from places.js (the default atlas's
    page maps): their slugs only, unknown ones and places without a shape left out."""
    drawn = tuple(slug for slug in slugs if slug in atlas.by_slug and atlas.shape(atlas.by_slug[slug]) is not None)
    return script_highlight(drawn) if drawn else None


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
    report_drawn: bool = False,
) -> dict[str, Any] | None:
    """Draw a pre-rendered map with this run's view and highlight; returns what it reports.

    Without a view (`center` None), the map shows its opening view, fitted in the browser to the
    map's real size: the server cannot know it. With `report_drawn`, a map drawn for the first time
    reports once it is drawn (a rerun of the page), which otherwise it is spared (`quiet_start`): a page
    can draw the rest of itself then, after the map.
    """
    first = ""
    if center is None:
        zoom, highlight = None, (highlight or "") + folium_component.opening_view()
        first = folium_component.fit_first()
    returned = list(returned_objects)
    defaults = {
        "last_object_clicked_count": None,
        "last_active_drawing": None,
        "bounds": rendered.bounds,
        "zoom": rendered.zoom,
    }
    args = folium_component.component_args(
        script=first + rendered.script + ("" if report_drawn else folium_component.quiet_start(returned)),
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
    measures it. The map's own small sheets (the palette, map.css) go there too, ahead of them:
    two files fewer for the frame to fetch before its map draws, beside Leaflet's scripts.

    `layers`, an atlas's own orientation layers, are written into its map; without them (the
    default atlas) the map links the cached static/atlas/context.js, and its places come
    from the cached static/atlas/places.js: each run then sends only the view and the selection
    (render_script_highlight), not the places' shapes again. With `world` (an atlas about anywhere)
    it draws the world's outlines and names (static/atlas/world.js).
    """
    if layers is None:
        fmap = build_map(atlas, basemap_from_script=True, places_from_script=True, world=world)
    else:
        data = orientation_data(atlas, *layers)
        fmap = build_map(atlas, basemap_from_script=True, orientation=data is not None, context=data, world=world)
    fmap.default_css = [(name, href) for name, href in fmap.default_css if name not in MAP_CSS_FILES]
    for name in (*MAP_CSS_FILES, *frame_css):
        fmap.get_root().header.add_child(Element(f"<style>{compact_css(static_text(name))}</style>"))
    rendered = render_map(fmap, key)
    return rendered if layers is not None else cached(rendered, key)


def script_file_text(
    script: str,
    header: str,
    preload: Sequence[tuple[str, str]] = (),
    data: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> str:
    """The map's header and script as a file: a function that adds the header's rules to the frame,
    draws the map and returns it. A function rather than the script itself, so the map is drawn when
    the front end runs the map's script (after the style sheets it links), as it would be inline;
    and no eval, which the deployment's policy forbids.

    `sources` are the texts of the scripts the map needs before it draws (Leaflet, the places and what
    draws them), carried in the file in their order: the front end fetches a frame's scripts one after
    another, each when the one before has run, so one file is one round trip and one task where six
    files were six of each (the hints that fetched them at once still left a hop per file, some 60-150 ms
    on a busy phone or machine).

    The file first asks for `preload`, the (address, kind) of the files the frame needs later (the data
    below, Leaflet's style sheet), so they travel while it runs. `data` are scripts that only set data
    the map draws after its places (the outlines', the water's: geo/render/templates/map/later.js): they
    are fetched at once but run only when `window.atlasData()` is first called, after the places are
    drawn, so their parsing does not hold up the chain; it returns a promise of all of them having run."""
    hints = (
        "(function () {\n"
        f"  {json.dumps([list(link) for link in preload])}.forEach(function (link) {{\n"
        '    var hint = document.createElement("link");\n'
        '    hint.rel = "preload"; hint.href = link[0]; hint.as = link[1];\n'
        "    document.head.appendChild(hint);\n"
        "  });\n"
        "})();\n"
        if preload
        else ""
    )
    later = (
        "window.atlasData = (function (sources) {\n"
        "  var loading = null;\n"
        "  return function () {\n"
        "    loading = loading || Promise.all(sources.map(function (src) {\n"
        "      return new Promise(function (done) {\n"
        '        var script = document.createElement("script");\n'
        "        script.src = src; script.async = true; script.onload = script.onerror = done;\n"
        "        document.head.appendChild(script);\n"
        "      });\n"
        "    }));\n"
        "    return loading;\n"
        "  };\n"
        f"}})({json.dumps(list(data))});\n"
        if data
        else ""
    )
    carried = "".join(f"{SOURCE_MAP.sub('', text).rstrip()}\n;\n" for text in sources)
    return (
        f"{hints}{later}{carried}window.atlasPageMap = function () {{\n"
        f'document.head.insertAdjacentHTML("beforeend", {json.dumps(header)});\n'
        f"{script}\nreturn map_div;\n}};\n"
    )


LOADER = "var map_div = window.atlasPageMap();\n"  # the per-run script of a map whose script is a file


def write_script_file(text: str, folder: Path, stem: str) -> str | None:
    """Write a page's map script under `folder`, in a file named `stem` and a hash of its content (once;
    the page's other versions removed); the file's name, or None when the folder cannot be written
    (the map then keeps its script inline)."""
    name = f"{stem}{hashlib.sha256(text.encode()).hexdigest()[:16]}.js"
    target = folder / name
    try:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{name}.{os.getpid()}"
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)  # atomic: another worker writing the same file meanwhile is harmless
            for old in folder.glob(f"{stem}*.js"):
                if old != target:
                    old.unlink(missing_ok=True)
    except OSError:
        return None
    return name


def script_of(args: dict[str, Any]) -> str:
    """The script that draws a map, from the arguments its component was sent: the text of the cached
    file it links, or its inline script."""
    prefix = f"{STREAMLIT_STATIC}/{SCRIPT_CACHE}/{SCRIPT_PREFIX}"
    files = [link.removeprefix(f"{STREAMLIT_STATIC}/") for link in args["js_links"] if link.startswith(prefix)]
    return (STATIC_DIR / files[0]).read_text(encoding="utf-8") if files else args["script"]


def local_script(link: str) -> str | None:
    """The text of a script the app serves from static/, or None for any other address."""
    prefix = f"{STREAMLIT_STATIC}/"
    if not link.startswith(prefix):
        return None
    path = (STATIC_DIR / link.removeprefix(prefix)).resolve()
    return path.read_text(encoding="utf-8") if path.is_relative_to(STATIC_DIR.resolve()) and path.is_file() else None


def cached(rendered: RenderedMap, key: str, folder: Path = STATIC_DIR / SCRIPT_CACHE) -> RenderedMap:
    """The map with its header and script in a cached static file: they never change between runs, so
    they are fetched once, where as the component's arguments they would travel with every change of
    place (about 13 KB). Its arguments then hold a loader, the view and the selection. The scripts the
    map waits for travel inside the file (script_file_text); a map linking a script the app does not
    serve keeps its links."""
    stem = SCRIPT_PREFIX + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") + "-"
    data = tuple(link for link in rendered.js_links if link.endswith(BESIDE_SCRIPTS))
    chain = tuple(link for link in rendered.js_links if link not in data)
    sources = [local_script(link) for link in chain]
    if any(text is None for text in sources):
        return rendered
    preload = [(link, "script") for link in data] + [(link, "style") for link in rendered.css_links]
    text = script_file_text(rendered.script, rendered.header, preload, data, [t for t in sources if t is not None])
    name = write_script_file(text, folder, stem)
    if name is None:
        return rendered
    link = f"{STREAMLIT_STATIC}/{SCRIPT_CACHE}/{name}"
    # The component's key stays that of the whole script: another map, another key.
    return replace(rendered, script=LOADER, header="", js_links=(link,), data_links=data, bundled=chain)
