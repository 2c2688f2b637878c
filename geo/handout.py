"""A printable handout of the tour: one self-contained HTML file, with print CSS.

Each step lists the place, its other names, the passage and a small locator map drawn
with matplotlib from the same shapes the app uses (data/geometry.geojson), embedded as
a PNG data URI. Nothing is fetched from the network, so the file prints offline too:
open it in a browser and choose Print (or "Save as PDF").
"""

from __future__ import annotations

import base64
import io
import math
from html import escape

# The object-oriented API only (no pyplot): no display, and no global state shared
# between the threads of concurrent Streamlit sessions.
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from shapely.geometry.base import BaseGeometry

from geo.atlas import Atlas
from geo.gazetteer import Place
from geo.panel import credits_html
from geo.tour import Tour, names_text, note_html, passage_html, step_link

# Every locator shows at least this frame (west, south, east, north): the South Caucasus,
# so a reader always sees where a place lies relative to the conflict.
FOCUS = (43.0, 38.0, 51.0, 42.5)
# The country outlines in the data stop at this frame; wider views are cut to it.
LIMITS = (-12.0, 24.0, 66.0, 60.0)
LOCATOR_SIZE_IN = (3.0, 2.2)
LOCATOR_DPI = 110
LAND = "#eeeae2"
EDGE = "#9a958c"
SEA = "#dde9f0"
HIGHLIGHT = "#d1495b"

