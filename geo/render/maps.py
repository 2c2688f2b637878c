"""Turn the atlas into a folium map: every place drawn by kind, with no CDN asset.

The base map carries no selection, so a page can keep it unchanged between clicks
(streamlit-folium then only moves the view) and send the highlight separately.
Every string that reaches Leaflet's HTML (tooltips) is escaped here; the legend is a
template. Colours come from the palette (static/atlas/palette.css), the map's look
from static/atlas/map.css, and each map element's script from geo/render/templates/map/.
"""

from __future__ import annotations

import html
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from geo.atlas.loader import Atlas, load_atlas
from geo.atlas.places import Place
from geo.paths import STATIC_DIR
from geo.render.assets import STREAMLIT_STATIC, asset_links
from geo.render.packed import script_value
from geo.render.palette import colour
from geo.render.templating import TEMPLATE_DIR, render
from geo.render.view_models import GROUP_ORDER, GROUPS

DEFAULT_CENTER = (40.0, 46.2)
DEFAULT_ZOOM = 7
# The map's own files under static/: its style sheets, and the country outlines as a script.
MAP_CSS_FILES = ("atlas/palette.css", "atlas/map.css")
BASEMAP_SCRIPT = "atlas/basemap.js"
# Simplified outlines and names of every country (scripts/build_world.py): the map of an atlas
# about anywhere (a draft, a saved atlas), where the Caucasus's detailed outlines would draw no land.
WORLD_SCRIPT = "atlas/world.js"
WORLD_CREDIT = "Natural Earth"
# Around a world map's places, the overview shows this many degrees either way: enough to
# tell the continent, with the box still visible.
WORLD_OVERVIEW_PAD = (15.0, 25.0)
# The orientation layers: their data (generated, geo/render/orientation.py), then the code that draws
# them and the overview. Static files, so a browser fetches them once however often a page reruns.
CONTEXT_DATA_SCRIPT = "atlas/context.js"
CONTEXT_SCRIPTS = (CONTEXT_DATA_SCRIPT, "atlas/context-map.js", "atlas/overview.js")
# The default atlas's places: their data (generated, places_script), then the code that draws them.
PLACES_DATA_SCRIPT = "atlas/places.js"
PLACES_SCRIPTS = (PLACES_DATA_SCRIPT, "atlas/places-map.js")
# The legend's rows for the orientation layers, left out of the key of a map without them.
CONTEXT_LEGEND_ROWS = ("context", "water")
# A map at most this wide (pixels) opens with its key folded away: every phone, and a map
# beside a passage on a laptop, where the open key would hide a third of the places.
NARROW_MAP = 760
# The overview shows the region between the Black Sea and the Caspian, with room around the opening view.
OVERVIEW_REGION = [[34.5, 38.0], [46.0, 55.0]]
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
# Short enough for one line on a laptop's map; the page's credits say more.
CREDIT = "Natural Earth · GeoNames (CC BY 4.0) · GSHHG, WDBII (LGPL)"
# The layer control's names, as a reader would say them.
PLAIN_LAYER = "Plain map (works offline)"
OSM_LAYER = "Street map (needs internet)"
WATER_LAYER = "Rivers and lakes"
TOWNS_LAYER = "Other towns, not in the article"
CEASEFIRE_LAYER = "1994 ceasefire line"
CEASEFIRE_SHAPE = "ne:ceasefire-1994"
CEASEFIRE_TIP = "1994 ceasefire line (Natural Earth)"
# What a screen reader announces for the map.
MAP_NAME = "Map of the places the article names, with the region around them"
# Drawing order: large areas first so that routes and towns stay clickable on top.
KIND_ORDER = ("wider region", "country", "region", "exclave", "official term", "route", "city", "capital")
# The legend's rows: a swatch class (static/atlas/map.css) and what it stands for.
LEGEND = (
    ("region", "Region named in the article"),
    ("term", "Area with an Azerbaijani official name"),
    ("route", "Route (approximate)"),
    ("city", "Town named in the article"),
    ("capital", "Capital named in the article"),
    ("context", "Town not named in the article"),
    ("country", "Border between countries"),
    ("wider", "South Caucasus"),
    ("water", "River, lake or sea"),
    ("ceasefire", "1994 ceasefire line (switch on in the layers)"),
)


