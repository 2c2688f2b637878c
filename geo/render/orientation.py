"""The map's orientation layers as one cached script: water, context towns and the names on the map.

None of it ever changes between runs, so it is not part of the map a page sends on every
run: scripts/build_geometry.py and scripts/build_water.py write it to
static/atlas/context.js (`window.ATLAS_CONTEXT`), which a browser fetches once, like the
country outlines. static/atlas/context-map.js draws it and places
the names. That file is the default atlas's: a saved atlas or a draft has its own layers
(`orientation_data`), written into its map, or none at all when its files are empty.

Each name comes with a few candidate points (`at`, as [lat, lon]) rather than one: the
browser writes it at the candidate nearest the middle of what is in view, or the next
one where that collides with another name, so a country keeps its name however the map
is panned. Candidates are worked out here, once, from the outlines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shapely import set_precision
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from geo.atlas.context import Context
from geo.atlas.loader import Atlas, load_atlas, resolve_data_dir
from geo.atlas.water import Waters, has_layers, load_context_layers
from geo.paths import STATIC_DIR
from geo.render.packed import script_value

CONTEXT_SCRIPT = "atlas/context.js"
# Names are placed in this frame (west, south, east, north): beyond it the map is only seen from afar.
LABEL_FRAME = (36.0, 34.0, 56.0, 46.0)
GRID_STEP = 1.0  # degrees between candidate points of a country or sea
INSET = 0.25  # candidates stay this far (degrees, about 25 km) inside the outline
# Where the map is seen close up (the Karabakh conflict's region), candidates are closer, so a
# country that shows only as a strip still has one in view.
FINE_FRAME = (43.5, 38.25, 50.0, 42.0)
FINE_STEP = 0.125
FINE_INSET = 0.06
RIVER_STEP = 0.6  # degrees along a river between candidate points
COORDS = 3  # decimals of the candidate points and the drawn water (about 100 m)
# Lower is placed first and wins a collision (a lake has one spot, a country many); the
# labels of the article's places always win.
PRIORITY = {"lake": 1, "country": 2, "sea": 3, "river": 4, "capital": 5, "town": 6}
# The smallest zoom at which a kind of name is written: the map thins out as it zooms out.
MIN_ZOOM = {"country": 3, "sea": 3, "capital": 5, "river": 5, "lake": 6, "town": 6}


def _latlon(point: Point) -> list[float]:
    return [round(point.y, COORDS), round(point.x, COORDS)]


def area_candidates(geom: BaseGeometry) -> list[list[float]]:
    """Where an area's name may go: its most inland point, then a grid of points well inside it."""
    frame = box(*LABEL_FRAME)
    inside = geom.intersection(frame)
    if inside.is_empty:
        return []
    parts = [p for p in getattr(inside, "geoms", [inside]) if isinstance(p, Polygon)]
    if not parts:
        return []
    largest = max(parts, key=lambda p: p.area)
    points = [polylabel(largest, tolerance=0.01)]
    points += _grid(inside.buffer(-INSET), LABEL_FRAME, GRID_STEP)
    points += _grid(inside.buffer(-FINE_INSET), FINE_FRAME, FINE_STEP)
    return [_latlon(p) for p in points]


def _grid(area: BaseGeometry, frame: tuple[float, float, float, float], step: float) -> list[Point]:
    """The points of a grid over the frame that lie inside the area, column by column."""
    west, south, east, north = frame
    columns, rows = round((east - west) / step), round((north - south) / step)
    points = (Point(west + (i + 0.5) * step, south + (j + 0.5) * step) for i in range(columns) for j in range(rows))
    return [p for p in points if area.contains(p)]


def line_candidates(line: BaseGeometry) -> list[list[float]]:
    """Points along a river, every RIVER_STEP degrees, starting half a step in."""
    lines = [line] if isinstance(line, LineString) else list(getattr(line, "geoms", []))
    points = []
    for part in lines:
        distance = RIVER_STEP / 2
        while distance < part.length:
            points.append(part.interpolate(distance))
            distance += RIVER_STEP
    return [_latlon(p) for p in points]


