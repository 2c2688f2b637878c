"""Geodesic figures on the WGS84 ellipsoid (pyproj), never planar degrees."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

GEOD = Geod(ellps="WGS84")
# Longest edge (degrees, about 1 km) kept straight when shapes are projected.
SEGMENT_DEGREES = 0.01


def area_km2(geom: BaseGeometry) -> float:
    # pyproj sums signed ring areas: exteriors must run counter-clockwise and holes
    # clockwise, or a hole is added instead of removed and mixed parts cancel out.
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return abs(area) / 1e6


def length_km(geom: BaseGeometry) -> float:
    return GEOD.geometry_length(geom) / 1000


def nearest_pair(a: BaseGeometry, b: BaseGeometry) -> tuple[Point, Point]:
    """The points of `a` and `b` (longitude/latitude) that are nearest on the ellipsoid.

    Nearest points in degrees are not the nearest on the ground away from the equator
    (a degree of longitude is shorter than a degree of latitude), so the pair is found
    in an azimuthal equidistant projection centred on a first guess, where distances
    near the centre are true to a few parts per million. Edges are straight in
    longitude/latitude, as GeoJSON draws them, so they are split into short pieces
    before they are projected.
    """
    p, q = nearest_points(a, b)
    local = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={(p.y + q.y) / 2} +lon_0={(p.x + q.x) / 2} +datum=WGS84", always_xy=True
    )

    def forward(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(local.transform(xy[:, 0], xy[:, 1]))

    a, b = (shapely.transform(shapely.segmentize(g, SEGMENT_DEGREES), forward) for g in (a, b))
    p, q = nearest_points(a, b)
    (px, qx), (py, qy) = local.transform([p.x, q.x], [p.y, q.y], direction="INVERSE")
    return Point(px, py), Point(qx, qy)


def distance_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest geodesic distance between two shapes (0 if they touch)."""
    if a.intersects(b):
        return 0.0
    p, q = nearest_pair(a, b)
    _, _, metres = GEOD.inv(p.x, p.y, q.x, q.y)
    return metres / 1000