@cache
def styles() -> dict[str, dict[str, Any]]:
    """Leaflet path styles per kind of place, in the palette's colours."""
    c = colour
    return {
        "basemap": {"color": c("land-edge"), "weight": 0.6, "fillColor": c("land"), "fillOpacity": 1.0},
        "country": {"color": c("country"), "weight": 1.4, "fillOpacity": 0.0, "dashArray": None},
        "region": {"color": c("region"), "weight": 2.2, "fillColor": c("region-fill"), "fillOpacity": 0.18},
        "wider": {"color": c("wider"), "weight": 2, "fillOpacity": 0.0, "dashArray": "12 6 2 6"},
        "term": {
            "color": c("term"),
            "weight": 1.8,
            "fillColor": c("term-fill"),
            "fillOpacity": 0.1,
            "dashArray": "2 5",
        },
        "route": {"color": c("route"), "weight": 4, "dashArray": "10 8", "opacity": 0.95},
        "city": {"color": c("point-edge"), "weight": 1.5, "fill": True, "fillColor": c("city"), "fillOpacity": 1.0},
        "capital": {"color": c("point-edge"), "weight": 2, "fill": True, "fillColor": c("capital"), "fillOpacity": 1.0},
        "ceasefire": {"color": c("ceasefire"), "weight": 2.5, "dashArray": "1 6", "lineCap": "round"},
        "lake": {"color": c("water-edge"), "weight": 0.8, "fillColor": c("sea"), "fillOpacity": 1.0},
        "river": {"color": c("river"), "weight": 1.8, "opacity": 0.9, "lineCap": "round", "lineJoin": "round"},
        "context-town": {
            "color": c("context-town"),
            "weight": 1.5,
            "fillColor": c("land"),
            "fillOpacity": 1.0,
            "radius": 4,
        },
        "overview-land": {"color": c("land-edge"), "weight": 0.5, "fillColor": c("land"), "fillOpacity": 1.0},
        "overview-box": {"color": c("accent"), "weight": 2, "fillColor": c("accent"), "fillOpacity": 0.12},
        "highlight": {
            "color": c("highlight-edge"),
            "weight": 5,
            "fill": True,
            "fillColor": c("highlight-fill"),
            "fillOpacity": 0.35,
            "opacity": 1,
        },
        "highlight-route": {"color": c("highlight-route"), "weight": 8, "opacity": 0.9, "fill": False},
    }


def _element_template(name: str) -> Template:
    """A map element's script, kept as a file beside the other templates."""
    return Template((TEMPLATE_DIR / "map" / name).read_text(encoding="utf-8"))


def style_key(place: Place) -> str:
    if place.kind == "official term":
        return "term"
    if place.kind == "exclave":
        return "region"
    if place.kind == "wider region":
        return "wider"
    return place.kind


def polygons(geom: BaseGeometry) -> list[Polygon]:
    return [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)]


def map_feature(place: Place, geom: BaseGeometry, style: str | None = None) -> dict[str, Any]:
    """A feature of the map: the place's shape with the properties a click and a tooltip need.

    `name` and `label` are escaped: Leaflet shows them as HTML in tooltips.
    """
    label = tooltip_text(place.name) + (" (indicative)" if place.indicative else "")
    props: dict[str, Any] = {"slug": place.slug, "name": tooltip_text(place.name), "kind": place.kind, "label": label}
    if style is not None:
        props["style"] = style
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def tooltip_text(text: str) -> str:
    """Escape text for a folium Tooltip, which lands inside a JavaScript template literal."""
    return html.escape(text).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _style(key: str):
    style = styles()[key]
    return lambda _feature: style