HANDOUT_CSS = """
* { box-sizing: border-box; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 0 auto; max-width: 190mm;
  padding: 12px; }
h1 { font-size: 18pt; margin: 0 0 2px; }
.sub { font: 9.5pt/1.4 system-ui, sans-serif; color: #444; margin: 0 0 10px; }
.steps { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 14px; }
.step { display: grid; grid-template-columns: 36mm 1fr; gap: 8px; border-top: 1px solid #999; padding-top: 6px;
  break-inside: avoid; page-break-inside: avoid; }
.step img { width: 36mm; height: auto; border: 1px solid #bbb; }
.step h2 { font: 600 11.5pt/1.2 system-ui, sans-serif; margin: 0 0 2px; }
.step h2 .n { color: #b5452b; margin-right: 4px; }
.names { font: 8.5pt/1.3 system-ui, sans-serif; color: #444; margin: 0 0 3px; }
.passage { font-size: 9.5pt; margin: 0; }
.link { font: 7.5pt/1.2 system-ui, sans-serif; color: #555; word-break: break-all; margin: 3px 0 0; }
.tour-note { font: 8.5pt/1.35 system-ui, sans-serif; background: #f3f0e8; padding: 3px 5px; margin-top: 4px; }
mark { background: #ffe08a; padding: 0 1px; }
.atlas-credits { font: 8pt/1.5 system-ui, sans-serif; color: #444; border-top: 1px solid #999; margin-top: 10px;
  padding-top: 6px; }
.atlas-credits a { color: inherit; }
.print-hint { font: 10pt system-ui, sans-serif; background: #fff7d6; padding: 6px 10px; border-radius: 4px; }
@media (max-width: 640px) { .steps { grid-template-columns: 1fr; } }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  .print-hint { display: none; }
  a { color: inherit; text-decoration: none; }
  mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .step img, .tour-note { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _geom_path(geom: BaseGeometry) -> MplPath | None:
    """A matplotlib path for polygons (holes included) or lines; None for points."""
    parts = getattr(geom, "geoms", [geom])
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    for part in parts:
        if part.geom_type == "Polygon":
            rings = [part.exterior, *part.interiors]
        elif part.geom_type == "LineString":
            rings = [part]
        else:
            continue
        for ring in rings:
            coords = list(ring.coords)
            if len(coords) < 2:
                continue
            verts.extend(coords)
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 1))
    return MplPath(verts, codes) if verts else None


def locator_extent(bounds: tuple[float, float, float, float] | None) -> tuple[float, float, float, float]:
    """The frame for a locator: the place with a margin, never smaller than FOCUS, 4:3-ish."""
    west, south, east, north = FOCUS
    if bounds is not None:
        w, s, e, n = bounds
        pad = max(0.6, 0.15 * max(e - w, n - s))
        west, south = min(west, w - pad), min(south, s - pad)
        east, north = max(east, e + pad), max(north, n + pad)
    west, south = max(west, LIMITS[0]), max(south, LIMITS[1])
    east, north = min(east, LIMITS[2]), min(north, LIMITS[3])
    # Widen or heighten the frame so it fills the picture without distorting shapes
    # (equirectangular, scaled by the cosine of the middle latitude).
    k = math.cos(math.radians((south + north) / 2))
    want = LOCATOR_SIZE_IN[0] / LOCATOR_SIZE_IN[1]
    have = (east - west) * k / (north - south)
    if have < want:
        grow = ((north - south) * want / k - (east - west)) / 2
        west, east = west - grow, east + grow
    else:
        grow = ((east - west) * k / want - (north - south)) / 2
        south, north = south - grow, north + grow
    return west, south, east, north


def locator_png(atlas: Atlas, place: Place) -> bytes:
    """A small PNG map: the countries faint, the place drawn strongly on top."""
    shape = atlas.shape(place)
    extent = locator_extent(shape.geom.bounds if shape is not None else None)
    west, south, east, north = extent
    fig = Figure(figsize=LOCATOR_SIZE_IN, dpi=LOCATOR_DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor(SEA)
    countries = [p for s in atlas.shapes.values() if s.layer == "country" and (p := _geom_path(s.geom))]
    ax.add_collection(PathCollection(countries, facecolor=LAND, edgecolor=EDGE, linewidth=0.4))
    if shape is not None:
        geom = shape.geom
        if geom.geom_type in ("Point", "MultiPoint"):
            for pt in getattr(geom, "geoms", [geom]):
                ax.plot(pt.x, pt.y, "o", ms=7, mfc=HIGHLIGHT, mec="#111", mew=1.2)
        elif (path := _geom_path(geom)) is not None:
            if geom.geom_type in ("LineString", "MultiLineString"):
                ax.add_collection(PathCollection([path], facecolor="none", edgecolor=HIGHLIGHT, linewidth=2.6))
            else:
                ax.add_collection(
                    PathCollection([path], facecolor=HIGHLIGHT + "88", edgecolor=HIGHLIGHT, linewidth=1.4)
                )
    else:
        ax.text(0.5, 0.06, "not drawn on the map", transform=ax.transAxes, ha="center", fontsize=7, color="#444")
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=LOCATOR_DPI)
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def handout_html(atlas: Atlas, tour: Tour, *, base_url: str | None = None, notes: bool = False) -> str:
    """The whole handout as one HTML document; every text from data is escaped."""
    cards = []
    locators: dict[str, str] = {}
    for number, step in enumerate(tour.steps, 1):
        place = step.place
        if place.slug not in locators:
            locators[place.slug] = data_uri(locator_png(atlas, place))
        names = names_text(place)
        alt = f"Locator map of {place.name}"
        link = f'<p class="link">{escape(step_link(base_url, number))}</p>' if base_url else ""
        cards.append(
            '<section class="step">'
            f'<img src="{locators[place.slug]}" alt="{escape(alt, quote=True)}">'
            "<div>"
            f'<h2><span class="n">{number}.</span>{escape(place.name)}</h2>'
            + (f'<p class="names">Also: {escape(names)}</p>' if names else "")
            + f'<p class="passage">{passage_html(step)}</p>'
            + (note_html(step) if notes else "")
            + link
            + "</div></section>"
        )
    meta = atlas.meta
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(tour.title)}: handout</title><style>{HANDOUT_CSS}</style></head><body>"
        '<p class="print-hint">To print or save as PDF, use your browser\'s Print command (Ctrl+P or ⌘P).</p>'
        f"<h1>{escape(tour.title)}</h1>"
        f'<p class="sub">Places named in “{escape(meta.title)}” by {escape(meta.author)} '
        f"({escape(meta.publisher)}). Each passage is quoted from the article; the marked words name the place. "
        "Maps: the place in red, on Natural Earth country outlines.</p>"
        f'<div class="steps">{"".join(cards)}</div>'
        f"{credits_html(meta, osm=False)}"
        "</body></html>\n"
    )