def _label(text: str, kind: str, at: list[list[float]], group: str) -> dict[str, Any]:
    return {"text": text, "kind": kind, "priority": PRIORITY[kind], "minZoom": MIN_ZOOM[kind], "group": group, "at": at}


def labels(atlas: Atlas, context: Context, waters: Waters) -> list[dict[str, Any]]:
    """Every name the map writes besides its places', most important first."""
    out = []
    frame = box(*LABEL_FRAME)
    for shape_ in sorted(atlas.shapes.values(), key=lambda s: s.ref):
        if shape_.layer == "country" and shape_.geom.intersects(frame):
            at = area_candidates(shape_.geom)
            if at:
                out.append(_label(str(shape_.properties["name"]), "country", at, "countries"))
    for sea in waters.seas:
        out.append(_label(sea["properties"]["name"], "sea", area_candidates(shape(sea["geometry"])), "water"))
    rivers = {r.slug: r for r in context.rivers}
    for river in waters.rivers:
        slug = river["id"].split(":", 1)[1]
        out.append(_label(rivers[slug].label, "river", line_candidates(shape(river["geometry"])), "water"))
    for lake in waters.lakes:
        name = lake["properties"].get("name")
        if name:
            out.append(_label(name, "lake", [_latlon(polylabel(shape(lake["geometry"]), tolerance=0.01))], "water"))
    for town in context.towns:
        point = atlas.shapes[town.ref].geom
        kind = "capital" if town.capital else "town"
        out.append(_label(town.label, kind, [_latlon(point)], "towns") | {"beside": True})
    out.sort(key=lambda label: label["priority"])
    return out


def _rounded(geom: BaseGeometry) -> dict[str, Any]:
    return mapping(set_precision(geom, 10**-COORDS))


def context_data(atlas: Atlas, context: Context, waters: Waters) -> dict[str, Any]:
    """What context.js holds: water to draw, towns to draw, names to place."""
    lakes = unary_union([shape(lake["geometry"]) for lake in waters.lakes])
    lake_parts = list(getattr(lakes, "geoms", [lakes]))
    rivers = [
        {"type": "Feature", "properties": {"name": f["properties"]["name"]}, "geometry": _rounded(shape(f["geometry"]))}
        for f in waters.rivers
    ]
    towns = [
        {
            "name": town.label,
            "note": town.note,
            "at": _latlon(atlas.shapes[town.ref].geom),
        }
        for town in context.towns
    ]
    return {
        "lakes": {"type": "Feature", "properties": {}, "geometry": _rounded(MultiPolygon(lake_parts))},
        "rivers": {"type": "FeatureCollection", "features": rivers},
        "towns": towns,
        "labels": labels(atlas, context, waters),
    }


def orientation_data(atlas: Atlas, context: Context, waters: Waters) -> dict[str, Any] | None:
    """What context.js would hold for this atlas, or None when it has no orientation layers at all."""
    return context_data(atlas, context, waters) if has_layers(context, waters) else None


def context_script(atlas: Atlas, layers: tuple[Context, Waters] | None = None) -> str:
    """The text of static/atlas/context.js for this atlas: from `layers` when given (a draft's
    data folder is gone once it is loaded), else read from its data folder."""
    context, waters = layers or load_context_layers(atlas)
    data = script_value(context_data(atlas, context, waters), ensure_ascii=False)
    return (
        "// Generated by scripts/build_geometry.py and scripts/build_water.py from data/: do not edit.\n"
        "// Water: GSHHG and WDBII (LGPL). Towns: GeoNames (CC BY 4.0). Country names: Natural Earth.\n"
        f"window.ATLAS_CONTEXT = {data};\n"
    )


def write_context_script(data_dir: Path | None = None) -> Path:
    """Write static/atlas/context.js from the data folder (the builds call this after writing data/)."""
    target = STATIC_DIR / CONTEXT_SCRIPT
    target.write_text(context_script(load_atlas(resolve_data_dir(data_dir))), encoding="utf-8")
    return target