# `label` is escaped when the feature is made (map_feature), so it is safe as tooltip HTML.
PERMANENT_LABEL = JsCode(
    "function (feature, layer) {"
    " layer.bindTooltip(feature.properties.label,"
    " {permanent: true, direction: 'right', className: 'atlas-label'}); }"
)


def _feature_style(feature: dict) -> dict[str, Any]:
    return styles()[feature["properties"]["style"]]


def _group_layer(places: list[tuple[Place, BaseGeometry]]) -> folium.GeoJson:
    """All places of one layer as one GeoJSON layer, styled per feature.

    One layer per group rather than per place keeps the map's script small and quick
    to render on every rerun. Towns carry a permanent label so that a projected map
    reads without hovering.
    """
    points = all(geom.geom_type == "Point" for _, geom in places)
    features = [map_feature(place, geom, style_key(place)) for place, geom in places]
    if points:
        # A group's own tooltip opens once for the whole group: permanent labels must be per feature.
        return folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=_feature_style,
            highlight_function=lambda _f: {"weight": 4},
            marker=folium.CircleMarker(radius=7),
            on_each_feature=PERMANENT_LABEL,
            control=False,
        )
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=_feature_style,
        highlight_function=lambda _f: {"weight": 4, "fillOpacity": 0.35},
        marker=folium.CircleMarker(radius=7),  # a sea or a range of a draft drawn at its point, among outlines
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True, class_name="atlas-tip"),
        control=False,
    )


def group_members(atlas: Atlas) -> dict[str, list[tuple[Place, BaseGeometry]]]:
    """The drawn places of each group of the map, large areas first so that towns stay clickable on top."""
    drawing_order = sorted((p for p in atlas.places if p.geometry_ref), key=lambda p: KIND_ORDER.index(p.kind))
    members: dict[str, list[tuple[Place, BaseGeometry]]] = {name: [] for name in GROUP_ORDER}
    for place in drawing_order:
        members[GROUPS[place.kind]].append((place, atlas.shapes[place.geometry_ref].geom))
    return members


def places_data(atlas: Atlas) -> dict[str, Any]:
    """What static/atlas/places.js holds: each group's places as GeoJSON, the styles they name
    (with the highlight's), the kinds in drawing order and the 1994 ceasefire line, for
    static/atlas/places-map.js."""
    groups = {
        name: {"type": "FeatureCollection", "features": [map_feature(p, g, style_key(p)) for p, g in members]}
        for name, members in group_members(atlas).items()
    }
    used = {f["properties"]["style"] for group in groups.values() for f in group["features"]}
    keys = sorted(used | {"highlight", "highlight-route", "ceasefire"})
    ceasefire = atlas.shapes.get(CEASEFIRE_SHAPE)
    return {
        "styles": {key: styles()[key] for key in keys},
        "order": list(KIND_ORDER),
        "groups": groups,
        "ceasefire": None if ceasefire is None else {"geometry": mapping(ceasefire.geom), "tip": CEASEFIRE_TIP},
    }


def places_script(atlas: Atlas) -> str:
    """The text of static/atlas/places.js, which `python -m geo map-scripts` and scripts/build_geometry.py write."""
    data = script_value(places_data(atlas))
    return (
        "// Generated from data/places.yaml and data/geometry.geojson by python -m geo map-scripts"
        " (and scripts/build_geometry.py): do not edit.\n"
        f"window.ATLAS_PLACES = {data};\n"
    )


def write_places_script(atlas: Atlas | None = None) -> Path:
    """Write static/atlas/places.js from the default atlas (scripts/build_geometry.py calls this)."""
    target = STATIC_DIR / PLACES_DATA_SCRIPT
    target.write_text(places_script(atlas or load_atlas()), encoding="utf-8")
    return target


