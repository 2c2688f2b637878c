"""A printable handout of the tour: one self-contained HTML file, with print CSS.

Each step lists the place (or the event, with its date and places), its other names, the
passage and a small locator map drawn with matplotlib from the same shapes the app uses
(data/geometry.geojson), embedded as a PNG data URI. Nothing is fetched from the network,
so the file prints offline too: open it in a browser and choose Print (or "Save as PDF").
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

# The object-oriented API only (no pyplot): no display, and no global state shared
# between the threads of concurrent Streamlit sessions.
from matplotlib.artist import Artist
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from shapely.geometry.base import BaseGeometry

from geo.atlas.events import load_events
from geo.atlas.loader import Atlas
from geo.atlas.places import Place
from geo.atlas.tours import Tour
from geo.render.palette import colour
from geo.render.templating import render, static_text
from geo.render.view_models import StepView, atlas_view, step_views, timeline_view

# Every locator shows at least this frame (west, south, east, north): the South Caucasus,
# so a reader always sees where a place lies relative to the conflict.
FOCUS = (43.0, 38.0, 51.0, 42.5)
# The country outlines in the data stop at this frame; wider views are cut to it.
LIMITS = (-12.0, 24.0, 66.0, 60.0)
LOCATOR_SIZE_IN = (3.0, 2.2)
LOCATOR_DPI = 110


@dataclass(frozen=True)
class Card:
    """One step of the handout: the step's view, its locator image and its link."""

    step: StepView
    locator: str  # a data: URI
    link: str | None


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


class Locators:
    """Draws the locator maps of one atlas: one figure, its countries drawn once, each locator only adding
    its places. A handout of a draft has a locator per place (up to MAX_DRAFT_PLACES); building the axes
    and the country outlines again for each was two thirds of its time."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.figure = Figure(figsize=LOCATOR_SIZE_IN, dpi=LOCATOR_DPI)
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        sea, land, edge = (colour(name) for name in ("sea", "land", "land-edge"))
        self.ax.set_facecolor(sea)
        countries = [p for s in atlas.shapes.values() if s.layer == "country" and (p := _geom_path(s.geom))]
        self.ax.add_collection(PathCollection(countries, facecolor=land, edgecolor=edge, linewidth=0.4))
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        for spine in self.ax.spines.values():
            spine.set_linewidth(0.5)

    def png(self, place: Place, *more: Place) -> bytes:
        """A small PNG map: the countries faint, the place (and any more, an event's) drawn strongly on top."""
        shapes = [s for p in (place, *more) if (s := self.atlas.shape(p)) is not None]
        bounds = [s.geom.bounds for s in shapes]
        union = (
            (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds), max(b[3] for b in bounds))
            if bounds
            else None
        )
        west, south, east, north = locator_extent(union)
        ax, highlight = self.ax, colour("capital")
        drawn: list[Artist] = []
        for shape in shapes:
            geom = shape.geom
            if geom.geom_type in ("Point", "MultiPoint"):
                for pt in getattr(geom, "geoms", [geom]):
                    drawn += ax.plot(pt.x, pt.y, "o", ms=7, mfc=highlight, mec="#111", mew=1.2)
            elif (path := _geom_path(geom)) is not None:
                if geom.geom_type in ("LineString", "MultiLineString"):
                    style = {"facecolor": "none", "edgecolor": highlight, "linewidth": 2.6}
                else:
                    style = {"facecolor": highlight + "88", "edgecolor": highlight, "linewidth": 1.4}
                drawn.append(ax.add_collection(PathCollection([path], **style)))
        if not shapes:
            note = "not drawn on the map"
            drawn.append(ax.text(0.5, 0.06, note, transform=ax.transAxes, ha="center", fontsize=7, color="#444"))
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        buf = io.BytesIO()
        try:
            self.figure.savefig(buf, format="png", dpi=LOCATOR_DPI)
        finally:
            for artist in drawn:
                artist.remove()
        return buf.getvalue()


def locator_png(atlas: Atlas, place: Place, *more: Place) -> bytes:
    """One locator map (Locators draws many of one atlas faster)."""
    return Locators(atlas).png(place, *more)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def handout_html(atlas: Atlas, tour: Tour, *, link: Callable[[int], str] | None = None, notes: bool = False) -> str:
    """The whole handout as one HTML document (geo/render/templates/handout.html).

    `link` makes a step's link from its number: the page passes it in, as only the page knows
    which atlas is shown and how its links keep it (a saved atlas's `atlas=<slug>`); without
    it (an unsaved draft has no link) the steps have none.
    """
    view = atlas_view(atlas)
    chronology = any(step.event for step in tour.steps)
    timeline = timeline_view(atlas, load_events(atlas)) if chronology else None
    locators: dict[tuple[str, ...], str] = {}
    draw = Locators(atlas)
    cards = []
    for step in step_views(view, tour, timeline):
        slugs = step.place_slugs
        if slugs not in locators:
            locators[slugs] = data_uri(draw.png(*(atlas.by_slug[slug] for slug in slugs)))
        cards.append(Card(step, locators[slugs], link(step.number) if link else None))
    css = static_text("atlas/palette.css") + static_text("atlas/handout.css")
    return render(
        "handout.html", title=tour.title, view=view, cards=cards, notes=notes, css=css, osm=False, chronology=chronology
    )