def script_highlight(slugs: tuple[str, ...]) -> str:
    """The script that highlights these places on a map drawn from places.js (static/atlas/places-map.js),
    sent in the place of a feature group: a few bytes, where the places' shapes would be kilobytes."""
    return f"if (window.AtlasPlaces) {{ AtlasPlaces.highlight(map_div, {json.dumps(list(slugs))}); }}\n"


def basemap_feature(atlas: Atlas) -> dict[str, Any]:
    """Every country as parts of one MultiPolygon: one SVG path and one style to work out,
    where a feature per country costs render time on every rerun and a node per country."""
    parts = [part for shape in atlas.shapes.values() if shape.layer == "country" for part in polygons(shape.geom)]
    return {"type": "Feature", "properties": {}, "geometry": mapping(MultiPolygon(parts))}


def basemap_script(atlas: Atlas) -> str:
    """The text of static/atlas/basemap.js, which scripts/build_geometry.py writes."""
    data = script_value(basemap_feature(atlas))
    return (
        "// Generated by scripts/build_geometry.py from data/geometry.geojson: do not edit.\n"
        "// Country outlines from Natural Earth 1:10m (public domain).\n"
        f"window.ATLAS_BASEMAP = {data};\n"
    )


class _Later(MacroElement):
    """`atlas_later(group, draw)`: the map's other layers drawn just after its places first show."""

    _template = _element_template("later.js")


class _ScriptBasemap(MacroElement):
    """The country outlines from the basemap script, drawn into the parent layer."""

    _template = _element_template("basemap.js")

    def __init__(self, style: dict[str, Any], credit: str):
        super().__init__()
        self.style = style
        self.credit = credit


class _ScriptWorld(MacroElement):
    """The world's country outlines from static/atlas/world.js, drawn into the parent layer."""

    _template = _element_template("world.js")

    def __init__(self, style: dict[str, Any], credit: str):
        super().__init__()
        self.style = style
        self.credit = credit


class _ScriptPlaces(MacroElement):
    """One group of the article's places from static/atlas/places.js, drawn into the parent layer
    (`group` None: the ceasefire line)."""

    _template = _element_template("places.js")

    def __init__(self, group: str | None):
        super().__init__()
        self.group = group


class _Legend(MacroElement):
    """The map key in the lower-left corner, as a Leaflet control: open on a wide map, folded on a narrow one."""

    _template = _element_template("legend.js")

    def __init__(self, html_text: str, narrow: int = NARROW_MAP):
        super().__init__()
        self.html = html_text
        self.narrow = narrow


class _ContextData(MacroElement):
    """An atlas's own orientation layers (`window.ATLAS_CONTEXT`), written into its map, or null for none:
    static/atlas/context.js holds the default atlas's, so another atlas must not link it."""

    _template = _element_template("context_data.js")

    def __init__(self, data: dict[str, Any] | None):
        super().__init__()
        self.data = data


class _Water(MacroElement):
    """Lakes and rivers from the context script (static/atlas/context.js), drawn into the parent layer."""

    _template = _element_template("water.js")

    def __init__(self, styles: dict[str, Any]):
        super().__init__()
        self.styles = styles


class _Towns(MacroElement):
    """The towns the article does not name, from the context script, drawn into the parent layer."""

    _template = _element_template("towns.js")

    def __init__(self, style: dict[str, Any]):
        super().__init__()
        self.style = style


class _Names(MacroElement):
    """The names on the map (countries, water, towns), placed by static/atlas/context-map.js;
    with `world`, also the names of the countries from static/atlas/world.js."""

    _template = _element_template("names.js")

    def __init__(self, water: folium.FeatureGroup | None, towns: folium.FeatureGroup | None, world: bool = False):
        super().__init__()
        self.groups = {k: g.get_name() for k, g in (("water", water), ("towns", towns)) if g is not None}
        self.world = world


class _MapName(MacroElement):
    """The map's accessible name, given to its element and to the frame a page draws it in."""

    _template = _element_template("map_name.js")

    def __init__(self, label: str):
        super().__init__()
        self.label = label


class _Overview(MacroElement):
    """The overview of the region in a corner, drawn by static/atlas/overview.js."""

    _template = _element_template("overview.js")

    def __init__(self, options: dict[str, Any]):
        super().__init__()
        self.options = options


class _Opening(MacroElement):
    """`window.atlasOpening()`: the map fits the article's places in the region, at its real size."""

    _template = _element_template("opening.js")

    def __init__(self, bounds: list[list[float]] | None):
        super().__init__()
        self.bounds = bounds


class _Focus(MacroElement):
    """`window.atlasFocus(slug)`: the map moves to a place and highlights it, from a page's script."""

    _template = _element_template("focus.js")

    def __init__(self, bounds: dict[str, list[list[float]]], style: dict[str, Any], route_style: dict[str, Any]):
        super().__init__()
        self.bounds = bounds
        self.style = style
        self.route_style = route_style


def build_map(
    atlas: Atlas,
    *,
    selected: str | None = None,
    static_base: str = STREAMLIT_STATIC,
    osm_default: bool = False,
    basemap_from_script: bool = False,
    places_from_script: bool = False,
    orientation: bool = True,
    context: dict[str, Any] | None = None,
    world: bool = False,
) -> folium.Map:
    """The whole atlas as one map; with `selected`, also highlight that place and fit to it.

    Leaflet, the palette and the map's style sheet are linked from `static_base`, the
    URL of the static/ folder (the app's, or the export's copy). With
    `basemap_from_script`, the country outlines come from static/atlas/basemap.js (see
    basemap_script) rather than inside the map, so a browser fetches them once. With
    `places_from_script`, the article's places come likewise from static/atlas/places.js
    (places_script): the default atlas's only.

    The orientation layers (water, towns the article does not name, the names on the map) come
    from static/atlas/context.js, the default atlas's, fetched once; an atlas of its own passes
    `context` (geo.context_layers.orientation_data), written into the map instead, or
    `orientation=False` for none at all.

    With `world` (an atlas about anywhere: a draft, a saved atlas), the country outlines and their
    names come from static/atlas/world.js instead of the default atlas's detailed ones, and the
    map and its overview open on the atlas's places.
    """
    opening = opening_bounds(atlas) if world else None
    center, zoom = view_for(opening) if opening else (DEFAULT_CENTER, DEFAULT_ZOOM)
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=True, prefer_canvas=False)
    js, css = asset_links(static_base)
    m.default_js = js
    m.default_css = [*css, *((name, f"{static_base}/{name}") for name in MAP_CSS_FILES)]
    _Later().add_to(m)  # first: the layers below draw through it
    _Opening(opening_bounds(atlas)).add_to(m)  # before the layers: a page may fit the map to it first

    folium.FeatureGroup(name=PLAIN_LAYER, overlay=False, show=not osm_default).add_to(m)
    # The tile URL is given directly: looking "OpenStreetMap" up in xyzservices costs ~90 ms a build.
    folium.TileLayer(
        OSM_TILES, name=OSM_LAYER, attr=OSM_ATTRIBUTION, overlay=False, show=osm_default, max_zoom=19
    ).add_to(m)

    basemap = folium.FeatureGroup(name="Natural Earth outlines", control=False)
    if world:
        m.default_js = [*m.default_js, ("atlas_world", f"{static_base}/{WORLD_SCRIPT}")]
        _ScriptWorld(styles()["basemap"], WORLD_CREDIT).add_to(basemap)
    elif basemap_from_script:
        # The outlines never change: the browser fetches them once, as a cached script,
        # instead of receiving them inside the map on every rerun.
        m.default_js = [*m.default_js, ("atlas_basemap", f"{static_base}/{BASEMAP_SCRIPT}")]
        _ScriptBasemap(styles()["basemap"], CREDIT).add_to(basemap)
    else:
        folium.GeoJson(
            basemap_feature(atlas),
            style_function=_style("basemap"),
            interactive=False,
            control=False,
            attr=CREDIT,
        ).add_to(basemap)
    basemap.add_to(m)
    # The orientation layers never change: their data comes in a cached script, like the outlines.
    linked = orientation and context is None
    scripts = CONTEXT_SCRIPTS if linked else tuple(name for name in CONTEXT_SCRIPTS if name != CONTEXT_DATA_SCRIPT)
    m.default_js = [*m.default_js, *((name, f"{static_base}/{name}") for name in scripts)]
    if not linked:
        _ContextData(context if orientation else None).add_to(m)
    water: folium.FeatureGroup | None = None
    towns: folium.FeatureGroup | None = None
    if orientation:
        water = folium.FeatureGroup(name=WATER_LAYER)
        _Water({"lake": styles()["lake"], "river": styles()["river"]}).add_to(water)
        water.add_to(m)

    ceasefire = atlas.shapes.get(CEASEFIRE_SHAPE)
    if ceasefire is not None:
        line = folium.FeatureGroup(name=CEASEFIRE_LAYER, show=False)
        if places_from_script:
            _ScriptPlaces(None).add_to(line)
        else:
            folium.GeoJson(mapping(ceasefire.geom), style_function=_style("ceasefire"), tooltip=CEASEFIRE_TIP).add_to(
                line
            )
        line.add_to(m)

    if orientation:  # under the article's places, so that a place is never hidden by a town it does not name
        towns = folium.FeatureGroup(name=TOWNS_LAYER)
        _Towns(styles()["context-town"]).add_to(towns)
        towns.add_to(m)

    if places_from_script:
        # The places never change: the browser fetches them once, as a cached script, like the outlines.
        m.default_js = [*m.default_js, *((name, f"{static_base}/{name}") for name in PLACES_SCRIPTS)]
    members = group_members(atlas)
    for name in GROUP_ORDER:
        group = folium.FeatureGroup(name=name)
        if places_from_script:
            _ScriptPlaces(name).add_to(group)
        elif members[name]:
            _group_layer(members[name]).add_to(group)
        group.add_to(m)

    rows = LEGEND if orientation else tuple(row for row in LEGEND if row[0] not in CONTEXT_LEGEND_ROWS)
    _Legend(render("map/legend.html", rows=rows)).add_to(m)
    focus_bounds = {p.slug: b for p in atlas.places if (b := place_bounds(atlas, p))}
    _Focus(focus_bounds, styles()["highlight"], styles()["highlight-route"]).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    _Overview(
        {
            "region": overview_region(opening) if opening else OVERVIEW_REGION,
            "world": world,
            "land": styles()["overview-land"],
            "water": styles()["lake"],
            "box": styles()["overview-box"],
        }
    ).add_to(m)
    if orientation or world:
        _Names(water, towns, world).add_to(m)
    _MapName(MAP_NAME).add_to(m)

    if selected and selected in atlas.by_slug:
        highlight_group(atlas, atlas.by_slug[selected]).add_to(m)
        bounds = place_bounds(atlas, atlas.by_slug[selected])
        if bounds:
            m.fit_bounds(bounds, max_zoom=10)
    return m


def highlight_group(atlas: Atlas, place: Place) -> folium.FeatureGroup:
    """The selected place drawn on top in a strong style (empty if it has no geometry)."""
    return highlight_places_group(atlas, [place])


def highlight_places_group(atlas: Atlas, places: list[Place]) -> folium.FeatureGroup:
    """Several places drawn on top in the highlight style, large areas first so towns stay on top
    (an event's places); places without geometry are left out."""
    group = folium.FeatureGroup(name="Selected place", control=False)
    for place in sorted(places, key=lambda p: KIND_ORDER.index(p.kind)):
        _highlight_layer(atlas, place, group)
    return group


def _highlight_layer(atlas: Atlas, place: Place, group: folium.FeatureGroup) -> None:
    shape = atlas.shape(place)
    if shape is None:
        return
    line = shape.geom.geom_type in ("LineString", "MultiLineString")
    style = styles()["highlight-route" if line else "highlight"]
    folium.GeoJson(
        map_feature(place, shape.geom),
        style_function=lambda _f: style,
        marker=folium.CircleMarker(radius=13) if shape.geom.geom_type == "Point" else None,
        tooltip=folium.Tooltip(tooltip_text(place.name)),
        control=False,
    ).add_to(group)


def place_bounds(atlas: Atlas, place: Place) -> list[list[float]] | None:
    """[[south, west], [north, east]] of a place, padded so points get some context."""
    shape = atlas.shape(place)
    if shape is None:
        return None
    west, south, east, north = shape.geom.bounds
    # A town alone would fill the screen: show about 150 km around it instead.
    pad = 0.7 if shape.geom.geom_type == "Point" else 0.0
    return [[south - pad, west - pad], [north + pad, east + pad]]


def places_bounds(atlas: Atlas, places: list[Place]) -> list[list[float]] | None:
    """The bounds that hold every place drawn (an event's places); None if none is drawn."""
    boxes = [b for place in places if (b := place_bounds(atlas, place))]
    if not boxes:
        return None
    return [
        [min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
        [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)],
    ]


# Kinds of places too large to open on: the map opens on the places the article is about.
WIDE_KINDS = ("country", "wider region")
# Room east of the opening places, in degrees: the Caspian's name is written there.
OPENING_EAST = 0.6


def opening_bounds(atlas: Atlas) -> list[list[float]] | None:
    """What the map opens on: every place of the article in its region (inside its wider region,
    when it has one, so that London does not pull the view to Europe), with room for the sea's name."""
    wide = [s.geom.buffer(0.5) for p in atlas.places if p.kind == "wider region" and (s := atlas.shape(p))]
    regional = [
        p
        for p in atlas.places
        if p.kind not in WIDE_KINDS
        and (shape := atlas.shape(p)) is not None
        and (not wide or any(w.contains(shape.geom) for w in wide))
    ]
    bounds = places_bounds(atlas, regional) or places_bounds(atlas, list(atlas.places))
    if bounds is None:
        return None
    (south, west), (north, east) = bounds
    return [[south, west], [north, east + OPENING_EAST]]


def overview_region(bounds: list[list[float]]) -> list[list[float]]:
    """The overview's region around a world map's places: their middle with the continent around it."""
    (south, west), (north, east) = bounds
    lat, lon = (south + north) / 2, (west + east) / 2
    dlat, dlon = WORLD_OVERVIEW_PAD
    return [
        [max(min(south, lat - dlat), -80.0), max(min(west, lon - dlon), -180.0)],
        [min(max(north, lat + dlat), 80.0), min(max(east, lon + dlon), 180.0)],
    ]


def view_for(
    bounds: list[list[float]] | None, width_px: int = 800, height_px: int = 600, max_zoom: int = 10
) -> tuple[tuple[float, float], int]:
    """Centre and the largest whole zoom at which the bounds fit a map of this size.

    streamlit-folium can move the view without rebuilding the map only through
    `center` and `zoom`, so fitting to bounds is worked out here (Web Mercator).
    """
    if not bounds:
        return DEFAULT_CENTER, DEFAULT_ZOOM
    (south, west), (north, east) = bounds

    def merc_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_frac = max(east - west, 1e-6) / 360
    lat_frac = max(merc_y(north) - merc_y(south), 1e-6) / (2 * math.pi)
    zoom_x = math.log2(width_px * 0.9 / 256 / lon_frac)
    zoom_y = math.log2(height_px * 0.9 / 256 / lat_frac)
    zoom = int(max(1, min(max_zoom, math.floor(min(zoom_x, zoom_y)))))
    center_lat = math.degrees(math.atan(math.sinh((merc_y(north) + merc_y(south)) / 2)))
    return (round(center_lat, 5), round((west + east) / 2, 5)), zoom
